# End-to-end tests of the DIPC layer: real papers-dipcd daemons (cluster.hpp)
# and layer_agent processes on several hosts (included by CMakeLists.txt).
add_executable(dipc_layer_agent layer_agent.cpp)
add_executable(dipc_layer_test layer_hosts_test.cpp)
target_link_libraries(dipc_layer_test PRIVATE dipc_cluster GTest::gtest_main)
target_compile_definitions(dipc_layer_test PRIVATE LAYER_AGENT="$<TARGET_FILE:dipc_layer_agent>")
add_dependencies(dipc_layer_test dipc_layer_agent papers-dipcd papers_dipc)
# Daemons, namespaces and timeouts: one test at a time.
gtest_discover_tests(dipc_layer_test PROPERTIES LABELS "dipc" TIMEOUT 180 RUN_SERIAL TRUE)
add_executable(dipc_direct_link_test direct_link_test.cpp)
target_link_libraries(dipc_direct_link_test PRIVATE dipc_cluster papers_dipc_static GTest::gtest_main)
target_include_directories(dipc_direct_link_test PRIVATE ${PROJECT_SOURCE_DIR}/libpapers/dipc)
target_compile_definitions(dipc_direct_link_test PRIVATE LAYER_AGENT="$<TARGET_FILE:dipc_layer_agent>")
add_dependencies(dipc_direct_link_test dipc_layer_agent papers-dipcd)
gtest_discover_tests(dipc_direct_link_test PROPERTIES LABELS "dipc" TIMEOUT 120 RUN_SERIAL TRUE)
add_executable(dipc_dsm_agent dsm_agent.cpp dsm_agent_app.cpp)
add_executable(dipc_dsm_test dsm_hosts_test.cpp)
target_link_libraries(dipc_dsm_test PRIVATE dipc_cluster GTest::gtest_main)
target_compile_definitions(dipc_dsm_test PRIVATE DSM_AGENT="$<TARGET_FILE:dipc_dsm_agent>")
add_dependencies(dipc_dsm_test dipc_dsm_agent papers-dipcd papers_dipc)
gtest_discover_tests(dipc_dsm_test PROPERTIES LABELS "dipc" TIMEOUT 300 RUN_SERIAL TRUE)
# The litmus, computation and program-signal tests again with the direct read fetch on (off by
# default: docs/dipc-design.md, "Direct read fetch", has its known gap).
add_test(NAME DsmDirectFetch.LitmusComputationsAndSignals
         COMMAND dipc_dsm_test "--gtest_filter=DsmLitmus.*:DsmHosts.Counter*:DsmHosts.Matrix*:DsmHosts.APrograms*")
set_tests_properties(DsmDirectFetch.LitmusComputationsAndSignals PROPERTIES
                     LABELS "dipc" TIMEOUT 300 RUN_SERIAL TRUE ENVIRONMENT "PAPERS_DIPC_DSM_DIRECT=1")
