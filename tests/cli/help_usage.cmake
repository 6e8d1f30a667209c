# help_usage.cmake — a tool's --help names the tool in its usage line, by its
# name alone (not the path it was started by, not an empty CLI11 app name).
#   cmake -DTOOL=<path> -DNAME=<tool name> [-DNOT_MATCH=regex] -P help_usage.cmake
execute_process(COMMAND ${TOOL} --help RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT 20)
set(all "${out}${err}")
message("$ ${NAME} --help (exit ${rc})\n${all}")
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "${NAME} --help exited ${rc}, not 0")
endif()
string(REGEX MATCH "[Uu]sage:[^\n]*" usage "${all}")
if(usage STREQUAL "")
  message(FATAL_ERROR "${NAME} --help prints no usage line")
endif()
if(NOT usage MATCHES "^[Uu]sage: ${NAME}( |$)")
  message(FATAL_ERROR "the usage line does not start with the tool's name '${NAME}': '${usage}'")
endif()
if(DEFINED NOT_MATCH AND all MATCHES "${NOT_MATCH}")
  message(FATAL_ERROR "${NAME} --help matches '${NOT_MATCH}', which it must not")
endif()
