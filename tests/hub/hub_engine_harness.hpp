// hub_engine_harness.hpp — N PE threads on one in-process Verilated hub, each with
// its own SimPort + HubExchanger + HubEngine, assembled by the same
// hub-family code papers_init uses for the sim backend (minus the
// shared-memory name).
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "hub/hub_family.hpp"
#include "in_process_hub.hpp"
#include "papers/driver/sim_port.hpp"

namespace papers::test {

inline std::unique_ptr<hub::HubEngine> make_pe(sim::Wire& wire, int rank, int size,
                                                    double timeout_s = 10.0) {
    Config cfg;
    cfg.rank = rank;
    cfg.size = size;
    cfg.timeout_s = timeout_s;
    return hub::assemble_engine(cfg, std::make_unique<driver::SimPort>(wire, rank),
                                hub::make_hub_exchanger, "sim");
}

// Runs body(rank, backend) on `size` threads against one hub; the backends
// are opened (census) first. Returns each rank's open() code.
inline std::vector<int> run_pes(int size, const std::function<void(int, hub::HubEngine&)>& body,
                                double timeout_s = 10.0) {
    sim::InProcessHub hub(size);
    std::vector<int> open_rc(size, 0);
    std::vector<std::thread> threads;
    for (int r = 0; r < size; ++r)
        threads.emplace_back([&, r] {
            auto pe = make_pe(hub.wire(), r, size, timeout_s);
            open_rc[r] = pe->open();
            if (open_rc[r] == 0) body(r, *pe);
        });
    for (auto& t : threads) t.join();
    return open_rc;
}

}  // namespace papers::test
