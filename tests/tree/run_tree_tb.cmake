# run_tree_tb.cmake — compile papers_hub_tree_tb with Icarus and run it; pass only on "PASS".
#   cmake -DIVERILOG=... -DVVP=... -DSHAPE="p|f|l" -DNCYCLES=c -DOUT=dir -DSOURCES="a.sv|b.sv" -P this
foreach(v IVERILOG VVP SHAPE NCYCLES OUT SOURCES)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_tree_tb.cmake: -D${v}=... missing")
  endif()
endforeach()
string(REPLACE "|" ";" SOURCES "${SOURCES}")
string(REPLACE "|" ";" SHAPE "${SHAPE}")
list(GET SHAPE 0 p)
list(GET SHAPE 1 f)
list(GET SHAPE 2 l)
file(MAKE_DIRECTORY ${OUT})
set(vvp_file ${OUT}/papers_hub_tree_tb_${p}x${f}x${l}.vvp)
execute_process(
  COMMAND ${IVERILOG} -g2012 -Wall -P papers_hub_tree_tb.PORTS_PER_LEAF=${p}
          -P papers_hub_tree_tb.FANOUT=${f} -P papers_hub_tree_tb.LEVELS=${l}
          -P papers_hub_tree_tb.NCYCLES=${NCYCLES} -s papers_hub_tree_tb -o ${vvp_file} ${SOURCES}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "iverilog failed (${rc}):\n${out}")
endif()
execute_process(COMMAND ${VVP} -n ${vvp_file}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 110)
message("${out}")
if(NOT rc EQUAL 0 OR NOT out MATCHES "PASS papers_hub_tree_tb" OR out MATCHES "FAIL")
  message(FATAL_ERROR "papers_hub_tree_tb ${p}x${f}x${l} failed (vvp exit ${rc})")
endif()
