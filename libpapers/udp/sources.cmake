# Sources of the udp backend, added to libpapers. It needs Boost.Asio
# (header-only) and libsodium (apt-get install libsodium-dev) for the MAC.
find_package(Boost 1.74 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET GLOBAL libsodium)
target_sources(papers_objects PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/udp_factory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/udp_backend.cpp
  ${CMAKE_CURRENT_LIST_DIR}/links.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_progress.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_framing.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_send.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_dispatch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_retransmit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_wait.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_diagnostics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_linger.cpp
  ${CMAKE_CURRENT_LIST_DIR}/message_store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wire_format.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mac.cpp
  ${CMAKE_CURRENT_LIST_DIR}/peers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fault_injector.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hello_dissemination.cpp
  ${CMAKE_CURRENT_LIST_DIR}/barrier_dissemination.cpp
  ${CMAKE_CURRENT_LIST_DIR}/barrier_two_level.cpp
  ${CMAKE_CURRENT_LIST_DIR}/allgather_bruck.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bcast_binomial.cpp
  ${CMAKE_CURRENT_LIST_DIR}/putget_allgather.cpp
  ${CMAKE_CURRENT_LIST_DIR}/putget_direct.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_fold.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_recursive_doubling.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_rabenseifner.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reduce_rank_order.cpp)
target_link_libraries(papers_objects PUBLIC Boost::headers PkgConfig::SODIUM)
target_compile_definitions(papers_objects PRIVATE PAPERS_WITH_UDP=1)
target_compile_definitions(papers_objects PRIVATE BOOST_ASIO_NO_DEPRECATED)
# libpapers.so / libpapers.a link these too (libpapers/CMakeLists.txt).
list(APPEND PAPERS_BACKEND_LIBS PkgConfig::SODIUM)
