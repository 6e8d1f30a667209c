# tests of the DIPC engine (included by CMakeLists.txt)
