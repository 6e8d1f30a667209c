// Two-level barrier and OR-vote: ranks form groups of `group` consecutive
// ranks; round 0, members send their bits to their group's leader (its
// lowest rank); rounds 1..k, the leaders run a dissemination among
// themselves; round k+1, each leader sends the OR back to its members.
// group = 1 is a plain dissemination (no members), group >= n a star
// through rank 0 (one leader). The backend picks the group size at start-up
// (udp_algorithms.hpp): 1 when every rank has a core, else the ranks per
// core of the most crowded host.
//
// Why: on a host with more ranks than cores every wait is a context switch
// and every datagram costs ~3.5 us of kernel time in the sender (measured
// on the 2-core VM). With one group per core (the factory binds group j to
// core j), members talk only to a leader on their own core and only the
// leaders cross cores, so the cores work in parallel: for 4 ranks on 2
// cores each core sends 3 datagrams per barrier, where the star makes
// rank 0 send 3 after receiving 3, and dissemination makes each core send 4.
#include <algorithm>

#include "algorithms.hpp"

namespace papers::udp {

int two_level_or(Transport& t, std::vector<std::uint8_t>& bits, int group) {
    const int me = t.rank(), n = t.size();
    const int leader = me - me % group;
    const int leaders = (n + group - 1) / group;
    const auto release = static_cast<std::uint8_t>(1 + ceil_log2(leaders));
    if (me != leader) {
        t.post(0, leader, bits);
        if (int rc = t.wait_one(leader, release, bits.size())) return rc;
        const Bytes& got = t.received(release, leader);
        std::copy(got.begin(), got.end(), bits.begin());
        return PAPERS_OK;
    }
    const int end = std::min(n, leader + group);
    if (end > leader + 1) {
        std::vector<ExpectedMessage>& members = t.scratch_expects();  // no allocation per barrier
        members.clear();
        for (int r = leader + 1; r < end; ++r) members.push_back({r, 0, bits.size()});
        if (int rc = t.wait(members)) return rc;
        for (int r = leader + 1; r < end; ++r) or_into(bits, t.received(0, r));
    }

    if (int rc = dissemination_or(t, bits, group)) return rc;  // the leaders: rounds 1..k
    if (end > leader + 1) {
        const Payload result = bits.empty() ? nullptr : std::make_shared<const Bytes>(bits);
        for (int r = leader + 1; r < end; ++r) t.post(release, r, result, 0, bits.size());
    }
    return PAPERS_OK;
}

}  // namespace papers::udp
