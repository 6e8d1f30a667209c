# generated_doc.cmake — a doc that papers-docgen writes must equal what it writes.
#   cmake -DGEN=papers-docgen -DWHAT=env -DDOC=docs/environment.md [-DMODE=update] -P ...
# MODE=update rewrites DOC; otherwise a difference fails, naming the fix.
execute_process(COMMAND ${GEN} ${WHAT} OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${GEN} ${WHAT} failed (${rc})")
endif()
if(MODE STREQUAL "update")
  file(WRITE ${DOC} "${generated}")
  message(STATUS "wrote ${DOC}")
  return()
endif()
if(EXISTS ${DOC})
  file(READ ${DOC} committed)
else()
  set(committed "")
endif()
if(NOT committed STREQUAL generated)
  string(LENGTH "${committed}" n1)
  string(LENGTH "${generated}" n2)
  message(FATAL_ERROR "${DOC} differs from what the code declares (${n1} vs ${n2} characters): "
                      "run `cmake --build <build> --target docs` and commit the result")
endif()
message(STATUS "${DOC} matches the code")
