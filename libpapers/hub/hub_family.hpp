// hub_family.hpp — what the hub-family backends (sim, hub, capers) are made
// of, built in one place: a port (simulated or real), an exchanger that owns
// it, the hub engine on top, the algorithms PAPERS_ALGORITHMS forces, and
// the start-up census. The three factories only say which port and which
// exchanger.
#pragma once
#include <chrono>
#include <memory>

#include "../core/config.hpp"
#include "exchanger.hpp"
#include "hub_engine.hpp"
#include "papers/driver/sim_wire.hpp"
#include "port_from_config.hpp"

namespace papers::hub {

struct ExchangerSetup {
    std::chrono::nanoseconds timeout;  // PAPERS_TIMEOUT
    unsigned spin_polls;               // PAPERS_SPIN, else the port's own count
    int rank;
};
using MakeExchanger = std::unique_ptr<Exchanger> (*)(std::unique_ptr<driver::Port>,
                                                     const ExchangerSetup&);
std::unique_ptr<Exchanger> make_hub_exchanger(std::unique_ptr<driver::Port> port,
                                              const ExchangerSetup& setup);

// Port `index` of papers-hubsim's wire PAPERS_SIM, which must serve
// `ports` ports in `mode`. nullptr with *code and the message (after
// `prefix`) set.
std::unique_ptr<driver::Port> open_simulated_port(const Config& cfg, sim::WireMode mode,
                                                  int ports, int index, const char* prefix,
                                                  int* code);

// The engine over `port`, not yet joined: tests and tools call open().
std::unique_ptr<HubEngine> assemble_engine(const Config& cfg,
                                               std::unique_ptr<driver::Port> port,
                                               MakeExchanger make, const char* name);

// assemble_engine, the forced algorithms and open(): a joined backend, or
// nullptr with *code and the message set.
// `notes` (papersrun --trace, may be null) label the census and every later call.
std::unique_ptr<HubEngine> build_hub_family(const Config& cfg,
                                                std::unique_ptr<driver::Port> port,
                                                MakeExchanger make, const char* name, int* code,
                                                std::unique_ptr<TraceNotes> notes = nullptr);

}  // namespace papers::hub
