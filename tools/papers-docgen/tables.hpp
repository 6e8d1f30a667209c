// tables.hpp — every environment table papers-docgen documents, in the
// order of docs/environment.md.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "libpapers/core/algo_table.hpp"
#include "libpapers/core/env_vars.hpp"

namespace papers::docgen {

std::span<const env::Table* const> env_tables();

// One backend's algorithm table for one collective, as the docs show it.
struct AlgorithmDoc {
    const char* name;
    const char* when;
    const char* cost;
    const char* parameter;  // nullptr: takes none
};
struct CollectiveDoc {
    const char* backend;
    const char* collective;
    const char* cost_unit;
    std::vector<AlgorithmDoc> rows;
};

template <class Id, class Shape>
std::vector<AlgorithmDoc> rows_of(std::span<const algo::Algorithm<Id, Shape>> table) {
    std::vector<AlgorithmDoc> out;
    for (const auto& r : table) out.push_back({r.name, r.when, r.cost_doc, r.parameter});
    return out;
}

std::vector<CollectiveDoc> algorithm_tables();

}  // namespace papers::docgen
