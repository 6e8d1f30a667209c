// capers_backend.cpp — the `capers` backend: the unchanged hub engine
// (HubEngine) over CapersExchanger, N = 2. The cable is either real
// (PAPERS_PORT: a parallel port with a LapLink cable, through libieee1284 or
// direct I/O) or virtual (PAPERS_SIM: papers-hubsim --mode laplink, which
// `papersrun --backend capers -np 2` starts when no real port is configured).
#include <memory>
#include <string>

#include "../core/config.hpp"
#include "../core/error.hpp"
#include "../hub/hub_family.hpp"
#include "capers_exchanger.hpp"

namespace papers::capers {

namespace {

std::unique_ptr<hub::Exchanger> make_capers_exchanger(std::unique_ptr<driver::Port> port,
                                                      const hub::ExchangerSetup& setup) {
    return std::make_unique<CapersExchanger>(std::move(port), setup.rank == 0, setup.timeout,
                                             setup.spin_polls);
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
    if (!cfg.port.empty()) {
        port = hub::open_config_port(cfg, "capers", code);  // a real cable wins
    } else if (!cfg.sim.empty()) {
        port = hub::open_simulated_port(cfg, sim::WireMode::laplink, 2, cfg.rank,
                                        "capers backend: ", code);
    } else {
        *code = set_error(PAPERS_ENODEV,
                          "the capers backend needs a cable: PAPERS_PORT for the parallel port "
                          "of a real LapLink cable (e.g. /dev/parport0), or a virtual one: "
                          "papersrun --backend capers -np 2 PROGRAM");
        return nullptr;
    }
    if (!port) return nullptr;
    return hub::build_hub_family(cfg, std::move(port), make_capers_exchanger, "capers", code);
}

}  // namespace papers::capers
