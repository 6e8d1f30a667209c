// dsm_bench.hpp — papers-bench-dipc --dsm (see dsm_bench.cpp).
#pragma once

namespace papers::bench::dipc {

int run_dsm(int rank, int size, int port, int iters, int blocks, bool pingpong_only);

}  // namespace papers::bench::dipc
