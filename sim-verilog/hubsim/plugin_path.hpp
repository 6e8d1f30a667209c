// plugin_path.hpp — where the simulator finds libpapers_hubrtl.so, the direct mode's plugin
// (sim_evaluator.hpp): next to the running program (../lib, then its own directory, as
// installed and as built), else where this build put it.
#pragma once
#include <string>

namespace papers::sim {

// The plugin's absolute path, or "" with err naming the places tried.
std::string find_hubrtl_plugin(std::string& err);

}  // namespace papers::sim
