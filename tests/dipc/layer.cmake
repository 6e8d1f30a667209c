# End-to-end tests of the DIPC layer: real papers-dipcd daemons (cluster.hpp)
# and layer_agent processes on several hosts (included by CMakeLists.txt).
add_executable(dipc_layer_agent layer_agent.cpp)
add_executable(dipc_layer_test layer_hosts_test.cpp)
target_link_libraries(dipc_layer_test PRIVATE dipc_cluster GTest::gtest_main)
target_compile_definitions(dipc_layer_test PRIVATE LAYER_AGENT="$<TARGET_FILE:dipc_layer_agent>")
add_dependencies(dipc_layer_test dipc_layer_agent papers-dipcd papers_dipc)
# Daemons, namespaces and timeouts: one test at a time.
gtest_discover_tests(dipc_layer_test PROPERTIES LABELS "dipc" TIMEOUT 180 RUN_SERIAL TRUE)
