#include "errors_doc.hpp"

#include "markdown.hpp"
#include "papers/papers.h"

namespace papers::docgen {

std::string errors_doc() {
    std::string d = "| code | value | `papers_strerror` | when |\n|---|---|---|---|\n";
    d += "| `PAPERS_OK` | 0 | success | |\n";
#define PAPERS_DOC_ROW_(name, value, text, meaning)                                          \
    d += "| `PAPERS_" #name "` | " + std::to_string(value) + " | " + cell(text) + " | " + \
         cell(meaning) + " |\n";
    PAPERS_ERRNO_MAP(PAPERS_DOC_ROW_)
#undef PAPERS_DOC_ROW_
    return d;
}

}  // namespace papers::docgen
