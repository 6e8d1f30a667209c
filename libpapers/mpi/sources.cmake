# The mpi backend: a loader inside libpapers (no MPI headers, no libmpi
# dependency) and, when MPI is installed, the plugin libpapers_mpi.so it
# dlopen()s (see mpi_plugin.hpp and docs/mpi.md).
target_sources(papers_objects PRIVATE ${CMAKE_CURRENT_LIST_DIR}/mpi_loader.cpp)
target_compile_definitions(papers_objects PRIVATE PAPERS_WITH_MPI=1)

find_package(MPI QUIET COMPONENTS C)
if(MPI_C_FOUND)
  # Lands next to libpapers.so (CMAKE_LIBRARY_OUTPUT_DIRECTORY), where the
  # loader looks first. The stateless core pieces (typeops, env_vars,
  # algo_table, Backend's vtable) are compiled in: the plugin exports only
  # its factory and needs no symbol from libpapers.
  add_library(papers_mpi MODULE
    ${CMAKE_CURRENT_LIST_DIR}/mpi_plugin_entry.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mpi_backend.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mpi_ops.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mpi_reduce.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../core/typeops.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../core/env_vars.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../core/algo_table.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../core/backend.cpp)
  target_include_directories(papers_mpi PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../include)
  target_link_libraries(papers_mpi PRIVATE MPI::MPI_C)
  # The C API only: no deprecated C++ bindings (they need libmpi_cxx).
  target_compile_definitions(papers_mpi PRIVATE OMPI_SKIP_MPICXX MPICH_SKIP_MPICXX)
  set_target_properties(papers_mpi PROPERTIES
    PREFIX "lib" OUTPUT_NAME papers_mpi
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  install(TARGETS papers_mpi LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
else()
  message(STATUS "MPI not found: libpapers_mpi.so (PAPERS_BACKEND=mpi) is not built")
endif()
