# machine_paths.cmake — no file names a path of one build machine (under its
# work or home directory): the tree builds and its docs read the same
# anywhere. The DIPC layer's files are left to their authors for now.
#   cmake -DSRC=<source dir> -P machine_paths.cmake
cmake_minimum_required(VERSION 3.20)
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/forbidden_text.cmake)
file(GLOB_RECURSE files ${SRC}/*.cpp ${SRC}/*.hpp ${SRC}/*.c ${SRC}/*.h ${SRC}/*.py ${SRC}/*.sh
     ${SRC}/*.cmake ${SRC}/*.txt ${SRC}/*.md ${SRC}/*.in ${SRC}/*.sv ${SRC}/*.json)
list(FILTER files EXCLUDE REGEX "^${SRC}/(build[^/]*|\\.git)/|dipc")
forbid_text("(^|[ `'\"(=])/(work|home)/" "paths of a build machine" ${files})
