# update_docs_block.cmake — rewrites docs/dipc.md's generated configuration
# reference (between "<!-- papers-dipcd config: generated -->" and
# "<!-- end -->") with `papers-dipcd --print-config --reference`.
#   cmake -DDIPCD=path/to/papers-dipcd -DDOC=docs/dipc.md -P update_docs_block.cmake
execute_process(COMMAND ${DIPCD} --print-config --reference
                OUTPUT_VARIABLE reference RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${DIPCD} --print-config --reference failed (${rc})")
endif()
file(READ ${DOC} doc)
set(open "<!-- papers-dipcd config: generated -->")
set(close "<!-- end -->")
string(FIND "${doc}" "${open}" a)
if(a EQUAL -1)
  message(FATAL_ERROR "${DOC} has no '${open}' marker")
endif()
string(SUBSTRING "${doc}" 0 ${a} head)
string(SUBSTRING "${doc}" ${a} -1 rest)
string(FIND "${rest}" "${close}" b)
if(b EQUAL -1)
  message(FATAL_ERROR "${DOC} has no '${close}' after '${open}'")
endif()
string(SUBSTRING "${rest}" ${b} -1 tail)
file(WRITE ${DOC} "${head}${open}\n```ini\n${reference}```\n${tail}")
message(STATUS "updated the generated block of ${DOC}")
