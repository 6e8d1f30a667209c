// sim_evaluator.hpp — the direct mode's evaluator (sim_wire.hpp, docs/sim-eval.md): the
// Verilated hub evaluated by the process that changes its inputs. It lives in the plugin
// libpapers_hubrtl.so (sim-verilog/hubsim/), loaded on demand, so libpapers carries no
// Verilator code and every process of a job runs the RTL build papers-hubsim named.
#pragma once
#include <memory>
#include <string>

#include "papers/driver/sim_wire.hpp"

namespace papers::sim {

class WireEvaluator {
public:
    virtual ~WireEvaluator() = default;
    // Under the wire's lock: applies every DATA register that moved to the RTL's pins, clocks
    // it until it settles, publishes G/R on the STATUS pins and saves the state in the wire.
    // Does nothing if no DATA register moved since the last evaluation.
    virtual void evaluate() = 0;
};

// The plugin's one export. power_on: called once per wire by the simulator, which resets
// the RTL, settles it, publishes the power-on pins and stores the first state. nullptr with
// *err when the wire's hub cannot be built.
using EvaluatorFactory = WireEvaluator* (*)(Wire* wire, bool power_on, std::string* err);
inline constexpr const char* kEvaluatorFactorySymbol = "papers_hubrtl_evaluator_v1";
inline constexpr const char* kEvaluatorPluginFile = "libpapers_hubrtl.so";

// Loads the plugin at `plugin_path` (kept loaded for the life of the process) and builds an
// evaluator for `wire`. nullptr with err.
std::unique_ptr<WireEvaluator> load_evaluator(Wire& wire, const std::string& plugin_path,
                                              bool power_on, std::string& err);

// The simulator's side of a direct-mode wire, after wire_init: the lock (process-shared,
// robust), the plugin path and the tree shape (0 x 0 for the flat hub). The hub is powered on
// next, by load_evaluator(wire, plugin_path, true, err). False with err.
bool wire_init_direct(Wire& wire, const std::string& plugin_path, int tree_leaf_ports,
                      int tree_leaves, std::string& err);

}  // namespace papers::sim
