# sanitizers.cmake — PAPERS_SANITIZE=address,undefined or thread builds every
# target of the project with that sanitizer (CMakePresets.json: presets
# `asan` and `tsan`; docs/reliability.md). Errors halt: -fno-sanitize-recover.
#
# PAPERS_SANITIZER_RUNTIME is the sanitizer's runtime library (libasan.so,
# libtsan.so). A test that preloads a library (LD_PRELOAD) into an
# instrumented program must put the runtime first, or the runtime refuses to
# start ("ASan runtime does not come first in initial library list"); such
# tests use PAPERS_TEST_PRELOAD_PREFIX ("<runtime>:" or "").
set(PAPERS_SANITIZE "" CACHE STRING "Sanitizers for every target: address,undefined | thread | empty")
set(PAPERS_SANITIZER_RUNTIME "")
set(PAPERS_TEST_PRELOAD_PREFIX "")
if(PAPERS_SANITIZE)
  if(PAPERS_SANITIZE MATCHES "thread" AND PAPERS_SANITIZE MATCHES "address")
    message(FATAL_ERROR "PAPERS_SANITIZE: thread and address cannot be combined")
  endif()
  add_compile_options(-fsanitize=${PAPERS_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${PAPERS_SANITIZE})
  if(PAPERS_SANITIZE MATCHES "address")
    set(_runtime libasan.so)
  elseif(PAPERS_SANITIZE MATCHES "thread")
    set(_runtime libtsan.so)
  elseif(PAPERS_SANITIZE MATCHES "undefined")
    set(_runtime libubsan.so)
  endif()
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${_runtime}
                  OUTPUT_VARIABLE PAPERS_SANITIZER_RUNTIME OUTPUT_STRIP_TRAILING_WHITESPACE)
  get_filename_component(PAPERS_SANITIZER_RUNTIME "${PAPERS_SANITIZER_RUNTIME}" REALPATH)
  set(PAPERS_TEST_PRELOAD_PREFIX "${PAPERS_SANITIZER_RUNTIME}:")
  message(STATUS "Sanitizers: ${PAPERS_SANITIZE} (runtime ${PAPERS_SANITIZER_RUNTIME})")
endif()
