// transport_wait.cpp — the wait policy: a wait polls the links of the
// messages it misses, spins while waits stay short (long only when every
// rank has a CPU), then blocks in ppoll until a datagram, a retransmit
// timer, a gossip period or the deadline (docs/udp.md, "Waiting").
#include <sched.h>

#include <algorithm>
#include <string>

#include "../core/error.hpp"
#include "papers/papers.h"
#include "transport.hpp"

namespace papers::udp {

bool Transport::spin_more(long& polls, Clock::time_point now, Clock::time_point spin_end) {
    if (spin_polls_ >= 0) {
        if (polls <= 0) return false;
        --polls;
    } else if (now >= spin_end) {
        return false;
    }
    // More ranks than cores: let the rank we wait for have the CPU.
    if (oversubscribed_) sched_yield();
    return true;
}

void Transport::block_until(Clock::time_point t) {
    links_->wait_readable(std::chrono::duration_cast<std::chrono::nanoseconds>(t - Clock::now()));
}

int Transport::wait_one(int peer, std::uint8_t round, std::uint64_t len) {
    const ExpectedMessage e{peer, round, len};
    return wait(std::span<const ExpectedMessage>(&e, 1));
}

int Transport::wait(std::span<const ExpectedMessage> expects) {
    // Timers start at the first miss: a message that is already here costs
    // no clock reading.
    bool started = false, spun_out = false;
    Clock::time_point start{}, now{}, deadline{}, next_req{}, next_gossip{}, spin_end{};
    auto rto = rto_min_;
    long polls = spin_polls_;
    progress_ = false;
    // Mostly only the links of the messages we wait for are polled; every
    // socket (REQs from peers we do not wait for, strangers) is swept after
    // every 8th burst of 8 polls, after blocking, and at the start of every
    // 64th wait.
    bool sweep = (++waits_ & 63) == 0;
    // New messages are judged against what we wait for (admit); cleared on
    // every way out.
    waiting_ = expects;
    struct ClearWaiting {
        std::span<const ExpectedMessage>& w;
        ~ClearWaiting() { w = {}; }
    } clear_waiting{waiting_};
    unsigned bursts = 0;
    for (;;) {
        if (sweep)
            drain_all();
        else
            drain_waited(expects);
        sweep = false;
        if (pending_error_) return set_error(pending_error_, pending_msg_);
        const ExpectedMessage* missing = nullptr;
        for (const ExpectedMessage& e : expects) {
            const Incoming* m = inbox_.find(cur_op_, e.round, e.peer);
            if (!m || !m->complete()) {
                missing = &e;
                break;
            }
        }
        if (!missing) {
            last_wait_ = started ? Clock::now() - start : Clock::duration::zero();
            return check_expected(expects);
        }
        now = Clock::now();
        if (!started) {
            started = true;
            start = now;
            deadline = start + timeout_;
            next_req = start + rto;
            next_gossip = start + gossip_period_;
            // Spin long while waits stay short (fine-grained synchronisation:
            // a descheduled peer is back within a few ms, and waking from a
            // blocked wait costs tens of microseconds on a busy machine);
            // after a wait that outlasted the long spin (the peer computes),
            // spin briefly.
            const bool long_spin = !oversubscribed_ && last_wait_ < long_spin_time_;
            spin_end = start + (long_spin ? long_spin_time_ : spin_time_);
        }
        if (faults_) faults_->release_due(now);
        const bool fresh = progress_;
        if (fresh) {  // data flows: keep the retransmit timer short, pull the next window
            progress_ = false;
            rto = rto_min_;
            next_req = now + rto;
            pull_windows(expects);
        }
        if (now >= next_req) {
            request_missing(expects);
            rto = std::min(rto * 2, rto_max_);
            next_req = now + rto;
        }
        if (now >= next_gossip) {  // a long wait: tell everyone whom we wait for
            gossip_stall(missing->peer, missing->round);
            next_gossip = now + gossip_period_;
        }
        if (now >= deadline) return timeout_error(*missing, start);
        if (fresh) continue;  // more may be queued: look before yielding the CPU
        if (!spun_out && !spin_more(polls, now, spin_end)) {
            spun_out = true;
            last_wait_ = Clock::duration::max();  // it will be long: spin briefly next time
        }
        if (!spun_out) {
            // Tight polls: nothing can change until a datagram arrives, so
            // skip the bookkeeping above for a few of them.
            for (int k = 0; k < 8 && (spin_polls_ < 0 || polls > 0) && drain_waited(expects) == 0;
                 ++k) {
                if (spin_polls_ >= 0) --polls;
                if (oversubscribed_) sched_yield();
            }
            sweep = (++bursts & 7) == 0;
            continue;
        }
        auto until = std::min({next_req, next_gossip, deadline});
        if (faults_) until = std::min(until, faults_->next_due());
        block_until(until);
        sweep = true;
    }
}

std::string Transport::mismatch_text(const ExpectedMessage& e, std::uint64_t sent) const {
    return std::string(cur_api_) + ": rank " + std::to_string(e.peer) + " sent " +
           std::to_string(sent) + " bytes in round " + std::to_string(e.round) + " of a udp " +
           opkind_name(cur_kind_) + " (operation #" + std::to_string(cur_op_) +
           ") where this rank expected " + std::to_string(e.len) +
           ": the ranks passed different sizes, counts or roots";
}

int Transport::check_expected(std::span<const ExpectedMessage> expects) {
    for (const ExpectedMessage& e : expects) {
        const Incoming* m = inbox_.find(cur_op_, e.round, e.peer);
        if (m->total != e.len) return set_error(PAPERS_EMISMATCH, mismatch_text(e, m->total));
    }
    return PAPERS_OK;
}

}  // namespace papers::udp
