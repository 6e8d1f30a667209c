# env_reads.cmake — configuration is read through the tables only: no file of
# libpapers or pmpi calls getenv() but core/env_vars.cpp (libpapers/dipc is
# left to its own authors until it declares its table).
#   cmake -DSRC=<source dir> -P env_reads.cmake
cmake_minimum_required(VERSION 3.20)
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/forbidden_text.cmake)
file(GLOB_RECURSE files ${SRC}/libpapers/*.cpp ${SRC}/libpapers/*.hpp ${SRC}/libpapers/*.c
     ${SRC}/pmpi/*.cpp ${SRC}/pmpi/*.hpp)
list(FILTER files EXCLUDE REGEX "/libpapers/core/env_vars\\.cpp$|/libpapers/dipc/")
forbid_text("getenv[ \t]*\\(" "getenv() outside libpapers/core/env_vars.cpp; declare the variable in its component's table and read it with env::Reader" ${files})
