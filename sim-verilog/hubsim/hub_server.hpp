// hub_server.hpp — serves a shared-memory wire with the Verilated hub: it
// copies every PE's DATA register onto the RTL's pins, clocks the RTL until
// it settles, and publishes G and R on every port's STATUS pins. It never
// computes a hub result itself. In LapLink mode (CAPERS) there is no hub:
// the server only carries each port's DATA pins to the other port's STATUS
// pins as the cable's wires do (spec §8). With a TreeShape the RTL is the hub
// tree (docs/hub-tree.md); each PE then reads the G/R of its own leaf hub.
//
// In the direct mode (EvalMode::direct, docs/sim-eval.md) the server only prepares the wire:
// it names the RTL plugin, powers the hub on through it and then waits; every PE evaluates
// the RTL itself when it writes DATA (direct_evaluator.hpp).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "papers/driver/sim_wire.hpp"
#include "tree_shape.hpp"

namespace papers::sim {

class HubRtl;

class HubServer {
public:
    // nports PEs are served; in hub mode they are the flat model's first ports, or laid out
    // on the hub tree as `tree` says (hub mode only).
    HubServer(Wire& wire, int nports, WireMode mode, std::optional<TreeShape> tree = std::nullopt,
              EvalMode eval = EvalMode::served);
    ~HubServer();

    // Writes the wire header; must precede run(). Returns false with err.
    bool prepare(std::string& err);
    bool open_trace(const std::string& path, std::string& err);
    // Serves until `stop` or wire.shutdown is set. Sets wire.ready while serving.
    void run(const std::atomic<bool>& stop);

    // Input changes evaluated (in the direct mode: by every PE, as the wire counts them).
    std::uint64_t evaluations() const;
    EvalMode eval_mode() const { return eval_; }

private:
    void apply_inputs_and_settle();
    std::uint8_t pins_for(int port) const;
    void publish();
    void wait_for_input(std::uint32_t seen, const std::atomic<bool>& stop);

    Wire& wire_;
    int nports_;
    WireMode mode_;
    std::optional<TreeShape> tree_;
    EvalMode eval_;
    std::unique_ptr<HubRtl> model_;  // served mode only
    std::uint8_t last_data_[kMaxPorts] = {};
    std::uint8_t last_pins_[kMaxPorts] = {};
    std::uint64_t evals_ = 0;
};

// LapLink cable (spec §8): DB-25 pin of a DATA bit on one side -> DB-25 pin
// of the STATUS bit it reaches on the other side.
struct LaplinkWire {
    int data_bit;     // D0..D4
    int from_pin;     // 2..6
    int to_pin;       // 15, 13, 12, 10, 11
    int status_bit;   // 3..7
};
inline constexpr LaplinkWire kLaplinkWires[] = {
    {0, 2, 15, 3}, {1, 3, 13, 4}, {2, 4, 12, 5}, {3, 5, 10, 6}, {4, 6, 11, 7}};

// STATUS pin levels one side sees for the other side's DATA byte.
std::uint8_t laplink_pins_from_peer(std::uint8_t peer_data);

}  // namespace papers::sim
