// sim_backend.cpp — the hub engine on a simulated port: the PE's DATA and
// STATUS registers live in papers-hubsim's shared-memory wire, and the
// Verilated RTL inside papers-hubsim computes every G and R.
#include <memory>
#include <string>

#include "../core/config.hpp"
#include "../core/error.hpp"
#include "../core/placement.hpp"
#include "papers/driver/sim_port.hpp"
#include "hub_env.hpp"
#include "hub_family.hpp"
#include "papers/driver/sim_port.hpp"

namespace papers::hub {

namespace {
// Polls before a waiting PE yields on a direct-mode wire when PEs have a core each: the shm
// backend's spin (shm_backend.cpp).
constexpr unsigned kDirectSpinPolls = 4000;
}  // namespace

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
    const std::string notes_dir = in.text(hub_env::kSimTraceNotes);
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
    std::unique_ptr<TraceNotes> notes;
    if (!notes_dir.empty()) {
        // Stamped with the hub's clock count, which the simulator publishes on the wire.
        auto* sim_port = dynamic_cast<driver::SimPort*>(port.get());
        if (!sim_port) {
            *code = set_error(PAPERS_EINVAL, "PAPERS_SIM_TRACE_NOTES: not a simulated port");
            return nullptr;
        }
        const sim::Wire* wire = &sim_port->wire();
        std::string err;
        notes = TraceNotes::open(notes_dir, static_cast<int>(index),
                                 [wire] { return wire->hub_clocks.load(std::memory_order_relaxed); },
                                 err);
        if (!notes) {
            *code = set_error(PAPERS_EINVAL, "PAPERS_SIM_TRACE_NOTES: " + err);
            return nullptr;
        }
    }
    // In the direct mode the PEs evaluate the hub themselves and no simulator process needs a
    // CPU, so the PEs are placed as the shm backend places its ranks: spin long while every PE
    // has a core (the partner's evaluation takes about a microsecond), and bind PE r to CPU
    // (r mod CPUs) when the PEs spread evenly. Unbound, two PEs that yielded could end up on
    // one core and stay there: a 2-PE barrier took 10-20 us instead of 1-2 (the shm backend
    // measured the same, shm_binding.hpp).
    auto& sim_port = static_cast<driver::SimPort&>(*port);
    const bool direct = sim_port.wire().eval_mode == sim::EvalMode::direct;
    const int cpus = usable_cpus();
    if (direct && cfg.size <= cpus) sim_port.set_spin_polls(kDirectSpinPolls);
    auto engine = build_hub_family(cfg, std::move(port), make_hub_exchanger, "sim", code,
                                   std::move(notes));
    if (engine && direct && cfg.size >= 2 && (cfg.size <= cpus || cfg.size % cpus == 0))
        engine->bind_to_cpu(cfg.rank);
    return engine;
}

}  // namespace papers::hub
