#pragma once
#include <filesystem>

namespace papers::bench {
// The DIPC layer's latencies next to raw TCP in the same run: papersrun
// --dipc with papers-bench-dipc (2 hosts; with dsm, shared memory on 4
// hosts). Prints papers-bench-dipc's JSON lines. residency_us > 0 sets the
// cluster's DSM minimum residency (--dipc-option dsm-min-residency-us).
int run_dipc_comparison(const std::filesystem::path& bindir, bool dsm, int iters, int blocks, int residency_us,
                        bool verbose);
}
