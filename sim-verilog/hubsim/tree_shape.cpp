#include "tree_shape.hpp"

#include <charconv>

#include "../model/tree_hub_model.hpp"

namespace papers::sim {

namespace {

bool parse_positive(std::string_view s, int& out) {
    if (s.empty() || s.size() > 6) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && out > 0;
}

std::string model_shape() {
    return std::to_string(TreeHubModel::leaf_ports()) + " ports per leaf x " +
           std::to_string(TreeHubModel::leaves()) + " leaves (fan-out " +
           std::to_string(TreeHubModel::fanout()) + ", " + std::to_string(TreeHubModel::levels()) +
           " levels)";
}

}  // namespace

std::optional<TreeShape> parse_tree_shape(const std::string& text, std::string& err) {
    const auto x = text.find('x');
    TreeShape shape;
    if (x == std::string::npos ||
        !parse_positive(std::string_view(text).substr(0, x), shape.leaf_ports) ||
        !parse_positive(std::string_view(text).substr(x + 1), shape.leaves)) {
        err = "--tree '" + text + "': expected PxL, P PEs per leaf hub and L leaf hubs, e.g. 8x2";
        return std::nullopt;
    }
    return shape;
}

bool check_tree_shape(const TreeShape& shape, int npes, std::string& err) {
    const std::string what = "--tree " + std::to_string(shape.leaf_ports) + "x" +
                             std::to_string(shape.leaves) + ": ";
    if (shape.leaf_ports > TreeHubModel::leaf_ports() || shape.leaves > TreeHubModel::leaves()) {
        err = what + "the verilated hub tree has " + model_shape() +
              " (rebuild with PAPERS_HUB_TREE_LEAF_PORTS / _FANOUT / _LEVELS for another shape)";
        return false;
    }
    if (npes < 1 || npes > shape.capacity()) {
        err = what + "seats " + std::to_string(shape.capacity()) + " PEs; cannot serve " +
              std::to_string(npes);
        return false;
    }
    return true;
}

}  // namespace papers::sim
