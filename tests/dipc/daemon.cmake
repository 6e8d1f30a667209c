# tests of the DIPC daemon (included by CMakeLists.txt)
