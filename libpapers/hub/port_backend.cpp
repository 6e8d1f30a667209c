// port_backend.cpp — the `hub` backend: the hub engine (HubExchanger +
// NybbleBackend, exactly as on the simulator) on a real parallel port wired
// to a PAPERS hub. The port is PAPERS_PORT, reached through libieee1284
// (ppdev) or direct inb/outb per PAPERS_PORT_ACCESS (docs/hardware.md).
//
// A real hub cannot report its protocol version (there is no wire for it);
// the start-up census in NybbleBackend::open is the check that a working
// hub with exactly PAPERS_SIZE enabled ports answers.
#include <chrono>
#include <memory>
#include <string>

#include "../core/config.hpp"
#include "../core/error.hpp"
#include "hub_exchanger.hpp"
#include "hw_port.hpp"
#include "nybble_backend.hpp"
#include "papers/driver/hw_port.hpp"

namespace papers::hub {

namespace {

int code_of(driver::PortErr e) {
    switch (e) {
        case driver::PortErr::none: return PAPERS_OK;
        case driver::PortErr::bad_spec: return PAPERS_EINVAL;
        case driver::PortErr::not_found: return PAPERS_ENODEV;
        case driver::PortErr::no_permission: return PAPERS_EPERM;
        case driver::PortErr::unsupported: return PAPERS_ENOTSUP;
        case driver::PortErr::busy: return PAPERS_EBUSY;
        case driver::PortErr::system: return PAPERS_ESYS;
    }
    return PAPERS_ESYS;
}

}  // namespace

std::unique_ptr<driver::Port> open_config_port(const Config& cfg, const char* who, int* code) {
    driver::PortResult r = driver::open_hw_port(cfg.port, cfg.port_access);
    if (!r) {
        *code = set_error(code_of(r.err), std::string(who) + " backend: " + r.message);
        return nullptr;
    }
    *code = PAPERS_OK;
    return std::move(r.port);
}

std::unique_ptr<Backend> make_hub_backend(const Config& cfg, int* code) {
    auto port = open_config_port(cfg, "hub", code);
    if (!port) return nullptr;
    const unsigned spins =
        cfg.spin >= 0 ? static_cast<unsigned>(cfg.spin) : port->spin_polls();
    const auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(cfg.timeout_s));
    const std::string port_name = port->name();

    auto ex = std::make_unique<HubExchanger>(*port, timeout, spins);
    auto backend = std::make_unique<NybbleBackend>(std::move(port), std::move(ex), cfg.rank,
                                                   cfg.size, "hub");
    if (int rc = backend->force_algorithms(cfg.forced); rc) {
        *code = rc;
        return nullptr;
    }
    if (int rc = backend->open(); rc) {
        // Say where to look: on hardware a silent census is usually the cable,
        // the hub's power or its port jumpers.
        if (rc == PAPERS_EMEMBERSHIP || rc == PAPERS_ETIMEDOUT)
            rc = set_error(rc, last_error() + " [port " + port_name +
                                   "; check the hub's power, cable and enable jumpers with "
                                   "papers-probe, see docs/hardware.md]");
        *code = rc;
        return nullptr;
    }
    *code = PAPERS_OK;
    return backend;
}

}  // namespace papers::hub
