// Rabenseifner's all-reduce for long vectors (Rabenseifner 2004; Thakur,
// Rabenseifner, Gropp 2005). After the same fold-in as recursive doubling,
// the p2 ranks split the vector into p2 blocks and
//   reduce-scatter by recursive halving: in the step with distance m a rank
//     keeps half of its current block range, sends the other half to
//     newrank ^ m and combines the half it receives; after log2(p2) steps
//     rank newrank owns block newrank, fully reduced;
//   all-gather by recursive doubling: the ranges double back.
// Then the result is folded out. Same commutative-combine restriction as
// recursive doubling; rounds 1..2*log2(p2), fold-out after them.
#include <cstring>

#include "../core/typeops.hpp"
#include "algorithms.hpp"

namespace papers::udp {

int rabenseifner_allreduce(Transport& t, std::uint8_t* acc, std::size_t count, papers_type_t type,
                           papers_op_t op) {
    const int me = t.rank(), n = t.size();
    const std::size_t es = type_size(type);
    const std::size_t bytes = count * es;
    const Fold f(me, n);
    const int levels = ceil_log2(f.p2);
    const auto last = static_cast<std::uint8_t>(2 * levels + 1);
    // First element of block b (blocks are as equal as integers allow).
    auto start = [&](int b) { return std::size_t(std::uint64_t(count) * std::uint64_t(b) / std::uint64_t(f.p2)); };

    if (int rc = f.fold_in(t, acc, count, type, op)) return rc;
    if (f.newrank >= 0) {
        std::uint8_t round = 1;
        int lo = 0, hi = f.p2;  // my block range
        for (int mask = f.p2 / 2; mask >= 1; mask >>= 1, ++round) {
            const int partner = f.real(f.newrank ^ mask);
            const int mid = lo + mask;
            const bool lower = (f.newrank & mask) == 0;
            const int keep_lo = lower ? lo : mid, keep_hi = lower ? mid : hi;
            const int send_lo = lower ? mid : lo, send_hi = lower ? hi : mid;
            const std::size_t s0 = start(send_lo), s1 = start(send_hi);
            const std::size_t k0 = start(keep_lo), k1 = start(keep_hi);
            t.post(round, partner, Bytes(acc + s0 * es, acc + s1 * es));
            if (int rc = t.wait_one(partner, round, (k1 - k0) * es)) return rc;
            combine(acc + k0 * es, t.received(round, partner).data(), k1 - k0, type, op);
            lo = keep_lo;
            hi = keep_hi;
        }
        for (int mask = 1; mask < f.p2; mask <<= 1, ++round) {
            const int partner = f.real(f.newrank ^ mask);
            const bool lower = (f.newrank & mask) == 0;
            const int other_lo = lower ? hi : lo - mask, other_hi = lower ? hi + mask : lo;
            const std::size_t m0 = start(lo), m1 = start(hi);
            const std::size_t o0 = start(other_lo), o1 = start(other_hi);
            t.post(round, partner, Bytes(acc + m0 * es, acc + m1 * es));
            if (int rc = t.wait_one(partner, round, (o1 - o0) * es)) return rc;
            std::memcpy(acc + o0 * es, t.received(round, partner).data(), (o1 - o0) * es);
            lo = lower ? lo : other_lo;
            hi = lower ? other_hi : hi;
        }
    }
    return f.fold_out(t, acc, bytes, last);
}

}  // namespace papers::udp
