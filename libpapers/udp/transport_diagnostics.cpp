// transport_diagnostics.cpp — what a rank says when something goes wrong:
// timeouts that name the silent peer and what was heard from everyone
// (STALL gossip tells peers whom a long wait is for), and the counters of
// PAPERS_UDP_REPORT.
#include <iomanip>
#include <sstream>
#include <string>

#include "../core/error.hpp"
#include "papers/papers.h"
#include "transport.hpp"

namespace papers::udp {

namespace {

double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

std::string fmt_s(double s) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(s < 10 ? 2 : 1) << s << " s";
    return o.str();
}

}  // namespace

void Transport::gossip_stall(int waiting_for, std::uint8_t round) {
    std::uint8_t p[kStallBytes] = {};
    put_u16(p, waiting_for < 0 ? kNoRank : std::uint16_t(waiting_for));
    p[2] = round;
    for (int r = 0; r < n_; ++r)
        if (r != me_) send_control(Kind::stall, r, cur_op_, round, p, kStallBytes);
}

std::string Transport::peer_name(int r) const {
    return "rank " + std::to_string(r) + " (" + peers_[r].label + ")";
}

std::string Transport::silence_of(int r, Clock::time_point now) const {
    if (!heard_[r]) return "nothing heard from it since start-up";
    std::string s = "last heard from it " + fmt_s(seconds(now - last_heard_[r])) + " ago";
    if (stall_waits_for_[r] >= 0)
        s += ", when it was itself waiting for rank " + std::to_string(stall_waits_for_[r]);
    return s;
}

int Transport::timeout_error(const ExpectedMessage& e, Clock::time_point started) {
    const auto now = Clock::now();
    std::ostringstream m;
    m << cur_api_ << ": udp " << opkind_name(cur_kind_) << " (operation #" << cur_op_ << ", round "
      << int(e.round) << ") timed out after " << fmt_s(seconds(now - started))
      << " waiting for " << peer_name(e.peer);
    if (const Incoming* part = inbox_.find(cur_op_, e.round, e.peer))
        m << " (" << part->received << " of " << part->count << " fragments arrived)";
    m << "; " << silence_of(e.peer, now);
    if (bad_mac_from_[e.peer])
        m << "; " << bad_mac_from_[e.peer]
          << " datagram(s) from its address failed the MAC check (a different PAPERS_KEY?)";
    if (counters_.wrong_job)
        m << "; " << counters_.wrong_job
          << " authentic datagram(s) carried another job id (PAPERS_JOB differs between ranks?)";
    // Live ranks that wait gossip every gossip period; a rank not heard for
    // three periods is silent: dead, stopped, or no longer calling papers.
    std::string silent;
    for (int r = 0; r < n_; ++r) {
        if (r == me_) continue;
        if (heard_[r] && now - last_heard_[r] < 3 * gossip_period_) continue;
        silent += (silent.empty() ? "" : ", ") + peer_name(r) + " " +
                  (heard_[r] ? "silent for " + fmt_s(seconds(now - last_heard_[r]))
                             : std::string("never heard from"));
    }
    if (!silent.empty())
        m << "; silent peer(s), dead or stopped: " << silent;
    else
        m << "; every peer is alive and waiting (mismatched collective calls?)";
    return set_error(PAPERS_ETIMEDOUT, m.str());
}

std::string Transport::report() const {
    std::ostringstream o;
    const Counters& c = counters_;
    o << "sent=" << c.sent << " received=" << c.received << " send_errors=" << c.send_errors
      << " unknown_source=" << c.unknown_source << " malformed=" << c.malformed
      << " bad_mac=" << c.bad_mac << " wrong_job=" << c.wrong_job << " late=" << c.late
      << " duplicate=" << c.duplicate << " reqs_sent=" << c.reqs_sent
      << " reqs_received=" << c.reqs_received << " resent=" << c.fragments_resent
      << " reqs_limited=" << c.reqs_limited << " deferred=" << c.deferred
      << " stray_on_link=" << c.stray_on_link;
    if (faults_) {
        const FaultCounters& f = faults_->counters();
        o << " injected_drop=" << f.dropped << " injected_dup=" << f.duplicated
          << " injected_delay=" << f.delayed << " injected_reorder=" << f.reordered;
    }
    return o.str();
}

}  // namespace papers::udp
