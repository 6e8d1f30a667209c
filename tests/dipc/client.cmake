# tests of the DIPC client (included by CMakeLists.txt): the interposer
# libpapers_dipc against a fake daemon served by the test itself, and the
# pass-through probe run with and without LD_PRELOAD. Shared memory
# (client_shm_*, client_dsm_*): a fake daemon that hands out real memfds and
# plays the home; every test that attaches runs in a child process.
# ctest -L dipc.
add_executable(dipc_client_probe client_passthrough_probe.cpp)
target_link_libraries(dipc_client_probe PRIVATE ${CMAKE_DL_LIBS})

# The fake daemons and the child-process helpers (and main), shared by the
# client test programs.
add_library(dipc_client_support OBJECT
  client_fake_daemon.cpp
  client_test_support.cpp
  client_dsm_fake_daemon.cpp
  client_dsm_test_support.cpp)
# The whole archive: under a sanitizer its runtime comes first on the link line and defines
# sigaction, sigprocmask, ... itself, so the archive members that replace them would not be
# pulled in, and the test program would run without the layer's signal handling.
target_link_libraries(dipc_client_support PUBLIC "$<LINK_LIBRARY:WHOLE_ARCHIVE,papers_dipc_static>" GTest::gtest)
target_include_directories(dipc_client_support PUBLIC ${PROJECT_SOURCE_DIR}/libpapers/dipc)

add_executable(dipc_client_test
  client_key_policy_test.cpp
  client_routing_test.cpp
  client_wire_test.cpp
  client_memory_test.cpp
  client_signal_test.cpp
  client_link_test.cpp
  client_owner_route_test.cpp
  client_passthrough_test.cpp
  client_shm_attach_test.cpp
  client_shm_wire_test.cpp
  client_shm_passthrough_test.cpp
  client_dsm_coherence_test.cpp
  client_dsm_signal_test.cpp
  client_dsm_syscall_test.cpp
  client_dsm_failure_test.cpp
  client_dsm_mappings_test.cpp
  client_dsm_fork_test.cpp)
# The static form: its semget etc. replace the C library's in the test program.
target_link_libraries(dipc_client_test PRIVATE dipc_client_support)
target_compile_definitions(dipc_client_test PRIVATE
  DIPC_PROBE_PATH="$<TARGET_FILE:dipc_client_probe>"
  DIPC_PRELOAD_PATH="${PAPERS_TEST_PRELOAD_PREFIX}$<TARGET_FILE:papers_dipc>")
add_dependencies(dipc_client_test dipc_client_probe papers_dipc)
gtest_discover_tests(dipc_client_test PROPERTIES LABELS "dipc" TIMEOUT 60)

# The SIGSEGV handler's async-signal safety: a program of its own, since it
# replaces malloc to see which thread allocates (client_dsm_relay_test.cpp).
add_executable(dipc_client_relay_test client_dsm_relay_test.cpp)
target_link_libraries(dipc_client_relay_test PRIVATE dipc_client_support)
gtest_discover_tests(dipc_client_relay_test PROPERTIES LABELS "dipc" TIMEOUT 60)

# Calls on another host's structures over direct links, end to end: real
# daemons (cluster.hpp), client_remote_agent preloaded on the hosts.
add_executable(dipc_client_remote_agent client_remote_agent.cpp)
target_link_libraries(dipc_client_remote_agent PRIVATE Threads::Threads)
add_executable(dipc_client_remote_test client_remote_test.cpp)
target_link_libraries(dipc_client_remote_test PRIVATE dipc_cluster GTest::gtest_main)
target_compile_definitions(dipc_client_remote_test PRIVATE
  REMOTE_AGENT="$<TARGET_FILE:dipc_client_remote_agent>"
  LAYER_AGENT="$<TARGET_FILE:dipc_layer_agent>")
add_dependencies(dipc_client_remote_test dipc_client_remote_agent dipc_layer_agent papers-dipcd papers_dipc)
# Daemons and timeouts: one test at a time.
gtest_discover_tests(dipc_client_remote_test PROPERTIES LABELS "dipc" TIMEOUT 180 RUN_SERIAL TRUE)
