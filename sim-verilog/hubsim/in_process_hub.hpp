// in_process_hub.hpp — the simulated hub in a thread of the calling
// process, for unit tests: N threads with SimPorts on one Verilated model.
#pragma once
#include <atomic>
#include <optional>
#include <string>
#include <thread>

#include "hub_server.hpp"

namespace papers::sim {

class InProcessHub {
public:
    // With `tree`, the hub tree RTL serves the PEs (docs/hub-tree.md). `eval` is the
    // evaluation mode (eval_mode.hpp): auto, direct or served; by default PAPERS_SIM_EVAL's.
    explicit InProcessHub(int nports, WireMode mode = WireMode::hub,
                          const std::string& trace_path = "",
                          std::optional<TreeShape> tree = std::nullopt,
                          const std::string& eval = "");
    ~InProcessHub();
    InProcessHub(const InProcessHub&) = delete;
    InProcessHub& operator=(const InProcessHub&) = delete;

    Wire& wire() { return *mapping_.get(); }
    std::uint64_t evaluations() const { return server_.evaluations(); }
    EvalMode eval_mode() const { return server_.eval_mode(); }

private:
    WireMapping mapping_;
    HubServer server_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace papers::sim
