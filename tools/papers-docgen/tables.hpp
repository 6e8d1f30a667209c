// tables.hpp — every environment table papers-docgen documents, in the
// order of docs/environment.md.
#pragma once
#include <span>

#include "libpapers/core/env_vars.hpp"

namespace papers::docgen {

std::span<const env::Table* const> env_tables();

}  // namespace papers::docgen
