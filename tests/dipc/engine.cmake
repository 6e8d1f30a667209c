# tests of the DIPC owner engine (included by CMakeLists.txt)
# System V calls through a chosen entry point, and the kernel's limits; no
# test framework (the layer test's host processes link it too).
add_library(dipc_sysv_kit STATIC engine_call.cpp engine_kernel_ns.cpp)
target_include_directories(dipc_sysv_kit PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(dipc_sysv_kit PUBLIC papers_dipc_proto)

add_library(dipc_engine_testkit STATIC
  engine_actor.cpp engine_compare.cpp engine_generator.cpp engine_referee.cpp engine_twin.cpp
  engine_twin_shm.cpp)
target_link_libraries(dipc_engine_testkit PUBLIC dipc_sysv_kit papers_dipc_owner GTest::gtest)

add_executable(dipc_engine_diff_test engine_diff_test.cpp)
target_link_libraries(dipc_engine_diff_test PRIVATE dipc_engine_testkit GTest::gtest_main)
gtest_discover_tests(dipc_engine_diff_test PROPERTIES LABELS "dipc" TIMEOUT 120)

add_executable(dipc_engine_blocking_test engine_blocking_test.cpp)
target_link_libraries(dipc_engine_blocking_test PRIVATE dipc_engine_testkit GTest::gtest_main)
gtest_discover_tests(dipc_engine_blocking_test PROPERTIES LABELS "dipc" TIMEOUT 120)

add_executable(dipc_engine_scenario_test engine_scenario_test.cpp)
target_link_libraries(dipc_engine_scenario_test PRIVATE dipc_engine_testkit GTest::gtest_main)
gtest_discover_tests(dipc_engine_scenario_test PROPERTIES LABELS "dipc" TIMEOUT 120)

add_executable(dipc_engine_api_test engine_api_test.cpp)
target_link_libraries(dipc_engine_api_test PRIVATE papers_dipc_owner GTest::gtest_main)
gtest_discover_tests(dipc_engine_api_test PROPERTIES LABELS "dipc" TIMEOUT 60)

add_executable(dipc_engine_shm_diff_test engine_shm_diff_test.cpp)
target_link_libraries(dipc_engine_shm_diff_test PRIVATE dipc_engine_testkit GTest::gtest_main)
gtest_discover_tests(dipc_engine_shm_diff_test PROPERTIES LABELS "dipc" TIMEOUT 120)

add_executable(dipc_engine_shm_scenario_test engine_shm_scenario_test.cpp)
target_link_libraries(dipc_engine_shm_scenario_test PRIVATE dipc_engine_testkit GTest::gtest_main)
gtest_discover_tests(dipc_engine_shm_scenario_test PROPERTIES LABELS "dipc" TIMEOUT 120)

add_executable(dipc_engine_shm_api_test engine_shm_api_test.cpp)
target_link_libraries(dipc_engine_shm_api_test PRIVATE papers_dipc_owner GTest::gtest_main)
gtest_discover_tests(dipc_engine_shm_api_test PROPERTIES LABELS "dipc" TIMEOUT 60)
