# tests of the DIPC launch (included by CMakeLists.txt)
