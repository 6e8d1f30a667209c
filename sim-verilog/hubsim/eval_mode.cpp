#include "eval_mode.hpp"

#include "hub/hub_env.hpp"

namespace papers::sim {

std::optional<std::string> sim_eval_from_env(std::string& err) {
    env::Reader in(hub_env::kTable);
    const std::string choice(in.choice(hub_env::kSimEval));
    if (!in.ok()) {
        err = in.error();
        return std::nullopt;
    }
    return choice;
}

std::optional<EvalMode> resolve_eval_mode(std::string_view choice, bool trace, WireMode wire,
                                          std::string& err) {
    const bool served_only = trace || wire == WireMode::laplink;
    if (choice == "auto") return served_only ? EvalMode::served : EvalMode::direct;
    if (choice == "served") return EvalMode::served;
    if (choice == "direct") {
        if (trace) {
            err = "a VCD trace needs the served mode (one process sees every hub clock); "
                  "drop --trace or use PAPERS_SIM_EVAL=served / --eval served";
            return std::nullopt;
        }
        if (wire == WireMode::laplink) {
            err = "the LapLink cable (capers) has no hub RTL to evaluate; it is always served";
            return std::nullopt;
        }
        return EvalMode::direct;
    }
    err = "evaluation mode '" + std::string(choice) + "': must be auto, direct or served";
    return std::nullopt;
}

}  // namespace papers::sim
