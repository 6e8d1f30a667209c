// transport_dispatch.cpp — what arrives: draining sockets, and judging
// every datagram (who sent it, is it authentic, which operation) before it
// reaches the inbox, a REQ answer, or the diagnostics.
#include <new>
#include <string>

#include "papers/papers.h"
#include "transport.hpp"

namespace papers::udp {

int Transport::sender_of(const boost::asio::ip::udp::endpoint& from, const std::uint8_t* d,
                         std::size_t n) const {
    if (n >= 10) {  // fast path: the rank the header claims
        const int claimed = get_u16(d + 8);
        if (claimed < n_ && peers_[claimed].endpoint == from) return claimed;
    }
    for (int r = 0; r < n_; ++r)
        if (peers_[r].endpoint == from) return r;
    return -1;
}

int Transport::drain_socket(int peer) {
    int handled = 0;
    for (int i = 0; i < 4096; ++i) {
        boost::asio::ip::udp::endpoint from;
        std::size_t n = 0;
        const Links::Got got = peer >= 0 ? links_->recv_link(peer, rx_.data(), rx_.size(), &n, &from)
                                         : links_->recv_main(rx_.data(), rx_.size(), &n, &from);
        if (got == Links::Got::noise) continue;  // ICMP noise, not data
        if (got == Links::Got::empty) break;
        ++counters_.received;
        ++handled;
        const bool by_address = peer < 0 || got == Links::Got::stray;
        if (peer >= 0 && by_address) ++counters_.stray_on_link;
        handle(rx_.data(), n, by_address ? sender_of(from, rx_.data(), n) : peer);
        // New data of this operation: let the caller look before another
        // (probably empty) receive call; the next drain takes the rest.
        if (progress_) break;
    }
    return handled;
}

int Transport::drain_waited(std::span<const ExpectedMessage> expects) {
    int handled = 0;
    for (const ExpectedMessage& e : expects) {
        const Incoming* m = inbox_.find(cur_op_, e.round, e.peer);
        if (!m || !m->complete()) handled += drain_socket(e.peer);
        if (progress_) break;
    }
    return handled;
}

int Transport::drain_all() {
    int handled = 0;
    links_->for_each_readable([&](int peer) { handled += drain_socket(peer); });
    return handled;
}

void Transport::handle(const std::uint8_t* d, std::size_t n, int src) {
    if (src < 0 || src == me_) {
        ++counters_.unknown_source;
        return;
    }
    Header h;
    const std::uint8_t* payload = nullptr;
    switch (parse_datagram(d, n, mac_, self_, h, payload)) {
        case Verdict::ok: break;
        case Verdict::malformed: ++counters_.malformed; return;
        case Verdict::bad_mac:
            ++counters_.bad_mac;
            ++bad_mac_from_[src];
            return;
        case Verdict::wrong_job: ++counters_.wrong_job; return;
    }
    if (h.sender != src) {  // authentic, but relayed from another rank's address
        ++counters_.malformed;
        return;
    }
    last_heard_[src] = Clock::now();
    heard_[src] = true;
    switch (h.kind) {
        case Kind::data: handle_data(h, payload, src); return;
        case Kind::req:
            ++counters_.reqs_received;
            answer_req(h, payload);
            return;
        case Kind::done:
            if (h.op == final_op_) done_from_[src] = true;
            return;
        case Kind::stall: {
            const std::uint16_t w = get_u16(payload);
            stall_waits_for_[src] = w == kNoRank ? -1 : int(w);
            stall_op_[src] = h.op;
            return;
        }
    }
}

void Transport::handle_data(const Header& h, const std::uint8_t* payload, int src) {
    if (final_done_ && h.op == final_op_) {
        // The peer resends its final message: it lacks our DONE.
        ++counters_.late;
        send_done(src);
        return;
    }
    if (h.op < cur_op_) {
        ++counters_.late;
        return;
    }
    if (h.op > cur_op_ + kAheadLimit) {  // no honest peer can be this far ahead
        ++counters_.malformed;
        return;
    }
    if (in_op_ && h.op == cur_op_ && h.opkind != cur_kind_) {
        note_mismatch(src, h.opkind);
        return;
    }
    if (!inbox_.find(h.op, h.round, src) && !admit(h, src)) return;
    try {
        switch (inbox_.add(h, payload)) {
            case Inbox::Added::fresh:
                if (h.op == cur_op_) progress_ = true;
                break;
            case Inbox::Added::duplicate: ++counters_.duplicate; break;
            case Inbox::Added::inconsistent: ++counters_.malformed; break;
        }
    } catch (const std::bad_alloc&) {
        if (!pending_error_) {
            pending_error_ = PAPERS_ENOMEM;
            pending_msg_ = std::string(cur_api_) + ": udp: no memory for a " +
                           std::to_string(h.total) + "-byte message from rank " +
                           std::to_string(src);
        }
    }
}

bool Transport::admit(const Header& h, int src) {
    if (h.op == cur_op_)
        for (const ExpectedMessage& e : waiting_) {
            if (e.peer != src || e.round != h.round) continue;
            if (h.total == e.len) return true;
            if (!pending_error_) {
                pending_error_ = PAPERS_EMISMATCH;
                pending_msg_ = mismatch_text(e, h.total);
            }
            return false;
        }
    // Not expected yet (a later operation's, or ours before we wait for it):
    // held within a budget, else dropped. Nothing is lost: the sender keeps
    // the message until we finish a later operation, and our REQ fetches it
    // once we wait for it.
    const std::uint64_t held = inbox_.held_bytes();
    if (held > kUnexpectedBudget || h.total > kUnexpectedBudget - held) {
        ++counters_.deferred;
        return false;
    }
    return true;
}

}  // namespace papers::udp
