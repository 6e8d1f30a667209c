// port_backend.cpp — the `hub` backend: the hub engine (HubExchanger +
// HubEngine, exactly as on the simulator) on a real parallel port wired
// to a PAPERS hub. The port is PAPERS_PORT, reached through libieee1284
// (ppdev) or direct inb/outb per PAPERS_PORT_ACCESS (docs/hardware.md).
//
// A real hub cannot report its protocol version (there is no wire for it);
// the start-up census in HubEngine::open is the check that a working
// hub with exactly PAPERS_SIZE enabled ports answers.
#include <memory>
#include <string>

#include "../core/config.hpp"
#include "../core/error.hpp"
#include "hub_family.hpp"

namespace papers::hub {

std::unique_ptr<Backend> make_hub_backend(const Config& cfg, int* code) {
    auto port = open_config_port(cfg, "hub", code);
    if (!port) return nullptr;
    const std::string port_name = port->name();
    auto backend = build_hub_family(cfg, std::move(port), make_hub_exchanger, "hub", code);
    // Say where to look: on hardware a silent census is usually the cable,
    // the hub's power or its port jumpers.
    if (!backend && (*code == PAPERS_EMEMBERSHIP || *code == PAPERS_ETIMEDOUT))
        *code = set_error(*code, last_error() + " [port " + port_name +
                                     "; check the hub's power, cable and enable jumpers with "
                                     "papers-probe, see docs/hardware.md]");
    return backend;
}

}  // namespace papers::hub
