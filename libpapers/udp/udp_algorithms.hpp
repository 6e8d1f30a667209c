// udp_algorithms.hpp — the udp backend's algorithm tables
// (core/algo_table.hpp). The algorithms themselves are in algorithms.hpp,
// one file each. PAPERS_ALGORITHMS is part of the start-up digest, so
// ranks given different strings fail at papers_init instead of deadlocking.
#pragma once
#include <cstddef>

#include "../core/algo_table.hpp"
#include "papers/papers.h"

namespace papers::udp {

// The barrier and the votes (any, all, waitvec) share one algorithm: an OR
// over all ranks (barrier_two_level.cpp).
struct BarrierShape {
    int n;
    int crowding;  // the most ranks per CPU of any host (agreed in the handshake)
};
enum class BarrierAlgo { groups, dissemination, star };
using BarrierRow = algo::Algorithm<BarrierAlgo, BarrierShape>;

inline constexpr BarrierRow kBarrierAlgorithms[] = {
    {BarrierAlgo::groups, "groups",
     "a host has more ranks than CPUs: groups of `crowding` ranks (each bound to one CPU) "
     "talk to their leader, the leaders run a dissemination",
     "1 when crowded, else 3", [](const BarrierShape&) { return true; },
     [](const BarrierShape& s) { return s.crowding > 1 ? 1.0 : 3.0; },
     "K, the group size, 1..N (default: the crowding)"},
    {BarrierAlgo::dissemination, "dissemination",
     "every rank has a CPU: log2(N) rounds, each rank sends to me+2^k", "2",
     [](const BarrierShape&) { return true; }, [](const BarrierShape&) { return 2.0; }},
    {BarrierAlgo::star, "star", "never automatic: everyone through rank 0 (groups:N)", "4",
     [](const BarrierShape&) { return true; }, [](const BarrierShape&) { return 4.0; }},
};

// Largest power of two <= n (the ranks of recursive doubling and Rabenseifner).
inline constexpr int power_of_two_floor(int n) {
    int p = 1;
    while (p * 2 <= n) p *= 2;
    return p;
}

struct ReduceShape {
    int n;
    std::size_t count, bytes;
    papers_type_t type;
    papers_op_t op;
};
// Floating-point SUM and PROD depend on the order of combination: only the
// rank-order algorithm gives the sequential result everywhere.
inline constexpr bool order_matters(const ReduceShape& s) {
    return (s.type == PAPERS_FLOAT || s.type == PAPERS_DOUBLE) &&
           (s.op == PAPERS_SUM || s.op == PAPERS_PROD);
}
// From here on Rabenseifner moves ~2x the vector instead of log2(N)x.
inline constexpr std::size_t kRabenseifnerBytes = 32 * 1024;

enum class ReduceAlgo { rabenseifner, recursive_doubling, rank_order };
using ReduceRow = algo::Algorithm<ReduceAlgo, ReduceShape>;

inline constexpr ReduceRow kReduceAlgorithms[] = {
    {ReduceAlgo::rabenseifner, "rabenseifner",
     "order-free ops on vectors of 32 KiB and more: reduce-scatter by halving, all-gather by "
     "doubling (needs count >= the power of two <= N)",
     "1 from 32 KiB, else 3",
     [](const ReduceShape& s) {
         return !order_matters(s) && s.count >= std::size_t(power_of_two_floor(s.n));
     },
     [](const ReduceShape& s) { return s.bytes >= kRabenseifnerBytes ? 1.0 : 3.0; }},
    {ReduceAlgo::recursive_doubling, "recursive_doubling",
     "order-free ops (integers, float MIN/MAX/logical): log2 rounds of exchange-and-combine",
     "2", [](const ReduceShape& s) { return !order_matters(s); },
     [](const ReduceShape&) { return 2.0; }},
    {ReduceAlgo::rank_order, "rank_order",
     "floating-point SUM/PROD: gather everything, combine in rank order 0..N-1", "4",
     [](const ReduceShape&) { return true; }, [](const ReduceShape&) { return 4.0; }},
};

struct PutgetShape {
    int n;
    std::size_t bytes;
};
inline constexpr std::size_t kPutgetGatherBytes = 256;
enum class PutgetAlgo { allgather, direct };
using PutgetRow = algo::Algorithm<PutgetAlgo, PutgetShape>;

inline constexpr PutgetRow kPutgetAlgorithms[] = {
    {PutgetAlgo::allgather, "allgather",
     "up to 256 bytes: all-gather the data itself (Bruck), keep the source's block",
     "1 up to 256 bytes, else 3", [](const PutgetShape&) { return true; },
     [](const PutgetShape& s) { return s.bytes <= kPutgetGatherBytes ? 1.0 : 3.0; }},
    {PutgetAlgo::direct, "direct",
     "larger: all-gather who reads whom (2 bytes each), then one direct round", "2",
     [](const PutgetShape&) { return true; }, [](const PutgetShape&) { return 2.0; }},
};

}  // namespace papers::udp
