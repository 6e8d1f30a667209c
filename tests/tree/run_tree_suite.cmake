# run_tree_suite.cmake — the operation suite on the simulated hub tree, via papersrun:
#   papersrun -np NP --hub-tree TREE --job-timeout JOB_TIMEOUT SUITE [SUITE_ARGS]
# Passes only if papersrun exits 0 and every one of the NP ranks reports "0 failures".
# Prints the wall time (docs/hub-tree.md quotes it).
foreach(v RUN SUITE NP TREE JOB_TIMEOUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_tree_suite.cmake: -D${v}=... missing")
  endif()
endforeach()
if(DEFINED SUITE_ARGS)
  string(REPLACE "|" ";" SUITE_ARGS "${SUITE_ARGS}")
endif()
string(TIMESTAMP t0 "%s")
execute_process(
  COMMAND ${RUN} -np ${NP} --hub-tree ${TREE} --job-timeout ${JOB_TIMEOUT} ${SUITE} ${SUITE_ARGS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(TIMESTAMP t1 "%s")
math(EXPR secs "${t1} - ${t0}")
message("${out}")
if(err)
  message("stderr:\n${err}")
endif()
string(REGEX MATCHALL "papers-suite rank [0-9]+/${NP} backend sim: [0-9]+ checks, 0 failures"
       passed "${out}")
list(LENGTH passed npassed)
message("tree suite: ${npassed} of ${NP} ranks passed, papersrun exit ${rc}, ${secs} s wall "
        "(--hub-tree ${TREE})")
if(NOT rc EQUAL 0 OR NOT npassed EQUAL NP)
  message(FATAL_ERROR "tree suite failed: papersrun exit ${rc}, ${npassed} of ${NP} ranks passed")
endif()
