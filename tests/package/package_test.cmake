# package_test.cmake — `cpack -G DEB` makes the four packages with the right contents and
# dependencies; unpacked into a scratch root (dpkg-deb -x, no root rights or chroot needed),
# they are enough to build the out-of-tree consumer with find_package and with pkg-config
# and run it under the unpacked papersrun (tests/api/install_test.cmake, PREFIX mode).
#   cmake -DBUILD=... -DWORK=... -DVERSION=0.1.0 -DDIPC=ON|OFF -DINSTALL_TEST=...
#         -DCONSUMER=... -DCC=... -DPKG_CONFIG=... -DGENERATOR=... -P package_test.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/debs ${WORK}/root)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 120)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "${what} failed (${rc}):\n$ ${ARGN}\n${out}${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()
function(expect text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: '${regex}' not in:\n${text}")
  endif()
  message(STATUS "ok: ${what}")
endfunction()
function(reject text regex what)
  if(text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: '${regex}' found in:\n${text}")
  endif()
  message(STATUS "ok: ${what}")
endfunction()

# Uncompressed: the test checks contents, not the archive's size (xz took most of its time).
run("cpack" cpack -G DEB --config ${BUILD}/CPackConfig.cmake -B ${WORK}/debs
    -D CPACK_DEBIAN_COMPRESSION_TYPE=none)
run("dpkg arch" dpkg --print-architecture)
string(STRIP "${out}" arch)
set(packages libpapers0 libpapers-dev papers-tools)
if(DIPC)
  list(APPEND packages papers-dipc)
endif()
foreach(p IN LISTS packages)
  set(deb_${p} ${WORK}/debs/${p}_${VERSION}_${arch}.deb)
  if(NOT EXISTS ${deb_${p}})
    file(GLOB made ${WORK}/debs/*.deb)
    message(FATAL_ERROR "no ${deb_${p}}; cpack made: ${made}")
  endif()
  run("dpkg-deb -c ${p}" dpkg-deb -c ${deb_${p}})
  set(files_${p} "${out}")
  run("dpkg-deb -f ${p}" dpkg-deb -f ${deb_${p}} Depends)
  set(depends_${p} "${out}")
  run("unpack ${p}" dpkg-deb -x ${deb_${p}} ${WORK}/root)
endforeach()

# What goes where.
expect("${files_libpapers0}" "/usr/${LIBDIR}/libpapers\\.so\\.0" "libpapers0 has libpapers.so.0")
reject("${files_libpapers0}" "include/|\\.a\n|bin/" "libpapers0 has only the run-time library")
foreach(f ${INCLUDEDIR}/papers/papers\\.h ${LIBDIR}/libpapers\\.a "${LIBDIR}/libpapers\\.so -> "
          ${LIBDIR}/cmake/papers/papersConfig\\.cmake ${LIBDIR}/pkgconfig/papers\\.pc man3/papers\\.3)
  expect("${files_libpapers-dev}" "${f}" "libpapers-dev has ${f}")
endforeach()
foreach(f ${BINDIR}/papersrun ${BINDIR}/papers-hubsim ${BINDIR}/papers-bench ${BINDIR}/papers-probe
          ${BINDIR}/papers-reset ${BINDIR}/papers-ioperm man1/papersrun\\.1 man8/papers-ioperm\\.8)
  expect("${files_papers-tools}" "${f}" "papers-tools has ${f}")
endforeach()
# papers-ioperm: an ordinary executable in the archive; its capability comes from postinst.
expect("${files_papers-tools}" "-rwxr-xr-x [^\n]*/usr/${BINDIR}/papers-ioperm" "papers-ioperm is not setuid")
reject("${files_papers-tools}" "-rws" "nothing setuid in papers-tools")
run("postinst" dpkg-deb -I ${deb_papers-tools} postinst)
expect("${out}" "setcap cap_sys_rawio\\+ep \"\\$helper\"" "postinst gives papers-ioperm CAP_SYS_RAWIO")
expect("${out}" "helper=/usr/${BINDIR}/papers-ioperm" "postinst names the installed papers-ioperm")
if(DIPC)
  foreach(f ${LIBDIR}/libpapers_dipc\\.so ${BINDIR}/papers-dipcd man8/papers-dipcd\\.8 papers-dipcd\\.service)
    expect("${files_papers-dipc}" "${f}" "papers-dipc has ${f}")
  endforeach()
  reject("${files_papers-tools}" "dipc" "papers-tools has no DIPC piece")
endif()

# Dependencies: shared libraries found by dpkg-shlibdeps, the packages on each other.
expect("${depends_libpapers0}" "libc6" "libpapers0 depends on libc6")
expect("${depends_libpapers0}" "libstdc\\+\\+6" "libpapers0 depends on libstdc++6")
expect("${depends_libpapers-dev}" "libpapers0 \\(= ${VERSION}\\)" "libpapers-dev depends on libpapers0 = ${VERSION}")
expect("${depends_libpapers-dev}" "papers-tools \\(= ${VERSION}\\)" "libpapers-dev depends on papers-tools (find_package checks papersrun)")
expect("${depends_papers-tools}" "libpapers0 \\(= ${VERSION}\\)" "papers-tools depends on libpapers0 = ${VERSION}")

# Build and run the consumer against the unpacked root.
execute_process(COMMAND ${CMAKE_COMMAND} -DPREFIX=${WORK}/root/usr -DWORK=${WORK}/consumer
                -DBUILD=${BUILD} -DCONSUMER=${CONSUMER} -DLIBDIR=${LIBDIR} -DBINDIR=${BINDIR}
                -DINCLUDEDIR=${INCLUDEDIR} -DCC=${CC} -DPKG_CONFIG=${PKG_CONFIG} -DGENERATOR=${GENERATOR}
                "-DSANITIZE=${SANITIZE}"
                -P ${INSTALL_TEST} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer did not build or run against the unpacked packages")
endif()
message(STATUS "package test passed")
