#include "hub_family.hpp"

#include <stdexcept>
#include <string>

#include "../core/error.hpp"
#include "hub_exchanger.hpp"
#include "papers/driver/sim_port.hpp"

namespace papers::hub {

namespace {

int code_of(sim::WireErr e) {
    switch (e) {
        case sim::WireErr::none: return PAPERS_OK;
        case sim::WireErr::version: return PAPERS_EVERSION;
        case sim::WireErr::wrong_ports: return PAPERS_EMEMBERSHIP;
        default: return PAPERS_ENODEV;
    }
}

}  // namespace

std::unique_ptr<Exchanger> make_hub_exchanger(std::unique_ptr<driver::Port> port,
                                              const ExchangerSetup& setup) {
    return std::make_unique<HubExchanger>(std::move(port), setup.timeout, setup.spin_polls);
}

std::unique_ptr<driver::Port> open_simulated_port(const Config& cfg, sim::WireMode mode,
                                                  int ports, int index, const char* prefix,
                                                  int* code) {
    std::string err;
    sim::WireErr why = sim::WireErr::none;
    auto wire = sim::WireMapping::open_served(cfg.sim, ports, mode, why, err);
    if (!wire) {
        *code = set_error(code_of(why), std::string(prefix) + err);
        return nullptr;
    }
    try {
        auto port = std::make_unique<driver::SimPort>(
            std::make_shared<sim::WireMapping>(std::move(wire)), index);
        *code = PAPERS_OK;
        return port;
    } catch (const std::runtime_error& e) {  // the direct mode's RTL plugin would not load
        *code = set_error(PAPERS_ENODEV, std::string(prefix) + e.what());
        return nullptr;
    }
}

std::unique_ptr<HubEngine> assemble_engine(const Config& cfg,
                                               std::unique_ptr<driver::Port> port,
                                               MakeExchanger make, const char* name) {
    ExchangerSetup setup;
    setup.timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(cfg.timeout_s));
    setup.spin_polls = cfg.spin >= 0 ? static_cast<unsigned>(cfg.spin) : port->spin_polls();
    setup.rank = cfg.rank;
    return std::make_unique<HubEngine>(make(std::move(port), setup), cfg.rank, cfg.size, name);
}

std::unique_ptr<HubEngine> build_hub_family(const Config& cfg,
                                                std::unique_ptr<driver::Port> port,
                                                MakeExchanger make, const char* name, int* code,
                                                std::unique_ptr<TraceNotes> notes) {
    auto engine = assemble_engine(cfg, std::move(port), make, name);
    if (notes) engine->attach_trace_notes(std::move(notes));
    int rc = engine->force_algorithms(cfg.forced);
    if (rc == PAPERS_OK) rc = engine->open();
    *code = rc;
    if (rc != PAPERS_OK) return nullptr;
    return engine;
}

}  // namespace papers::hub
