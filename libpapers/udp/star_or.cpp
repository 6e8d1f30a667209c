// Star (central) barrier and OR-vote: round 0, every rank sends its bits to
// rank 0; round 1, rank 0 sends the OR of all of them back. 2(n-1)
// messages, and each rank other than 0 waits once. Used instead of
// dissemination when some host runs more ranks than it has cores (measured
// on 2 cores, 4 ranks: ~19 us against ~25 us for dissemination, both
// yield-spinning): with too few cores every wait is a context switch, and
// this shape has the fewest. Only for small n (rank 0 serialises n-1 sends).
#include "algorithms.hpp"

namespace papers::udp {

int star_or(Transport& t, std::vector<std::uint8_t>& bits) {
    const int me = t.rank(), n = t.size();
    if (me != 0) {
        t.post(0, 0, bits);
        if (int rc = t.wait_one(0, 1, bits.size())) return rc;
        const Bytes& got = t.received(1, 0);
        for (std::size_t i = 0; i < bits.size(); ++i) bits[i] = got[i];
        return PAPERS_OK;
    }
    thread_local std::vector<Expect> all;  // no allocation per barrier
    all.clear();
    for (int r = 1; r < n; ++r) all.push_back({r, 0, bits.size()});
    if (int rc = t.wait(all)) return rc;
    for (int r = 1; r < n; ++r) {
        const Bytes& got = t.received(0, r);
        for (std::size_t i = 0; i < bits.size(); ++i) bits[i] |= got[i];
    }
    const Payload result = bits.empty() ? nullptr : std::make_shared<const Bytes>(bits);
    for (int r = 1; r < n; ++r) t.post(1, r, result, 0, bits.size());
    return PAPERS_OK;
}

}  // namespace papers::udp
