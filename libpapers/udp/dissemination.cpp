// Dissemination (Hensgen, Finkel, Manber 1988): in round k every rank
// sends to me+2^k and receives from me-2^k. After ceil(log2 n) rounds each
// rank has heard, directly or through others, from every rank — a barrier,
// and for an idempotent combine (OR, max) an all-reduce, for any n (not only
// powers of two). The barrier and the OR-votes are two_level_or's leader
// rounds; this file has the start-up handshake and who talks to whom.
#include <algorithm>
#include <string>

#include "../core/error.hpp"
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

int dissemination_barrier(Transport& t) {
    std::vector<std::uint8_t> none;
    return two_level_or(t, none, 1);  // groups of one: the plain dissemination
}

int dissemination_hello(Transport& t, std::uint64_t digest, std::uint8_t& crowding) {
    const int me = t.rank(), n = t.size();
    Bytes mine(9);
    put_u64(mine.data(), digest);
    std::uint8_t round = 0;
    for (int d = 1; d < n; d <<= 1, ++round) {
        const int from = (me - d + n) % n;
        mine[8] = crowding;
        t.post(round, (me + d) % n, mine);
        if (int rc = t.wait_one(from, round, 9)) return rc;
        const Bytes& got = t.received(round, from);
        crowding = std::max(crowding, got[8]);  // idempotent, like OR
        if (get_u64(got.data()) != digest)
            return set_error(PAPERS_EMEMBERSHIP,
                             "udp start-up: rank " + std::to_string(from) +
                                 " was started with another PAPERS_SIZE or PAPERS_HOSTS than rank " +
                                 std::to_string(me) + " (every rank needs the same list)");
    }
    return PAPERS_OK;
}

}  // namespace papers::udp
