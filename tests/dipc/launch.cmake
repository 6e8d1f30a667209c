# tests of the DIPC launch (included by CMakeLists.txt): papers-dipcd's
# command line, configuration and unit; papersrun --dipc; and the cluster
# harness (cluster.hpp) that the other DIPC tests use.

# The harness: a referee and K hosts on this machine (cluster.hpp).
add_library(dipc_cluster STATIC ${CMAKE_CURRENT_LIST_DIR}/cluster.cpp)
target_include_directories(dipc_cluster PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(dipc_cluster PUBLIC papersrun_core)
target_compile_definitions(dipc_cluster PRIVATE DIPC_TEST_DIPCD="$<TARGET_FILE:papers-dipcd>")
if(TARGET papers_dipc)
  target_compile_definitions(dipc_cluster PRIVATE DIPC_TEST_PRELOAD="${PAPERS_TEST_PRELOAD_PREFIX}$<TARGET_FILE:papers_dipc>")
  add_dependencies(dipc_cluster papers_dipc)
endif()
add_dependencies(dipc_cluster papers-dipcd)

# Stand-ins: a rank that reports its namespaces and environment, and a
# library whose only effect when preloaded is to mark the process.
add_executable(dipc_launch_rank_probe ${CMAKE_CURRENT_LIST_DIR}/launch_rank_probe.c)
add_library(dipc_launch_probe_preload SHARED ${CMAKE_CURRENT_LIST_DIR}/launch_probe_preload.c)

add_executable(dipc_launch_config_test ${CMAKE_CURRENT_LIST_DIR}/launch_config_test.cpp)
target_link_libraries(dipc_launch_config_test PRIVATE papers_dipcd_config GTest::gtest_main)
target_compile_definitions(dipc_launch_config_test PRIVATE DOCS_DIPC_MD="${PROJECT_SOURCE_DIR}/docs/dipc.md")
gtest_discover_tests(dipc_launch_config_test PROPERTIES LABELS "dipc" TIMEOUT 60)

add_executable(dipc_launch_unit_test ${CMAKE_CURRENT_LIST_DIR}/launch_unit_test.cpp)
target_link_libraries(dipc_launch_unit_test PRIVATE papersrun_core GTest::gtest_main)
gtest_discover_tests(dipc_launch_unit_test PROPERTIES LABELS "dipc" TIMEOUT 60)

# Whole programs: papers-dipcd itself, papersrun --dipc jobs, the harness.
# They start daemons and namespaces; one at a time keeps them fast on 2 cores.
set(_launch_bins
  LAUNCH_DIPCD="$<TARGET_FILE:papers-dipcd>"
  LAUNCH_PAPERSRUN="$<TARGET_FILE:papersrun>"
  LAUNCH_PROBE="$<TARGET_FILE:dipc_launch_rank_probe>"
  LAUNCH_PRELOAD="$<TARGET_FILE:dipc_launch_probe_preload>"
  LAUNCH_PRELOAD_FIRST="${PAPERS_TEST_PRELOAD_PREFIX}"
  LAUNCH_FAKE_SSH="${CMAKE_CURRENT_LIST_DIR}/launch_fake_ssh.sh"
  LAUNCH_FLAKY_DIPCD="${CMAKE_CURRENT_LIST_DIR}/launch_flaky_dipcd.sh"
  LAUNCH_BUILD_DIR="${CMAKE_BINARY_DIR}")
add_executable(dipc_launch_test
  ${CMAKE_CURRENT_LIST_DIR}/launch_dipcd_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/launch_papersrun_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/launch_cluster_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/launch_processes.cpp)
target_link_libraries(dipc_launch_test PRIVATE dipc_cluster GTest::gtest_main)
target_compile_definitions(dipc_launch_test PRIVATE ${_launch_bins})
add_dependencies(dipc_launch_test papers-dipcd papers-dipcd-example papersrun dipc_launch_rank_probe
  dipc_launch_probe_preload)
gtest_discover_tests(dipc_launch_test PROPERTIES LABELS "dipc" TIMEOUT 120 RUN_SERIAL TRUE)
