#include "plugin_path.hpp"

#include <filesystem>
#include <vector>

#include "papers/driver/sim_evaluator.hpp"

namespace papers::sim {

std::string find_hubrtl_plugin(std::string& err) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    std::vector<fs::path> candidates;
    if (!ec) {
        candidates.push_back(exe.parent_path() / ".." / "lib" / kEvaluatorPluginFile);
        candidates.push_back(exe.parent_path() / kEvaluatorPluginFile);
    }
#ifdef PAPERS_HUBRTL_BUILD_PATH
    candidates.emplace_back(PAPERS_HUBRTL_BUILD_PATH);
#endif
    std::string tried;
    for (const fs::path& c : candidates) {
        if (fs::is_regular_file(c, ec)) return fs::weakly_canonical(c, ec).string();
        tried += (tried.empty() ? "" : ", ") + c.string();
    }
    err = std::string("the hub RTL plugin ") + kEvaluatorPluginFile + " was not found (tried " +
          tried + "); build the target papers_hubrtl, or run the simulator with --eval served";
    return {};
}

}  // namespace papers::sim
