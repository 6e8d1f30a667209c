# generate_papers_3.cmake — papers(3) from papers.3.in with the sections papers-docgen writes
# from the code's tables (ENVIRONMENT, ERRORS).
#   cmake -DGEN=papers-docgen -DIN=papers.3.in -DOUT=papers.3 -P generate_papers_3.cmake
foreach(part env errors)
  execute_process(COMMAND ${GEN} man-${part} OUTPUT_VARIABLE text_${part} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${GEN} man-${part} failed (${rc})")
  endif()
  string(REGEX REPLACE "\n$" "" text_${part} "${text_${part}}")
endforeach()
file(READ ${IN} page)
string(REPLACE "@PAPERS_MAN_ENVIRONMENT@" "${text_env}" page "${page}")
string(REPLACE "@PAPERS_MAN_ERRORS@" "${text_errors}" page "${page}")
file(WRITE ${OUT}.tmp "${page}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
