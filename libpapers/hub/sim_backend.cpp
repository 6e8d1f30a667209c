// sim_backend.cpp — the hub engine on a simulated port: the PE's DATA and
// STATUS registers live in papers-hubsim's shared-memory wire, and the
// Verilated RTL inside papers-hubsim computes every G and R.
#include <memory>
#include <string>

#include "../core/config.hpp"
#include "../core/error.hpp"
#include "hub_env.hpp"
#include "hub_family.hpp"

namespace papers::hub {

std::unique_ptr<Backend> make_sim_backend(const Config& cfg, int* code) {
    if (cfg.sim.empty()) {
        *code = set_error(PAPERS_ENODEV,
                          "PAPERS_SIM is not set: start the program with papersrun (which starts "
                          "the hub simulator), e.g. papersrun -np 4 PROGRAM");
        return nullptr;
    }
    // The simulated PC's port: normally port <rank>; PAPERS_SIM_PORT lets a
    // test plug a PE into another port than its rank (membership tests).
    env::Reader in(hub_env::kTable);
    const auto index = in.integer(hub_env::kSimPort, cfg.rank);
    if (!in.ok()) {
        *code = set_error(PAPERS_EINVAL, in.error());
        return nullptr;
    }
    // Checked before the port is opened: opening marks the port attached.
    if (index >= cfg.size) {  // the wire has exactly cfg.size ports
        *code = set_error(PAPERS_EINVAL, "PAPERS_SIM_PORT=" + std::to_string(index) +
                                             " is not a port of the simulated hub (it has " +
                                             std::to_string(cfg.size) + ")");
        return nullptr;
    }
    auto port = open_simulated_port(cfg, sim::WireMode::hub, cfg.size, static_cast<int>(index),
                                    "", code);
    if (!port) return nullptr;
    return build_hub_family(cfg, std::move(port), make_hub_exchanger, "sim", code);
}

}  // namespace papers::hub
