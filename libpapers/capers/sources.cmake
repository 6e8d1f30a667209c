# Sources of the capers backend (two PCs over a LapLink cable), added to libpapers.
target_sources(papers_objects PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/capers_backend.cpp
  ${CMAKE_CURRENT_LIST_DIR}/capers_exchanger.cpp)
