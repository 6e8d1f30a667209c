// tree_shape.hpp — how papers-hubsim lays N PEs out on the verilated hub tree (--tree PxL).
//
// "8x2" = 8 PEs on each of 2 leaf hubs: PE i sits on port i % P of leaf i / P. P may be less
// than the model's ports per leaf and L less than its leaves: the unused ports and leaves are
// disabled (a leaf with no enabled port is neutral, so it changes nothing).
#pragma once
#include <optional>
#include <string>

namespace papers::sim {

struct TreeShape {
    int leaf_ports = 0;  // PEs per leaf hub
    int leaves = 0;      // leaf hubs in use
    int capacity() const { return leaf_ports * leaves; }
};

// Parses "PxL" (two positive integers joined by 'x'). On failure: nullopt and err says why.
std::optional<TreeShape> parse_tree_shape(const std::string& text, std::string& err);

// Checks that `shape` fits the verilated tree and can seat `npes` PEs. Returns false with err.
bool check_tree_shape(const TreeShape& shape, int npes, std::string& err);

}  // namespace papers::sim
