// hub_model.hpp — a thin C++ handle on the Verilated papers_hub RTL.
// It only drives pins and clocks: every G and R comes out of the RTL.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace papers::sim {

class HubModel {
public:
    // Ports available in the verilated model (its NPORTS parameter).
    static int max_ports();
    // The RTL's VERSION parameter (must be 1 for protocol 1).
    static int rtl_version();

    HubModel();
    ~HubModel();
    HubModel(const HubModel&) = delete;
    HubModel& operator=(const HubModel&) = delete;

    // Synchronous reset: G = 0, R = 0.
    void reset();
    // Enable mask: bit i enables port i (disabled ports are ignored).
    void set_enable(std::uint64_t mask);
    // Drive port i's DATA pins (X on bits 0..3, S on bit 4; other bits ignored).
    void set_data(int port, std::uint8_t data_byte);
    // One full hub clock (rising edge). Inputs are sampled at the edge.
    void tick();
    // Outputs after the last tick.
    unsigned g() const;
    std::uint8_t r() const;
    // Clocks from a DATA change to a settled G/R (pipeline depth, + margin).
    static int settle_clocks();

    // VCD trace of the hub's pins (GTKWave). Returns false with err on failure.
    bool open_trace(const std::string& path, std::string& err);
    void close_trace();

    std::uint64_t clocks() const;

    // The model's whole state (registers, pins, simulation time, clock count) as bytes, and
    // back: restore_state(save_state()) continues exactly where the saved model was, in this
    // or another process running the same build (the direct mode, docs/sim-eval.md).
    // save_state returns the bytes, valid until the next call; restore_state throws
    // std::invalid_argument on bytes that are not this model's state.
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
