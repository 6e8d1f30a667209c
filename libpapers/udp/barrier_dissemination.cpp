// Dissemination (Hensgen, Finkel, Manber 1988): in round k every rank
// sends to me+2^k and receives from me-2^k. After ceil(log2 n) rounds each
// rank has heard, directly or through others, from every rank — a barrier,
// and for an idempotent combine (OR, max) an all-reduce, for any n (not only
// powers of two). The two-level barrier runs it among its group leaders.
#include "algorithms.hpp"

namespace papers::udp {

int ceil_log2(int n) {
    int k = 0;
    while ((1 << k) < n) ++k;
    return k;
}

std::vector<int> dissemination_targets(int me, int n) {
    std::vector<int> out;
    for (int d = 1; d < n; d <<= 1) out.push_back((me + d) % n);
    return out;
}

std::vector<int> dissemination_sources(int me, int n) {
    std::vector<int> out;
    for (int d = 1; d < n; d <<= 1) out.push_back((me - d % n + n) % n);
    return out;
}

int dissemination_or(Transport& t, std::vector<std::uint8_t>& bits, int stride) {
    const int me = t.rank() / stride;
    const int n = (t.size() + stride - 1) / stride;
    std::uint8_t round = 1;
    for (int d = 1; d < n; d <<= 1, ++round) {
        const int to = (me + d) % n * stride, from = (me - d + n) % n * stride;
        t.post(round, to, bits);
        if (int rc = t.wait_one(from, round, bits.size())) return rc;
        or_into(bits, t.received(round, from));
    }
    return PAPERS_OK;
}

int dissemination_barrier(Transport& t) {
    std::vector<std::uint8_t> none;
    return dissemination_or(t, none, 1);
}

}  // namespace papers::udp
