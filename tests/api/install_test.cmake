# install_test.cmake — `cmake --install` the build tree into WORK/prefix,
# check what landed there, build tests/api/consumer against it twice (CMake
# package; pkg-config compile lines) and run the results under the
# installed papersrun, which must find the installed papers-hubsim and
# libpapers.so by itself (RPATH $ORIGIN/../lib, no LD_LIBRARY_PATH).
#   cmake -DBUILD=... -DWORK=... -DCONSUMER=... -DLIBDIR=lib -DBINDIR=bin
#         -DINCLUDEDIR=include -DCC=cc -DPKG_CONFIG=pkg-config -DGENERATOR=...
#         [-DPREFIX=<an installed tree>] [-DSANITIZE=address,undefined] -P install_test.cmake
# SANITIZE: the build is instrumented (PAPERS_SANITIZE), so is what it installs; the
# consumer is compiled and linked with the same -fsanitize, as any user of it must be.
# With PREFIX (tests/package: the Debian packages unpacked into a scratch root) nothing is
# installed: the checks run against what is already there.
if(DEFINED PREFIX)
  set(prefix ${PREFIX})
  file(REMOVE_RECURSE ${WORK}/consumer)
else()
  set(prefix ${WORK}/prefix)
  file(REMOVE_RECURSE ${WORK})
endif()
file(MAKE_DIRECTORY ${WORK})
unset(ENV{LD_LIBRARY_PATH})
unset(ENV{PAPERS_BACKEND})
set(san_flags "")
if(SANITIZE)
  set(san_flags "-fsanitize=${SANITIZE}")
endif()

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 60)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "${what} failed (${rc}):\n$ ${ARGN}\n${out}${err}")
  endif()
  set(out "${out}${err}" PARENT_SCOPE)
endfunction()

function(expect text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: output does not match '${regex}':\n${text}")
  endif()
  message(STATUS "ok: ${what}")
endfunction()

# 1. Install.
if(NOT DEFINED PREFIX)
  run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
endif()
foreach(f ${INCLUDEDIR}/papers/papers.h ${INCLUDEDIR}/papers/papers.hpp ${INCLUDEDIR}/papers/afapi.h
          ${LIBDIR}/libpapers.so ${LIBDIR}/libpapers.a ${BINDIR}/papersrun ${BINDIR}/papers-hubsim
          ${BINDIR}/papers-bench ${BINDIR}/papers-probe ${BINDIR}/papers-reset
          ${LIBDIR}/cmake/papers/papersConfig.cmake ${LIBDIR}/cmake/papers/papersConfigVersion.cmake
          ${LIBDIR}/cmake/papers/papersTargets.cmake
          ${LIBDIR}/pkgconfig/papers.pc ${LIBDIR}/pkgconfig/papers-afapi.pc)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${prefix}/${f}")
  endif()
endforeach()
message(STATUS "ok: headers, libpapers.so/.a, tools, CMake package and pkg-config files installed")
set(papersrun ${prefix}/${BINDIR}/papersrun -np 2 --timeout 10 --job-timeout 40)

# 2. The CMake package.
run("configure the consumer" ${CMAKE_COMMAND} -S ${CONSUMER} -B ${WORK}/consumer -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS=${san_flags}"
    "-DCMAKE_CXX_FLAGS=${san_flags}" "-DCMAKE_EXE_LINKER_FLAGS=${san_flags}")
expect("${out}" "papers 0\\.[0-9]+\\.[0-9]+: headers in ${prefix}/${INCLUDEDIR}"
       "find_package(papers) found the installed package")
run("build the consumer" ${CMAKE_COMMAND} --build ${WORK}/consumer)
run("consumer_cxx" ${papersrun} ${WORK}/consumer/consumer_cxx)
expect("${out}" "consumer_cxx: 2 PEs, sum 3, last gathered 10" "papers::papers (C++ API, shared)")
run("consumer_static" ${papersrun} ${WORK}/consumer/consumer_static)
expect("${out}" "consumer_c: 2 PEs counted on backend sim" "papers::papers_static (C API)")
run("consumer_afapi" ${papersrun} ${WORK}/consumer/consumer_afapi)
expect("${out}" "consumer_afapi: NPROC 2, sum 3\\.0" "papers::afapi (unchanged #include \"afapi.h\")")
run("ldd" ldd ${WORK}/consumer/consumer_cxx)
expect("${out}" "libpapers\\.so[^\n]*=> ${prefix}/${LIBDIR}/libpapers\\.so"
       "consumer_cxx uses the installed libpapers.so")

# 3. pkg-config, as a Makefile would: cc $(pkg-config --cflags papers) ... $(pkg-config --libs papers)
if(PKG_CONFIG)
  set(ENV{PKG_CONFIG_PATH} ${prefix}/${LIBDIR}/pkgconfig)
  run("pkg-config papers" ${PKG_CONFIG} --cflags --libs papers)
  expect("${out}" "-I[^ ]+.*-L[^ ]+ -lpapers" "papers.pc gives -I, -L and -lpapers")
  separate_arguments(flags UNIX_COMMAND "${out}")
  # The .pc file is relocatable (prefix=${pcfiledir}/../..): the paths must
  # resolve to the prefix it was installed into.
  foreach(f IN LISTS flags)
    if(f MATCHES "^-I(.*)$")
      file(REAL_PATH "${CMAKE_MATCH_1}" inc)
    elseif(f MATCHES "^-L(.*)$")
      file(REAL_PATH "${CMAKE_MATCH_1}" lib)
    endif()
  endforeach()
  file(REAL_PATH "${prefix}" real_prefix)
  if(NOT inc STREQUAL "${real_prefix}/${INCLUDEDIR}" OR NOT lib STREQUAL "${real_prefix}/${LIBDIR}")
    message(FATAL_ERROR "papers.pc points at ${inc} and ${lib}, not into ${real_prefix}")
  endif()
  run("pkg-config libdir" ${PKG_CONFIG} --variable=libdir papers)
  string(STRIP "${out}" libdir)
  run("cc consumer.c" ${CC} ${san_flags} ${CONSUMER}/consumer.c -o ${WORK}/consumer_pc ${flags}
      -Wl,-rpath,${libdir})
  run("consumer_pc" ${papersrun} ${WORK}/consumer_pc)
  expect("${out}" "consumer_c: 2 PEs counted on backend sim" "cc with pkg-config papers (shared)")
  run("pkg-config --static" ${PKG_CONFIG} --static --cflags --libs papers)
  separate_arguments(sflags UNIX_COMMAND "${out}")
  list(REMOVE_ITEM sflags -lpapers)
  run("cc consumer.c static" ${CC} ${san_flags} ${CONSUMER}/consumer.c -o ${WORK}/consumer_pc_static
      ${libdir}/libpapers.a ${sflags})
  run("consumer_pc_static" ${papersrun} ${WORK}/consumer_pc_static)
  expect("${out}" "consumer_c: 2 PEs counted on backend sim" "libpapers.a with pkg-config --static")
  run("pkg-config papers-afapi" ${PKG_CONFIG} --cflags --libs papers-afapi)
  separate_arguments(aflags UNIX_COMMAND "${out}")
  run("cc consumer_afapi.c" ${CC} ${san_flags} ${CONSUMER}/consumer_afapi.c -o ${WORK}/consumer_pc_afapi
      ${aflags} -Wl,-rpath,${libdir})
  run("consumer_pc_afapi" ${papersrun} ${WORK}/consumer_pc_afapi)
  expect("${out}" "consumer_afapi: NPROC 2, sum 3\\.0" "cc with pkg-config papers-afapi")
else()
  message(STATUS "pkg-config not found: the pkg-config half is skipped")
endif()
message(STATUS "install test passed")
