// hub_tree_fuzz — the hub-tree shape "PxL" (papers-hubsim --tree,
// papersrun --hub-tree) and its check against the Verilated tree.
// Invariants: an accepted shape has positive sizes and prints back to a
// string that parses to the same shape; a shape that passes the check seats
// the PEs asked for and fits the model (no overflow on the way: UBSan).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "../model/tree_hub_model.hpp"
#include "tree_shape.hpp"

// The fuzzer links tree_shape.cpp without the Verilated model: the model's
// geometry as CMake configured it (sim-verilog/CMakeLists.txt).
namespace papers::sim {
int TreeHubModel::leaf_ports() { return FUZZ_LEAF_PORTS; }
int TreeHubModel::fanout() { return FUZZ_FANOUT; }
int TreeHubModel::levels() { return FUZZ_LEVELS; }
int TreeHubModel::leaves() {
    int n = 1;
    for (int l = 1; l < FUZZ_LEVELS; ++l) n *= FUZZ_FANOUT;
    return n;
}
}  // namespace papers::sim

using namespace papers::sim;

namespace {
void require(bool ok) {
    if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const int npes = int(std::int8_t(data[0])) * 256 + data[1];
    const std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);
    std::string err;
    const auto shape = parse_tree_shape(text, err);
    if (!shape) {
        require(!err.empty());
        return 0;
    }
    require(shape->leaf_ports > 0 && shape->leaves > 0);
    std::string again;
    const auto back = parse_tree_shape(std::to_string(shape->leaf_ports) + "x" +
                                           std::to_string(shape->leaves),
                                       again);
    require(back && back->leaf_ports == shape->leaf_ports && back->leaves == shape->leaves);
    if (check_tree_shape(*shape, npes, err)) {
        require(shape->leaf_ports <= TreeHubModel::leaf_ports());
        require(shape->leaves <= TreeHubModel::leaves());
        require(npes >= 1 && npes <= shape->capacity());
    } else {
        require(!err.empty());
    }
    return 0;
}
