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

inline constexpr const env::Var* kVars[] = {&kSimPort};
inline constexpr env::Table kTable{"hub", "Hub family: sim, hub, capers", kVars};

}  // namespace papers::hub_env
