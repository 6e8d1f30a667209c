# render_man.cmake — a manual page renders without a single warning from man/groff
# (--warnings=w: every groff warning category).
#   cmake -DMAN=<man> -DPAGE=<file> -P render_man.cmake
set(ENV{MANWIDTH} 80)
set(ENV{LC_ALL} C.UTF-8)
execute_process(COMMAND ${MAN} --warnings=w -E UTF-8 -l ${PAGE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 30)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "man -l ${PAGE} exited ${rc}:\n${err}")
endif()
if(NOT err STREQUAL "")
  message(FATAL_ERROR "man --warnings -l ${PAGE} warns:\n${err}")
endif()
string(LENGTH "${out}" n)
if(n LESS 400 OR NOT out MATCHES "NAME" OR NOT out MATCHES "SEE ALSO")
  message(FATAL_ERROR "${PAGE} rendered to too little (${n} characters):\n${out}")
endif()
