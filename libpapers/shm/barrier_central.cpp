// barrier_central.cpp — a counter barrier for ranks that share cores. Every
// rank increments one arrival counter; the last one resets it and publishes
// the barrier epoch in a single futex word that all others sleep on, so a
// barrier costs one FUTEX_WAKE in total instead of log2(N) rounds of
// sleep/wake hand-offs (each of which needs the scheduler when ranks > cores).
#include "shm_backend.hpp"

namespace papers::shm {

int ShmBackend::barrier_central() {
    const std::uint32_t e = ++bar_epoch_;
    Header* h = seg_.header();
    // Arrival mark on my own line, read only to name late ranks on timeout.
    seg_.area(me_)->bar[0].v.store(e, std::memory_order_relaxed);
    if (h->central_arrived.fetch_add(1, std::memory_order_acq_rel) == std::uint32_t(n_ - 1)) {
        // Last to arrive. Nobody touches the counter again before seeing the
        // new epoch, which is published (release) after this reset.
        h->central_arrived.store(0, std::memory_order_relaxed);
        w_.publish(h->central_gen, e, h->central_sleepers);
        return 0;
    }
    if (int rc = w_.wait(h->central_gen, e, h->central_sleepers, kWatchNotArrived); rc)
        return barrier_failed(rc, "papers_barrier", -1, e, -1);
    return 0;
}

}  // namespace papers::shm
