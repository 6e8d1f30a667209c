// sim_backend.cpp — the hub engine on a simulated port: the PE's DATA and
// STATUS registers live in papers-hubsim's shared-memory wire, and the
// Verilated RTL inside papers-hubsim computes every G and R.
#include <chrono>
#include <memory>
#include <string>

#include "../core/config.hpp"
#include "../core/error.hpp"
#include "hub_env.hpp"
#include "hub_exchanger.hpp"
#include "nybble_backend.hpp"
#include "papers/driver/sim_port.hpp"

namespace papers::hub {

// Checks that the wire is a live protocol-1 hub with exactly `size` ports.
int check_sim_wire(const sim::Wire& w, const std::string& name, int size, sim::WireMode mode) {
    if (w.magic != sim::kWireMagic || w.layout != sim::kWireLayout)
        return set_error(PAPERS_ENODEV, "shared-memory object " + name +
                                            " is not a papers-hubsim wire (stale or foreign)");
    if (!w.ready.load())
        return set_error(PAPERS_ENODEV, "hub simulator at " + name + " is not serving");
    if (w.hub_version != PAPERS_PROTOCOL_VERSION)
        return set_error(PAPERS_EVERSION, "hub at " + name + " speaks protocol " +
                                              std::to_string(w.hub_version) +
                                              ", this library speaks protocol " +
                                              std::to_string(PAPERS_PROTOCOL_VERSION));
    if (w.mode != mode)
        return set_error(PAPERS_ENODEV, "simulator at " + name + " is wired as a " +
                                            (w.mode == sim::WireMode::hub ? "hub" : "LapLink cable") +
                                            ", not for this backend");
    if (static_cast<int>(w.nports) != size)
        return set_error(PAPERS_EMEMBERSHIP,
                         "the simulated hub has " + std::to_string(w.nports) +
                             " enabled ports but PAPERS_SIZE=" + std::to_string(size));
    return PAPERS_OK;
}

std::unique_ptr<Backend> make_sim_backend(const Config& cfg, int* code) {
    if (cfg.sim.empty()) {
        *code = set_error(PAPERS_ENODEV,
                          "PAPERS_SIM is not set: start the program with papersrun (which starts "
                          "the hub simulator), e.g. papersrun -np 4 PROGRAM");
        return nullptr;
    }
    std::string err;
    auto mapping = std::make_shared<sim::WireMapping>(sim::WireMapping::open_shared(cfg.sim, err));
    if (!*mapping) {
        *code = set_error(PAPERS_ENODEV, err);
        return nullptr;
    }
    if (int rc = check_sim_wire(*mapping->get(), cfg.sim, cfg.size, sim::WireMode::hub); rc) {
        *code = rc;
        return nullptr;
    }
    // The simulated PC's port: normally port <rank>; PAPERS_SIM_PORT lets a
    // test plug a PE into another port than its rank (membership tests).
    env::Reader in(hub_env::kTable);
    const auto port_index = in.integer(hub_env::kSimPort, cfg.rank);
    if (!in.ok()) {
        *code = set_error(PAPERS_EINVAL, in.error());
        return nullptr;
    }
    if (port_index >= static_cast<long>(mapping->get()->nports)) {
        *code = set_error(PAPERS_EINVAL, "PAPERS_SIM_PORT=" + std::to_string(port_index) +
                                             " is not a port of the simulated hub (it has " +
                                             std::to_string(mapping->get()->nports) + ")");
        return nullptr;
    }
    auto port = std::make_unique<driver::SimPort>(mapping, static_cast<int>(port_index));
    if (cfg.spin >= 0) port->set_spin_polls(static_cast<unsigned>(cfg.spin));
    auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(cfg.timeout_s));
    const unsigned spins = port->spin_polls();

    auto ex = std::make_unique<HubExchanger>(*port, timeout, spins);
    auto backend = std::make_unique<NybbleBackend>(std::move(port), std::move(ex), cfg.rank,
                                                   cfg.size, "sim");
    if (int rc = backend->force_algorithms(cfg.forced); rc) {
        *code = rc;
        return nullptr;
    }
    if (int rc = backend->open(); rc) {
        *code = rc;
        return nullptr;
    }
    *code = PAPERS_OK;
    return backend;
}

}  // namespace papers::hub
