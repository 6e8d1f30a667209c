// single_thread_context.hpp — the Verilator context every hub model runs in.
#pragma once

#include <verilated.h>

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

}  // namespace papers::sim
