// hubrtl_plugin.cpp — the one export of libpapers_hubrtl.so (sim_evaluator.hpp): the direct
// mode's evaluator, built over the hub papers-hubsim described in the wire.
#include <exception>
#include <type_traits>
#include <string>

#include "direct_evaluator.hpp"

extern "C" __attribute__((visibility("default"))) papers::sim::WireEvaluator*
papers_hubrtl_evaluator_v1(papers::sim::Wire* wire, bool power_on, std::string* err) {
    static_assert(std::is_same_v<decltype(&papers_hubrtl_evaluator_v1),
                                 papers::sim::EvaluatorFactory>);
    try {
        auto e = papers::sim::make_direct_evaluator(*wire, *err);
        if (!e || (power_on && !e->power_on(*err))) return nullptr;
        return e.release();
    } catch (const std::exception& ex) {
        *err = std::string("hub RTL plugin: ") + ex.what();
        return nullptr;
    }
}
