# The full-layer differential test (issue 11's first test bullet): the
# kernel vs the DIPC layer with a remote owner, call by call, on a cluster
# of real daemons (cluster.hpp). Included by CMakeLists.txt.
add_executable(dipc_layerdiff_agent ${CMAKE_CURRENT_LIST_DIR}/layerdiff_agent.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_shm_calls.cpp)
target_link_libraries(dipc_layerdiff_agent PRIVATE dipc_sysv_kit)

add_executable(dipc_layerdiff_test
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_bugs_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_twin.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_remote.cpp)
target_link_libraries(dipc_layerdiff_test PRIVATE dipc_engine_testkit dipc_cluster GTest::gtest_main)
target_compile_definitions(dipc_layerdiff_test PRIVATE LAYERDIFF_AGENT="$<TARGET_FILE:dipc_layerdiff_agent>")
add_dependencies(dipc_layerdiff_test dipc_layerdiff_agent papers-dipcd papers_dipc)
# Daemons and namespaces: one at a time.
gtest_discover_tests(dipc_layerdiff_test PROPERTIES LABELS "dipc" TIMEOUT 180 RUN_SERIAL TRUE)

# The same for the shared memory calls (issue 12).
add_executable(dipc_layerdiff_shm_test
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_shm_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_shm_twin.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layerdiff_remote.cpp)
target_link_libraries(dipc_layerdiff_shm_test PRIVATE dipc_engine_testkit dipc_cluster GTest::gtest_main)
target_compile_definitions(dipc_layerdiff_shm_test PRIVATE LAYERDIFF_AGENT="$<TARGET_FILE:dipc_layerdiff_agent>")
add_dependencies(dipc_layerdiff_shm_test dipc_layerdiff_agent papers-dipcd papers_dipc)
gtest_discover_tests(dipc_layerdiff_shm_test PROPERTIES LABELS "dipc" TIMEOUT 120 RUN_SERIAL TRUE)

# The wire decoders under fuzzing (issue 11: "fuzz target for the daemon's
# message parser"). The seeds and the invariants build with any compiler
# (dipc_proto_corpus_test replays them, with truncations and byte changes);
# the libFuzzer target needs clang++, as tests/udp's does.
add_library(dipc_proto_fuzz_kit STATIC
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_proto_check.cpp ${CMAKE_CURRENT_LIST_DIR}/fuzz_proto_seeds.cpp)
target_link_libraries(dipc_proto_fuzz_kit PUBLIC papers_dipc_proto)
add_executable(dipc_proto_fuzz_seeds ${CMAKE_CURRENT_LIST_DIR}/fuzz_proto_seeds_main.cpp)
target_link_libraries(dipc_proto_fuzz_seeds PRIVATE dipc_proto_fuzz_kit)
add_executable(dipc_proto_corpus_test ${CMAKE_CURRENT_LIST_DIR}/fuzz_proto_corpus_test.cpp)
target_link_libraries(dipc_proto_corpus_test PRIVATE dipc_proto_fuzz_kit GTest::gtest_main)
target_compile_definitions(dipc_proto_corpus_test PRIVATE FUZZ_CORPUS_DIR="${CMAKE_CURRENT_LIST_DIR}/fuzz_corpus")
gtest_discover_tests(dipc_proto_corpus_test PROPERTIES LABELS "dipc" TIMEOUT 60)

find_program(PAPERS_CLANGXX NAMES clang++ clang++-16 clang++-15 clang++-14)
if(PAPERS_CLANGXX)
  set(_proto ${PROJECT_SOURCE_DIR}/libpapers/dipc/proto)
  set(_proto_fuzz_bin ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/dipc_proto_fuzz)
  set(_proto_fuzz_src ${CMAKE_CURRENT_LIST_DIR}/fuzz_proto.cpp ${CMAKE_CURRENT_LIST_DIR}/fuzz_proto_check.cpp
                      ${_proto}/messages.cpp)
  add_custom_command(OUTPUT ${_proto_fuzz_bin}
    COMMAND ${PAPERS_CLANGXX} -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined
            -fno-sanitize-recover=undefined -I${PROJECT_SOURCE_DIR}/libpapers/dipc
            ${_proto_fuzz_src} -o ${_proto_fuzz_bin}
    DEPENDS ${_proto_fuzz_src} ${CMAKE_CURRENT_LIST_DIR}/fuzz_proto_check.hpp ${_proto}/messages.hpp
            ${_proto}/codec.hpp
    COMMENT "Building the dipc wire protocol fuzzer with ${PAPERS_CLANGXX}")
  add_custom_target(dipc_proto_fuzz ALL DEPENDS ${_proto_fuzz_bin})
  # A bounded run from the checked-in seeds; what it finds goes to the build
  # tree, never into the sources. For a long one:
  #   build/bin/dipc_proto_fuzz -max_total_time=3600 build/dipc_proto_fuzz_corpus tests/dipc/fuzz_corpus
  set(_proto_fuzz_out ${CMAKE_BINARY_DIR}/dipc_proto_fuzz_corpus)
  file(MAKE_DIRECTORY ${_proto_fuzz_out})
  add_test(NAME dipc_proto_fuzz
           COMMAND ${_proto_fuzz_bin} -max_total_time=5 -seed=1 -rss_limit_mb=1024 -print_final_stats=1
                   ${_proto_fuzz_out} ${CMAKE_CURRENT_LIST_DIR}/fuzz_corpus)
  set_tests_properties(dipc_proto_fuzz PROPERTIES LABELS "dipc" TIMEOUT 60 RUN_SERIAL TRUE)  # as tests/fuzz
else()
  message(STATUS "clang++ not found: the dipc wire protocol fuzzer is not built")
endif()

# Hostile input to a real daemon: strangers on its TCP port, garbage on its
# Unix socket (one cluster per test, so one at a time).
add_executable(dipc_daemon_hostile_test ${CMAKE_CURRENT_LIST_DIR}/fuzz_daemon_hostile_test.cpp)
target_link_libraries(dipc_daemon_hostile_test PRIVATE dipc_cluster papers_dipc_channel papers_dipc_proto
  GTest::gtest_main)
target_compile_definitions(dipc_daemon_hostile_test PRIVATE LAYER_AGENT="$<TARGET_FILE:dipc_layer_agent>")
add_dependencies(dipc_daemon_hostile_test dipc_layer_agent papers-dipcd papers_dipc)
gtest_discover_tests(dipc_daemon_hostile_test PROPERTIES LABELS "dipc" TIMEOUT 120 RUN_SERIAL TRUE)
