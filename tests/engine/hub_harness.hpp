// hub_harness.hpp — N PE threads on one in-process Verilated hub, each with
// its own SimPort + HubExchanger + NybbleBackend (the code papers_init
// builds for the sim backend, minus the shared-memory name).
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "hub/hub_exchanger.hpp"
#include "hub/nybble_backend.hpp"
#include "in_process_hub.hpp"
#include "papers/driver/sim_port.hpp"

namespace papers::test {

inline std::unique_ptr<hub::NybbleBackend> make_pe(sim::Wire& wire, int rank, int size,
                                                    double timeout_s = 10.0) {
    auto port = std::make_unique<driver::SimPort>(wire, rank);
    auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(timeout_s));
    auto ex = std::make_unique<hub::HubExchanger>(*port, timeout, port->spin_polls());
    return std::make_unique<hub::NybbleBackend>(std::move(port), std::move(ex), rank, size, "sim");
}

// Runs body(rank, backend) on `size` threads against one hub; the backends
// are opened (census) first. Returns each rank's open() code.
inline std::vector<int> run_pes(int size, const std::function<void(int, hub::NybbleBackend&)>& body,
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
