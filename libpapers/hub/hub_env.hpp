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

inline constexpr const env::Var* kVars[] = {&kSimPort, &kSimTraceNotes};
inline constexpr env::Table kTable{"hub", "Hub family: sim, hub, capers", kVars};

}  // namespace papers::hub_env
