#pragma once
#include <vector>

#include "bench_ops.hpp"

namespace papers::bench {
// Runs inside a job started by papersrun; prints JSON records on rank 0.
// The timed iterations of each operation come in `blocks` blocks, taking
// turns with a reference job when the driver set that up (turns.h).
int run_worker(const std::vector<OpSpec>& ops, int iters, int warmup, const char* label, int blocks);
}
