// The start-up handshake: a dissemination (barrier_dissemination.cpp) whose
// messages carry a digest of the job configuration — a peer with another
// digest was started with another PAPERS_SIZE, PAPERS_HOSTS or
// PAPERS_ALGORITHMS — and a byte combined by max (idempotent, like OR).
#include <algorithm>
#include <string>

#include "../core/error.hpp"
#include "algorithms.hpp"

namespace papers::udp {

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
        crowding = std::max(crowding, got[8]);
        if (get_u64(got.data()) != digest)
            return set_error(PAPERS_EMEMBERSHIP,
                             "udp start-up: rank " + std::to_string(from) +
                                 " was started with another PAPERS_SIZE, PAPERS_HOSTS or "
                                 "PAPERS_ALGORITHMS than rank " + std::to_string(me) +
                                 " (every rank needs the same)");
    }
    return PAPERS_OK;
}

}  // namespace papers::udp
