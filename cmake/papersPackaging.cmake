# Debian packages: `cpack -G DEB` in the build directory (docs/packaging.md).
#   libpapers0     libpapers.so.0 (component runtime)
#   libpapers-dev  headers, libpapers.a, the .so link, CMake package, pkg-config, papers(3)
#   papers-tools   papersrun, papers-hubsim, papers-bench, papers-probe, papers-reset,
#                  papers-ioperm (file capability set in postinst, never setuid), the mpi
#                  plugin and PMPI interposer, their man pages (component tools, the default)
#   papers-dipc    libpapers_dipc.so, papers-dipcd, its unit, example config and man page
# Install rules name their component; a rule that names none is `tools`
# (CMAKE_INSTALL_DEFAULT_COMPONENT_NAME, top-level CMakeLists.txt).
set(CPACK_PACKAGE_NAME papers)
set(CPACK_PACKAGE_VENDOR "papers project")
set(CPACK_PACKAGE_CONTACT "papers maintainers <papers@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "fine-grain aggregate communication for a cluster (PAPERS hub)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev tools)
if(PAPERS_WITH_DIPC)
  list(APPEND CPACK_COMPONENTS_ALL dipc)
endif()

# cpack packages what is built (like cmake --install): its preinstall step must not rebuild
# the whole tree, tests included. Build first (docs/packaging.md).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
# Stripped, as Debian ships programs (the build keeps its debug info).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The tools link libpapers.so.0, which no installed package provides yet: dpkg-shlibdeps finds
# it in the build tree; the dependency on libpapers0 is declared below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_LIBRARY_OUTPUT_DIRECTORY})
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(_v "${PROJECT_VERSION}")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libpapers0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "libpapers: barriers, votes, broadcasts, gathers and reductions on the
PAPERS hub (simulated or real), shared memory, UDP or MPI.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libpapers-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# find_package(papers) checks for the installed papersrun; libpapers.a needs libsodium and
# libieee1284 at link time.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libpapers0 (= ${_v}), papers-tools (= ${_v}), libsodium-dev, libieee1284-3-dev")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "Development files of libpapers: headers, static library, CMake package
(find_package(papers)), pkg-config files and the papers(3) manual page.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME papers-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS "libpapers0 (= ${_v})")
# setcap for papers-ioperm's capability; vcd2fst for papersrun --trace FILE.fst.
set(CPACK_DEBIAN_TOOLS_PACKAGE_RECOMMENDS "libcap2-bin")
set(CPACK_DEBIAN_TOOLS_PACKAGE_SUGGESTS "gtkwave, openmpi-bin")
configure_file(${PROJECT_SOURCE_DIR}/cmake/debian/papers-tools.postinst.in
               ${PROJECT_BINARY_DIR}/debian/tools/postinst @ONLY)
set(CPACK_DEBIAN_TOOLS_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/tools/postinst)
set(CPACK_DEBIAN_TOOLS_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_COMPONENT_TOOLS_DESCRIPTION
    "papersrun (starts jobs), papers-hubsim (the Verilated hub), papers-bench,
papers-probe, papers-reset and papers-ioperm (port access without root).")

set(CPACK_DEBIAN_DIPC_PACKAGE_NAME papers-dipc)
set(CPACK_DEBIAN_DIPC_PACKAGE_RECOMMENDS "papers-tools (= ${_v})")
set(CPACK_COMPONENT_DIPC_DESCRIPTION
    "DIPC, System V IPC shared across a cluster: libpapers_dipc.so (the
interposer) and papers-dipcd, one daemon per host.")

include(CPack)
