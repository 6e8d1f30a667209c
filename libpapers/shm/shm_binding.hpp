// shm_binding.hpp — which CPU an shm rank runs on (as Open MPI binds to
// cores by default when ranks <= cores; unlike Open MPI, papers also binds
// when the ranks of a host are an even multiple of its CPUs).
#pragma once
#include <string_view>

#include "../core/placement.hpp"

namespace papers::shm {

// Binds the rank to CPU (rank mod CPUs) when the ranks spread evenly
// (ranks <= CPUs, or a multiple of them); `mode` is PAPERS_SHM_BIND: "auto"
// that policy, "wrap" bind whatever the spread, "0" never. Left alone: an
// uneven spread (3 ranks on 2 CPUs would give one CPU two ranks for good,
// where the scheduler balances better). Returns the CPU or -1.
//
// Why (measured on the 2-core VM, median per call):
//  - 2 ranks: spinning ranks get spread over the cores by the scheduler,
//    but ranks that yield and sleep (as ours do when the machine is busy)
//    can end up sharing one core and stay there: barrier ~3.8 us instead
//    of 0.09 us;
//  - 4 ranks: barrier 3.1 us bound vs 3.3-6.6 us unbound; 8 ranks: 6.6 us
//    vs 10.6-15.8 us (the scheduler's 3+1 or 5+3 splits cost switches).
int bind_rank(CpuBinding& binding, int rank, int size, std::string_view mode);

}  // namespace papers::shm
