# Install rules of libpapers: headers, libpapers.so + libpapers.a, the CMake
# package (find_package(papers) -> papers::papers, papers::papers_static,
# papers::afapi) and pkg-config files (papers.pc, papers-afapi.pc).
# Included from libpapers/CMakeLists.txt once the targets exist. The tools
# (papersrun, papers-hubsim, papers-bench, ...) install themselves.
include(CMakePackageConfigHelpers)

set(PAPERS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/papers)

# Components (the Debian packages, cmake/papersPackaging.cmake): libpapers.so.0 is `runtime`,
# everything a build against papers needs is `dev`.
install(TARGETS papers papers_static papers_afapi EXPORT papersTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(FILES
  ${PROJECT_SOURCE_DIR}/libpapers/include/papers/papers.h
  ${PROJECT_SOURCE_DIR}/libpapers/include/papers/papers.hpp
  ${PROJECT_SOURCE_DIR}/libpapers/include/papers/afapi.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/papers COMPONENT dev)

# Installed programs carry RPATH $ORIGIN/../lib (top-level CMakeLists.txt),
# except papers-ioperm: it may run setuid root and links nothing from here,
# so it gets none. Deferred because tools/ is configured after libpapers/.
function(papers_no_install_rpath_for_ioperm)
  if(TARGET papers-ioperm)
    set_target_properties(papers-ioperm PROPERTIES INSTALL_RPATH "")
  endif()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL papers_no_install_rpath_for_ioperm)

# CMake package. The config recreates the imported targets libpapers'
# interface names (Threads, libsodium, libieee1284 for the static library).
if(TARGET ieee1284::ieee1284)
  set(PAPERS_WITH_IEEE1284 ON)
else()
  set(PAPERS_WITH_IEEE1284 OFF)
endif()
install(EXPORT papersTargets NAMESPACE papers:: DESTINATION ${PAPERS_CMAKE_DIR}
        FILE papersTargets.cmake COMPONENT dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/papersConfig.cmake.in
  ${PROJECT_BINARY_DIR}/papersConfig.cmake INSTALL_DESTINATION ${PAPERS_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR)
# 0.x: a minor version may change the API, so only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/papersConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/papersConfig.cmake
              ${PROJECT_BINARY_DIR}/papersConfigVersion.cmake
        DESTINATION ${PAPERS_CMAKE_DIR} COMPONENT dev)

# pkg-config. prefix is derived from the .pc file's own place (${pcfiledir}),
# so `cmake --install --prefix` anywhere gives a correct file.
set(PAPERS_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PAPERS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _rel "/prefix/${PAPERS_PC_DIR}" "/prefix")
  string(REGEX REPLACE "/$" "" _rel "${_rel}")
  set(PAPERS_PC_PREFIX "\${pcfiledir}/${_rel}")
endif()
# Only a static link needs these (libpapers.so records its own dependencies).
# libpapers is C++: a C program linking libpapers.a needs the C++ runtime too.
set(_pc_libs -lrt -lstdc++ -lm)
if(PAPERS_WITH_UDP)
  list(PREPEND _pc_libs -lsodium)
endif()
foreach(_l IN LISTS CMAKE_DL_LIBS)
  list(APPEND _pc_libs -l${_l})
endforeach()
list(APPEND _pc_libs -pthread)
if(PAPERS_WITH_IEEE1284)
  list(APPEND _pc_libs -lieee1284)
endif()
list(JOIN _pc_libs " " PAPERS_PC_LIBS_PRIVATE)
configure_file(${PROJECT_SOURCE_DIR}/libpapers/papers.pc.in ${PROJECT_BINARY_DIR}/papers.pc @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/libpapers/afapi/papers-afapi.pc.in
               ${PROJECT_BINARY_DIR}/papers-afapi.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/papers.pc ${PROJECT_BINARY_DIR}/papers-afapi.pc
        DESTINATION ${PAPERS_PC_DIR} COMPONENT dev)
