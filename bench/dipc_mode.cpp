#include "dipc_mode.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "shell_quote.hpp"

namespace papers::bench {

int run_dipc_comparison(const std::filesystem::path& bindir, bool dsm, int iters, int blocks, int residency_us,
                        bool verbose) {
    const auto bench = bindir / "papers-bench-dipc", run = bindir / "papersrun";
    for (const auto& f : {bench, run, bindir / "papers-dipcd"})
        if (!std::filesystem::exists(f)) {
            std::cerr << "papers-bench --dipc: " << f << " is missing (build with PAPERS_WITH_DIPC=ON)\n";
            return 2;
        }
    // The TCP reference listens on port+rank: a port of this process's own.
    const int port = 20000 + static_cast<int>(getpid() % 20000) * 2;
    std::string cmd = shell_quote(run.string()) + " --dipc -np " + (dsm ? "4" : "2");
    if (residency_us > 0) cmd += " --dipc-option dsm-min-residency-us=" + std::to_string(residency_us);
    cmd += " -- " + shell_quote(bench.string()) + (dsm ? " --dsm" : "") + " --port " + std::to_string(port) +
           " --iters " + std::to_string(iters) + " --blocks " + std::to_string(blocks);
    if (verbose) std::cerr << "papers-bench: " << cmd << "\n";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace papers::bench
