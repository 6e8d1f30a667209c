// barrier_dissemination.cpp — the dissemination barrier (Hensgen, Finkel &
// Manber 1988): in round k every rank signals rank (me + 2^k) mod N and waits
// for rank (me - 2^k) mod N; after ceil(log2 N) rounds everyone has heard,
// directly or not, from everyone. Each (rank, round) flag is its own cache
// line written only by its owner, and holds the barrier epoch, so nothing is
// ever reset: a partner that is already one barrier ahead shows a larger
// epoch, which satisfies the wait just as well. With 2 ranks it is one
// store and one poll per rank.
#include "shm_backend.hpp"

namespace papers::shm {

int ShmBackend::barrier_dissemination() {
    const std::uint32_t e = ++bar_epoch_;
    const Round* r = rounds_v_.data();
    for (int k = 0; k < rounds_; ++k, ++r) {
        w_.publish(*r->mine, e, *my_sleepers_);
        if (int rc = w_.wait(*r->from, e, *r->from_sleepers, r->from_rank); rc) [[unlikely]]
            return barrier_failed(rc, "papers_barrier", k, e, r->from_rank);
    }
    return 0;
}

}  // namespace papers::shm
