// algo_doc.hpp — docs/algorithms.md from the backends' algorithm tables.
#pragma once
#include <string>
#include <vector>

#include "tables.hpp"

namespace papers::docgen {

std::string algorithms_doc(const std::vector<CollectiveDoc>& tables);

}  // namespace papers::docgen
