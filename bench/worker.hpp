#pragma once
#include <vector>

#include "bench_ops.hpp"

namespace papers::bench {
// Runs inside a job started by papersrun; prints JSON records on rank 0.
int run_worker(const std::vector<OpSpec>& ops, int iters, int warmup, const char* label);
}
