# The full-layer differential test (issue 11's first test bullet): the
# kernel vs the DIPC layer with a remote owner, call by call, on a cluster
# of real daemons (cluster.hpp). Included by CMakeLists.txt.
add_executable(dipc_layerdiff_agent ${CMAKE_CURRENT_LIST_DIR}/layerdiff_agent.cpp)
target_link_libraries(dipc_layerdiff_agent PRIVATE dipc_sysv_kit)

add_executable(dipc_layerdiff_test
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_twin.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_remote.cpp)
target_link_libraries(dipc_layerdiff_test PRIVATE dipc_engine_testkit dipc_cluster GTest::gtest_main)
target_compile_definitions(dipc_layerdiff_test PRIVATE LAYERDIFF_AGENT="$<TARGET_FILE:dipc_layerdiff_agent>")
add_dependencies(dipc_layerdiff_test dipc_layerdiff_agent papers-dipcd papers_dipc)
# Daemons and namespaces: one at a time.
gtest_discover_tests(dipc_layerdiff_test PROPERTIES LABELS "dipc" TIMEOUT 180 RUN_SERIAL TRUE)
