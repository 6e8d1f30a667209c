// env_doc.hpp — docs/environment.md from the environment tables.
#pragma once
#include <span>
#include <string>

#include "libpapers/core/env_vars.hpp"

namespace papers::docgen {

std::string environment_doc(std::span<const env::Table* const> tables);

}  // namespace papers::docgen
