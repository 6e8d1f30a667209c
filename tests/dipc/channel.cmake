# tests of the DIPC channel (included by CMakeLists.txt)
