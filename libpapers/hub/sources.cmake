# Sources of the hub family, added to libpapers: the hub engine (one file
# per algorithm), the hub exchanger, the factory the sim, hub and capers
# backends share, and the sim and hub backends.
target_sources(papers_objects PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/hub_engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/census.cpp
  ${CMAKE_CURRENT_LIST_DIR}/barrier.cpp
  ${CMAKE_CURRENT_LIST_DIR}/vote.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bcast.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gather.cpp
  ${CMAKE_CURRENT_LIST_DIR}/putget.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_bitwise.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_bitserial.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_gather.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hub_exchanger.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hub_family.cpp
  ${CMAKE_CURRENT_LIST_DIR}/trace_notes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/port_from_config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sim_backend.cpp
  ${CMAKE_CURRENT_LIST_DIR}/port_backend.cpp)
