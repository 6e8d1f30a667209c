// algorithms.hpp — the collective algorithms of the udp backend, one file
// each, all written as rounds over a Transport (post, then wait). Each
// runs inside one operation (Transport::begin_op .. end_op) and uses
// round numbers that are distinct within it. O(log N) rounds throughout.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "papers/papers.h"
#include "transport.hpp"
#include "udp_algorithms.hpp"

namespace papers::udp {

// ceil(log2 n): rounds of dissemination and Bruck.
int ceil_log2(int n);

// bits[i] |= got[i]: the combine of barriers and votes.
inline void or_into(std::vector<std::uint8_t>& bits, const Bytes& got) {
    for (std::size_t i = 0; i < bits.size(); ++i) bits[i] |= got[i];
}

// barrier_dissemination.cpp — round k (numbered from 1): send to me+2^k,
// receive from me-2^k, OR the bits. Among every `stride`-th rank only (the
// two-level barrier's group leaders); stride 1 is the plain barrier.
int dissemination_or(Transport& t, std::vector<std::uint8_t>& bits, int stride);
int dissemination_barrier(Transport& t);
// Who sends to whom in a dissemination barrier (for the finalize linger).
std::vector<int> dissemination_sources(int me, int n);
std::vector<int> dissemination_targets(int me, int n);

// hello_dissemination.cpp — the start-up handshake: a dissemination whose
// messages carry a digest of the job configuration (a peer with another
// digest is PAPERS_EMEMBERSHIP) and a byte combined by max (on return: the
// largest `crowding` of any rank).
int dissemination_hello(Transport& t, std::uint64_t digest, std::uint8_t& crowding);

// barrier_two_level.cpp — barrier and OR-votes for ranks that share cores:
// groups of `group` consecutive ranks; members send their bits to the
// group's leader (its lowest rank), the leaders run dissemination_or, each
// leader sends the OR back to its members. group = 1 is a dissemination,
// group >= n a star through rank 0.
int two_level_or(Transport& t, std::vector<std::uint8_t>& bits, int group);

// allgather_bruck.cpp — out[r*bytes ..] = rank r's `in`; ceil(log2 n)
// rounds numbered from `first_round`.
int bruck_allgather(Transport& t, const std::uint8_t* in, std::size_t bytes, std::uint8_t* out,
                    std::uint8_t first_round = 0);

// bcast_binomial.cpp — binomial tree from `root`, ceil(log2 n) levels.
int binomial_bcast(Transport& t, std::uint8_t* buf, std::size_t bytes, int root);

// putget_allgather.cpp — all-gather the data, keep block `src`.
int putget_allgather(Transport& t, const std::uint8_t* in, std::uint8_t* out, std::size_t bytes,
                     int src);
// putget_direct.cpp — all-gather who reads whom, then one direct round.
int putget_direct(Transport& t, const std::uint8_t* in, std::uint8_t* out, std::size_t bytes,
                  int src);

// reduce_fold.cpp — the largest power of two <= n and how the other ranks
// fold into it (MPICH's scheme for recursive doubling and Rabenseifner).
class Fold {
public:
    int p2 = 1, rem = 0;
    int newrank = -1;  // -1: this rank only folds in and waits for the result
    explicit Fold(int me, int n);
    int real(int newr) const { return newr < rem ? 2 * newr + 1 : newr + rem; }
    // Round 0: the even rank of a pair hands its vector to the odd one.
    int fold_in(Transport& t, std::uint8_t* acc, std::size_t count, papers_type_t type,
                papers_op_t op) const;
    // Round `round` (after the algorithm's): the odd rank hands the result back.
    int fold_out(Transport& t, std::uint8_t* acc, std::size_t bytes, std::uint8_t round) const;

private:
    int me_;
};

// reduce_recursive_doubling.cpp — all-reduce in place for commutative,
// associative combines (integers, float min/max/logical): log2 rounds.
int recursive_doubling_allreduce(Transport& t, std::uint8_t* acc, std::size_t count,
                                 papers_type_t type, papers_op_t op);

// reduce_rabenseifner.cpp — the same result for long vectors: reduce-scatter by
// recursive halving, all-gather by recursive doubling (2 log2 rounds, each
// rank moves about 2x the vector instead of log2(n)x). Needs count >= p2.
int rabenseifner_allreduce(Transport& t, std::uint8_t* acc, std::size_t count, papers_type_t type,
                           papers_op_t op);

// reduce_rank_order.cpp — floating-point SUM/PROD, which are not
// associative: all-gather every contribution, then every rank folds them in
// rank order 0,1,...,n-1, so results are bit-identical everywhere and equal
// to the sequential definition.
int rank_order_allreduce(Transport& t, std::uint8_t* acc, std::size_t count, papers_type_t type,
                         papers_op_t op);

}  // namespace papers::udp
