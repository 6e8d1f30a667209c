# env_reads.cmake — configuration is read through the tables only: no file of
# libpapers or pmpi calls getenv() but core/env_vars.cpp (libpapers/dipc is
# left to its own authors until it declares its table).
#   cmake -DSRC=<source dir> -P env_reads.cmake
file(GLOB_RECURSE files ${SRC}/libpapers/*.cpp ${SRC}/libpapers/*.hpp ${SRC}/libpapers/*.c
     ${SRC}/pmpi/*.cpp ${SRC}/pmpi/*.hpp)
set(offenders "")
foreach(f IN LISTS files)
  if(f MATCHES "/libpapers/core/env_vars\\.cpp$" OR f MATCHES "/libpapers/dipc/")
    continue()
  endif()
  file(STRINGS ${f} hits REGEX "getenv[ \t]*\\(")
  if(hits)
    file(RELATIVE_PATH rel ${SRC} ${f})
    list(APPEND offenders "${rel}: ${hits}")
  endif()
endforeach()
if(offenders)
  string(JOIN "\n  " msg ${offenders})
  message(FATAL_ERROR "getenv() outside libpapers/core/env_vars.cpp; declare the variable in "
                      "its component's table and read it with env::Reader:\n  ${msg}")
endif()
message(STATUS "every environment read goes through env::Reader")
