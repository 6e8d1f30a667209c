# The DIPC examples as the README runs them (papersrun --dipc), checked by
# what they print (each compares itself with a serial run).
add_test(NAME dipc_example_hello COMMAND papersrun --dipc -np 3 $<TARGET_FILE:dipc_hello>)
set_tests_properties(dipc_example_hello PROPERTIES LABELS "dipc" TIMEOUT 120 RUN_SERIAL TRUE
  PASS_REGULAR_EXPRESSION "received: Hello, world, from rank [12] .*\nreceived: Hello, world, from rank [12] ")
add_test(NAME dipc_example_work_queue COMMAND papersrun --dipc -np 4 $<TARGET_FILE:dipc_work_queue> 300)
set_tests_properties(dipc_example_work_queue PROPERTIES LABELS "dipc" TIMEOUT 120 RUN_SERIAL TRUE
  PASS_REGULAR_EXPRESSION "work_queue: 300 items, .*counter 300: OK")  # OK: the sum equals the serial one
add_test(NAME dipc_example_heat COMMAND papersrun --dipc -np 3 $<TARGET_FILE:dipc_heat> 10 256)
set_tests_properties(dipc_example_heat PROPERTIES LABELS "dipc" TIMEOUT 180 RUN_SERIAL TRUE
  PASS_REGULAR_EXPRESSION "identical to the serial run")
