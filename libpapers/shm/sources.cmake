# Sources of the shm backend (shared memory between processes on one host),
# added to libpapers. One file per algorithm; see shm_backend.hpp.
target_sources(papers_objects PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/shm_backend.cpp
  ${CMAKE_CURRENT_LIST_DIR}/shm_binding.cpp
  ${CMAKE_CURRENT_LIST_DIR}/segment.cpp
  ${CMAKE_CURRENT_LIST_DIR}/waiter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/barrier_dissemination.cpp
  ${CMAKE_CURRENT_LIST_DIR}/barrier_central.cpp
  ${CMAKE_CURRENT_LIST_DIR}/votes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bcast_pipelined.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gather_flat.cpp
  ${CMAKE_CURRENT_LIST_DIR}/putget_flat.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_flat.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_split.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_kernels.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_loc.cpp)
# Element loops of the reductions: -O3 lets GCC vectorise them (no
# -ffast-math: results stay bit-identical to papers::combine).
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/reduce_kernels.cpp
  PROPERTIES COMPILE_OPTIONS "-O3")
