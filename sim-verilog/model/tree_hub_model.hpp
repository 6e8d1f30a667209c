// tree_hub_model.hpp — a thin C++ handle on the Verilated papers_hub_tree RTL (docs/hub-tree.md).
// Like HubModel it only drives pins and clocks: every G and R comes out of the RTL.
//
// The shape is fixed when the RTL is verilated (CMake: PAPERS_HUB_TREE_LEAF_PORTS,
// PAPERS_HUB_TREE_FANOUT, PAPERS_HUB_TREE_LEVELS; default 8 ports x fan-out 5 x 2 levels, the
// TTL_PAPERS 950801 module). Tree port p is port p % leaf_ports() of leaf p / leaf_ports().
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace papers::sim {

class TreeHubModel {
public:
    // The verilated shape.
    static int leaf_ports();  // PORTS_PER_LEAF
    static int fanout();      // FANOUT
    static int levels();      // LEVELS (root included)
    static int leaves();      // FANOUT ** (LEVELS - 1)
    static int max_ports();   // leaf_ports() * leaves(), at most 64
    // The RTL's VERSION (1) and LATENCY (latency_o = 2 * LEVELS + 1), read from its ports.
    static int rtl_version();
    static int settle_clocks();

    TreeHubModel();
    ~TreeHubModel();
    TreeHubModel(const TreeHubModel&) = delete;
    TreeHubModel& operator=(const TreeHubModel&) = delete;

    // Asynchronous reset held over one clock: G = 0, R = 0 everywhere, pipelines cleared.
    void reset();
    // Enable mask over all leaf ports: bit p enables tree port p. Throws std::invalid_argument
    // for bits beyond max_ports().
    void set_enable(std::uint64_t mask);
    // Drive tree port p's DATA pins (X bits 0..3, S bit 4). Throws std::out_of_range.
    void set_data(int port, std::uint8_t data_byte);
    // One full hub clock.
    void tick();
    // G and R as leaf hub `leaf` drives them to its ports. Throws std::out_of_range.
    unsigned g(int leaf = 0) const;
    std::uint8_t r(int leaf = 0) const;
    // The leaf hub serving tree port p.
    static int leaf_of(int port) { return port / leaf_ports(); }

    bool open_trace(const std::string& path, std::string& err);
    void close_trace();
    std::uint64_t clocks() const;

    // The model's state as bytes and back, as HubModel::save_state / restore_state.
    const std::uint8_t* save_state(std::size_t& size);
    void restore_state(const std::uint8_t* bytes, std::size_t size);
    // True when save_state copies the model's members raw (proven equivalent to Verilator's
    // serialization by a self-check in this process), false when it serializes.
    static bool raw_state_form();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace papers::sim
