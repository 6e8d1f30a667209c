// capers_backend.cpp — the `capers` backend: the unchanged hub engine
// (NybbleBackend) over CapersExchanger, N = 2. The cable is either real
// (PAPERS_PORT: a parallel port with a LapLink cable, through libieee1284 or
// direct I/O) or virtual (PAPERS_SIM: papers-hubsim --mode laplink, which
// `papersrun --backend capers -np 2` starts when no real port is configured).
#include <chrono>
#include <memory>
#include <string>

#include "../core/config.hpp"
#include "../core/error.hpp"
#include "../hub/hw_port.hpp"
#include "../hub/nybble_backend.hpp"
#include "../hub/sim_wire_check.hpp"
#include "capers_exchanger.hpp"
#include "papers/driver/sim_port.hpp"

namespace papers::capers {

namespace {

std::unique_ptr<driver::Port> open_virtual_cable(const Config& cfg, long* spins, int* code) {
    std::string err;
    auto mapping = std::make_shared<sim::WireMapping>(sim::WireMapping::open_shared(cfg.sim, err));
    if (!*mapping) {
        *code = set_error(PAPERS_ENODEV, "capers backend: " + err);
        return nullptr;
    }
    if (int rc = hub::check_sim_wire(*mapping->get(), cfg.sim, 2, sim::WireMode::laplink); rc) {
        *code = rc;
        return nullptr;
    }
    auto port = std::make_unique<driver::SimPort>(mapping, cfg.rank);
    if (cfg.spin >= 0) port->set_spin_polls(static_cast<unsigned>(cfg.spin));
    *spins = port->spin_polls();
    *code = PAPERS_OK;
    return port;
}

}  // namespace

std::unique_ptr<Backend> make_capers_backend(const Config& cfg, int* code) {
    if (cfg.size != 2) {
        *code = set_error(PAPERS_EMEMBERSHIP,
                          "the capers backend joins exactly 2 PCs over a LapLink cable, but "
                          "PAPERS_SIZE=" + std::to_string(cfg.size) +
                              " (use -np 2, or the hub backend for more PEs)");
        return nullptr;
    }
    std::unique_ptr<driver::Port> port;
    long spins = -1;
    if (!cfg.port.empty()) {
        port = hub::open_config_port(cfg, "capers", code);  // a real cable wins
        if (port) spins = cfg.spin >= 0 ? cfg.spin : port->spin_polls();
    } else if (!cfg.sim.empty()) {
        port = open_virtual_cable(cfg, &spins, code);
    } else {
        *code = set_error(PAPERS_ENODEV,
                          "the capers backend needs a cable: PAPERS_PORT for the parallel port "
                          "of a real LapLink cable (e.g. /dev/parport0), or a virtual one: "
                          "papersrun --backend capers -np 2 PROGRAM");
        return nullptr;
    }
    if (!port) return nullptr;
    const auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(cfg.timeout_s));
    auto ex = std::make_unique<CapersExchanger>(*port, cfg.rank == 0, timeout,
                                                static_cast<unsigned>(spins));
    auto backend = std::make_unique<hub::NybbleBackend>(std::move(port), std::move(ex), cfg.rank,
                                                        2, "capers");
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

}  // namespace papers::capers
