# tests of the DIPC client (included by CMakeLists.txt)
