// shm_algorithms.hpp — the shm backend's algorithm tables
// (core/algo_table.hpp). The segment's creator makes the choices that must
// hold for the whole job (the barrier, a forced reduce) and writes them
// into the header, so every rank runs the same algorithm.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../core/algo_table.hpp"
#include "layout.hpp"

namespace papers::shm {

struct BarrierShape {
    int n;                // ranks
    bool oversubscribed;  // more ranks than CPUs
};

struct ReduceShape {
    int n;
    std::size_t bytes;                // per rank
    std::uint64_t split_min_bytes;    // the job's threshold (header)
};

using BarrierRow = algo::Algorithm<BarrierAlgo, BarrierShape>;
using ReduceRow = algo::Algorithm<ReduceAlgo, ReduceShape>;

// Cost: hand-offs that need the scheduler. With a CPU per rank the
// dissemination's log2(N) rounds of flag stores are the cheapest; when ranks
// share CPUs each round is a sleep/wake, and the counter barrier's one wake
// for everyone wins (4 ranks on 2 cores: 3.1 us against ~6 us).
inline constexpr BarrierRow kBarrierAlgorithms[] = {
    {BarrierAlgo::dissemination, "dissemination",
     "every rank has a CPU: log2(N) rounds of flags, one cache line each",
     "1 with a CPU per rank, 2 when ranks share CPUs", [](const BarrierShape&) { return true; },
     [](const BarrierShape& s) { return s.oversubscribed ? 2.0 : 1.0; }},
    {BarrierAlgo::central, "central",
     "ranks share CPUs: one arrival counter, one futex word everyone sleeps on",
     "2 with a CPU per rank, 1 when ranks share CPUs", [](const BarrierShape&) { return true; },
     [](const BarrierShape& s) { return s.oversubscribed ? 1.0 : 2.0; }},
};

// Cost: the split's extra step pays off above the job's threshold, 4 KiB
// (32 KiB when ranks share CPUs, where every step costs context switches);
// with 2 ranks the flat form moves the same bytes in one step less.
inline constexpr ReduceRow kReduceAlgorithms[] = {
    {ReduceAlgo::flat, "flat", "short vectors, 2 ranks: every rank combines every contribution",
     "2", [](const ReduceShape&) { return true; }, [](const ReduceShape&) { return 2.0; }},
    {ReduceAlgo::split, "split",
     "N >= 3, longer than the threshold: reduce-scatter + all-gather, each rank combines 1/N",
     "1 above the threshold, else 3", [](const ReduceShape& s) { return s.n >= 3; },
     [](const ReduceShape& s) { return s.bytes > s.split_min_bytes ? 1.0 : 3.0; }},
};

}  // namespace papers::shm
