// man_doc.hpp — the parts of papers(3) declared in code, as roff: the environment tables
// (the same as docs/environment.md) and the error codes (PAPERS_ERRNO_MAP).
#pragma once
#include <span>
#include <string>

#include "libpapers/core/env_vars.hpp"

namespace papers::docgen {

std::string environment_man(std::span<const env::Table* const> tables);
std::string errors_man();

}  // namespace papers::docgen
