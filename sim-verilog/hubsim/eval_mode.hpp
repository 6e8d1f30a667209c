// eval_mode.hpp — which process evaluates the RTL (sim_wire.hpp EvalMode, docs/sim-eval.md):
// papers-hubsim --eval and PAPERS_SIM_EVAL say auto, direct or served; auto is direct except
// where only the served mode works: a VCD trace (one writer must see every clock) and the
// LapLink cable (no RTL at all).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "papers/driver/sim_wire.hpp"

namespace papers::sim {

// PAPERS_SIM_EVAL ("auto" when unset); nullopt with err when malformed.
std::optional<std::string> sim_eval_from_env(std::string& err);

// The mode for `choice` ("auto", "direct" or "served"); nullopt with err when the choice
// cannot serve (direct with a trace or a cable) or is not one of the three.
std::optional<EvalMode> resolve_eval_mode(std::string_view choice, bool trace, WireMode wire,
                                          std::string& err);

}  // namespace papers::sim
