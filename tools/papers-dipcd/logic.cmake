# The daemon's pure logic (no I/O): the referee's tables and the DSM home
# directory. Unit-tested on its own (tests/dipc/daemon.cmake).
add_library(papers_dipcd_logic STATIC
  ${CMAKE_CURRENT_LIST_DIR}/referee.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dsm/home_directory.cpp)
target_include_directories(papers_dipcd_logic PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(papers_dipcd_logic PUBLIC papers_dipc_proto)
target_sources(papers_dipcd_logic PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/dsm/host_copy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dsm/dsm_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/log.cpp)
