# The AFAPI-compatible names (include/papers/afapi.h): real exported
# functions in libpapers, so old programs link against a stable ABI.
target_sources(papers_objects PRIVATE ${CMAKE_CURRENT_LIST_DIR}/afapi.c)

# papers::afapi — libpapers plus include/papers on the include path, so a
# classic source's `#include "afapi.h"` compiles unchanged.
add_library(papers_afapi INTERFACE)
target_include_directories(papers_afapi INTERFACE
  $<BUILD_INTERFACE:${CMAKE_CURRENT_LIST_DIR}/../include/papers>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/papers>)
target_link_libraries(papers_afapi INTERFACE papers)
set_target_properties(papers_afapi PROPERTIES EXPORT_NAME afapi)
add_library(papers::afapi ALIAS papers_afapi)
