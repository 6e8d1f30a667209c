# tests of the DIPC daemon's pieces (included by CMakeLists.txt)
add_executable(dipc_daemon_unit_test referee_test.cpp dsm_home_test.cpp dsm_service_test.cpp)
target_link_libraries(dipc_daemon_unit_test PRIVATE papers_dipcd_logic GTest::gtest_main)
gtest_discover_tests(dipc_daemon_unit_test PROPERTIES LABELS "dipc" TIMEOUT 120)
