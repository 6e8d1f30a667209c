# The daemon's pure logic (no I/O): the referee's tables and the DSM home
# directory. Unit-tested on its own (tests/dipc/daemon.cmake).
add_library(papers_dipcd_logic STATIC
  ${CMAKE_CURRENT_LIST_DIR}/referee.cpp
  ${CMAKE_CURRENT_LIST_DIR}/directory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dsm/home_directory.cpp)
target_include_directories(papers_dipcd_logic PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(papers_dipcd_logic PUBLIC papers_dipc_proto papers_dipc_owner)
target_sources(papers_dipcd_logic PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/dsm/host_copy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dsm/dsm_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/log.cpp)

# The daemon itself: the local socket, the links, the referee role, the
# routing of calls, shared memory. run_daemon() is its entry (main.cpp).
find_package(Boost 1.74 REQUIRED)
add_library(papers_dipcd_core STATIC
  ${CMAKE_CURRENT_LIST_DIR}/daemon.cpp
  ${CMAKE_CURRENT_LIST_DIR}/client_calls.cpp
  ${CMAKE_CURRENT_LIST_DIR}/peer_frames.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dsm_calls.cpp
  ${CMAKE_CURRENT_LIST_DIR}/direct_links.cpp
  ${CMAKE_CURRENT_LIST_DIR}/owner_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/local_server.cpp
  ${CMAKE_CURRENT_LIST_DIR}/peer_set.cpp
  ${CMAKE_CURRENT_LIST_DIR}/process_table.cpp)
target_include_directories(papers_dipcd_core PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(papers_dipcd_core PUBLIC papers_dipcd_logic papers_dipc_channel papers_dipc_owner
                                               Boost::headers Threads::Threads)
