// single_thread_context.hpp — the Verilator context every hub model runs in.
#pragma once

#include <verilated.h>

#include <mutex>

namespace papers::sim {

// Our models are verilated without --threads, but Verilator 5's context defaults to
// std::thread::hardware_concurrency() threads and starts that many minus one idle pool
// workers when a model joins it. Each worker, starting, writes Verilator's unguarded global
// "last context" while the constructing thread writes it too: ThreadSanitizer's one report
// against the simulator (docs/reliability.md, tsan lane). One thread: no pool, no race, and
// no idle threads per model (the self-check alone builds three contexts).
class SingleThreadContext : public VerilatedContext {
public:
    SingleThreadContext() { threads(1); }
};

// Verilator 5.006 also records the last context in that unguarded global from every model's
// constructor (VerilatedSyms): models built at the same moment in several threads (the
// in-process PEs of the direct mode build one each) race on it, a second ThreadSanitizer
// report. Whoever constructs a context or a model holds this lock meanwhile.
inline std::unique_lock<std::mutex> lock_verilator_construction() {
    static std::mutex m;
    return std::unique_lock<std::mutex>(m);
}

}  // namespace papers::sim
