// markdown.hpp — what the generated docs share.
#pragma once
#include <string>

namespace papers::docgen {

// A table cell: no line breaks, pipes escaped.
std::string cell(const std::string& s);

// The comment at the top of every generated doc.
std::string generated_note(const std::string& sources);

}  // namespace papers::docgen
