// errors_doc.hpp — the error table of docs/api.md from PAPERS_ERRNO_MAP.
#pragma once
#include <string>

namespace papers::docgen {

std::string errors_doc();

}  // namespace papers::docgen
