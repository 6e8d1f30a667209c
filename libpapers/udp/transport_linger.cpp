// transport_linger.cpp — finalize: after the final barrier a rank tells
// the peers it received from that it is done, and serves the peers it sent
// to until each says the same, bounded (docs/udp.md, "Finalize").
#include <algorithm>

#include "transport.hpp"

namespace papers::udp {

void Transport::send_done(int dest) { send_control(Kind::done, dest, final_op_, 0, nullptr, 0); }

void Transport::linger(const std::vector<int>& sources, const std::vector<int>& targets,
                       double bound_s) {
    final_done_ = true;
    progress_ = false;
    for (int s : sources) {  // twice: a lost DONE costs the peer its linger bound
        send_done(s);
        send_done(s);
    }
    const auto start = Clock::now();
    const auto deadline =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(bound_s));
    auto rto = rto_min_;
    auto next_probe = start + rto;
    for (;;) {
        drain_all();
        bool all = true;
        for (int t : targets) all = all && done_from_[t];
        if (all) break;
        const auto now = Clock::now();
        if (faults_) faults_->release_due(now);
        if (now >= deadline) break;
        if (now >= next_probe) {
            // Re-send our final message to targets that have not said DONE:
            // either they need it, or they answer DONE.
            outbox_.for_each([&](const Outgoing& o) {
                if (o.op == final_op_ && !done_from_[o.dest]) send_fragment(o, 0);
            });
            rto = std::min(rto * 2, rto_max_);
            next_probe = now + rto;
        }
        auto until = std::min(deadline, next_probe);
        if (faults_) until = std::min(until, faults_->next_due());
        block_until(until);
    }
    for (int s : sources) send_done(s);  // a last chance for a peer that missed both
    if (faults_) faults_->release_due(Clock::time_point::max());
}

}  // namespace papers::udp
