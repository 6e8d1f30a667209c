# run_iverilog_tb.cmake — compile papers_hub_tb with Icarus and run it; pass only on "PASS".
#   cmake -DIVERILOG=... -DVVP=... -DNPORTS=n -DNCYCLES=c -DOUT=dir -DSOURCES="a.sv|b.sv" -P this
foreach(v IVERILOG VVP NPORTS NCYCLES OUT SOURCES)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_iverilog_tb.cmake: -D${v}=... missing")
  endif()
endforeach()
string(REPLACE "|" ";" SOURCES "${SOURCES}")  # '|'-separated on the command line
file(MAKE_DIRECTORY ${OUT})
set(vvp_file ${OUT}/papers_hub_tb_${NPORTS}.vvp)
execute_process(
  COMMAND ${IVERILOG} -g2012 -Wall -P papers_hub_tb.NPORTS=${NPORTS}
          -P papers_hub_tb.NCYCLES=${NCYCLES} -s papers_hub_tb -o ${vvp_file} ${SOURCES}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "iverilog failed (${rc}):\n${out}")
endif()
execute_process(COMMAND ${VVP} -n ${vvp_file}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 120)
message("${out}")
if(NOT rc EQUAL 0 OR NOT out MATCHES "PASS papers_hub_tb" OR out MATCHES "FAIL")
  message(FATAL_ERROR "papers_hub_tb NPORTS=${NPORTS} failed (vvp exit ${rc})")
endif()
