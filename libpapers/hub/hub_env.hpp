// hub_env.hpp — variables of the hub family (sim, hub, capers) beyond the
// core's (env_vars.hpp explains the tables).
#pragma once
#include "../core/env_vars.hpp"

namespace papers::hub_env {

inline constexpr env::Var kSimPort{
    .name = "PAPERS_SIM_PORT", .kind = env::Kind::integer, .fallback = "the rank",
    .description = "Which port of the simulated hub this PE plugs into (tests: a PE claiming a "
                   "wrong rank on its own port). Must be a port the simulator enabled.",
    .min = 0, .max = 63};

inline constexpr env::Var kSimTraceNotes{
    .name = "PAPERS_SIM_TRACE_NOTES", .kind = env::Kind::text,
    .description = "`sim`: a directory where each PE writes what it does (call, exchange, port "
                   "accesses, stamped with the hub's clock) for the waveform; papersrun --trace "
                   "sets it and merges the notes into the VCD (docs/papersrun.md).",
    .syntax = "a directory"};

inline constexpr env::Var kSimEval{
    .name = "PAPERS_SIM_EVAL", .kind = env::Kind::choice, .fallback = "auto",
    .description = "Where the simulated hub's Verilated RTL is evaluated (docs/sim-eval.md): "
                   "direct = by each PE when it writes DATA, under the wire's lock; served = by "
                   "papers-hubsim for every DATA change (a round trip per exchange); auto = "
                   "direct, except served for a VCD trace (--trace) and the CAPERS cable. Read "
                   "by papers-hubsim (papersrun passes the environment on) and the in-process "
                   "test hub.",
    .choices = "auto|direct|served"};

inline constexpr const env::Var* kVars[] = {&kSimPort, &kSimTraceNotes, &kSimEval};
inline constexpr env::Table kTable{"hub", "Hub family: sim, hub, capers", kVars};

}  // namespace papers::hub_env
