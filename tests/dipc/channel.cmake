# tests of the DIPC channel (included by CMakeLists.txt)
add_library(dipc_channel_test_util STATIC ${CMAKE_CURRENT_LIST_DIR}/channel_test_util.cpp)
target_link_libraries(dipc_channel_test_util PUBLIC papers_dipc_channel)

foreach(_t key allow session)
  add_executable(dipc_channel_${_t}_test ${CMAKE_CURRENT_LIST_DIR}/channel_${_t}_test.cpp)
  target_link_libraries(dipc_channel_${_t}_test PRIVATE dipc_channel_test_util GTest::gtest_main)
  gtest_discover_tests(dipc_channel_${_t}_test PROPERTIES LABELS "dipc" TIMEOUT 60)
endforeach()

# Loopback sockets and timing (heartbeats, silence): one at a time.
add_executable(dipc_channel_link_test ${CMAKE_CURRENT_LIST_DIR}/channel_link_test.cpp)
target_link_libraries(dipc_channel_link_test PRIVATE dipc_channel_test_util GTest::gtest_main)
gtest_discover_tests(dipc_channel_link_test PROPERTIES LABELS "dipc" TIMEOUT 120 RUN_SERIAL TRUE)

# Latency probe, not a test (figures in tools/papers-dipcd/channel/README.md).
add_executable(dipc_channel_bench ${CMAKE_CURRENT_LIST_DIR}/channel_pingpong_bench.cpp)
target_link_libraries(dipc_channel_bench PRIVATE papers_dipc_channel)

# libFuzzer target for the pre-authentication parser (the handshake), built
# with clang++ outside the project's compiler, as tests/udp does.
find_program(PAPERS_CLANGXX NAMES clang++ clang++-16 clang++-15 clang++-14)
if(PAPERS_CLANGXX)
  set(_chan ${PROJECT_SOURCE_DIR}/tools/papers-dipcd/channel)
  set(_chan_fuzz_bin ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/dipc_channel_handshake_fuzz)
  set(_chan_fuzz_src ${CMAKE_CURRENT_LIST_DIR}/channel_handshake_fuzz.cpp ${_chan}/session.cpp ${_chan}/key.cpp
                     ${_chan}/errors.cpp ${PROJECT_SOURCE_DIR}/libpapers/dipc/proto/messages.cpp)
  add_custom_command(OUTPUT ${_chan_fuzz_bin}
    COMMAND ${PAPERS_CLANGXX} -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined
            -I${PROJECT_SOURCE_DIR}/tools/papers-dipcd -I${PROJECT_SOURCE_DIR}/libpapers/dipc
            ${_chan_fuzz_src} -lsodium -o ${_chan_fuzz_bin}
    DEPENDS ${_chan_fuzz_src} ${_chan}/session.hpp ${_chan}/handshake.hpp ${_chan}/key.hpp ${_chan}/secret.hpp
            ${_chan}/errors.hpp ${PROJECT_SOURCE_DIR}/libpapers/dipc/proto/messages.hpp
            ${PROJECT_SOURCE_DIR}/libpapers/dipc/proto/codec.hpp
    COMMENT "Building the dipc channel handshake fuzzer with ${PAPERS_CLANGXX}")
  add_custom_target(dipc_channel_handshake_fuzz ALL DEPENDS ${_chan_fuzz_bin})
  # A bounded run; for a long one: build/bin/dipc_channel_handshake_fuzz -max_total_time=3600 CORPUS_DIR
  add_test(NAME dipc_channel_handshake_fuzz
           COMMAND ${_chan_fuzz_bin} -max_total_time=5 -seed=1 -rss_limit_mb=1024 -print_final_stats=1)
  set_tests_properties(dipc_channel_handshake_fuzz PROPERTIES LABELS "dipc" TIMEOUT 60 RUN_SERIAL TRUE)  # as tests/fuzz
else()
  message(STATUS "clang++ not found: the dipc channel handshake fuzzer is not built")
endif()
