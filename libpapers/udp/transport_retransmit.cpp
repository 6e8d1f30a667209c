// transport_retransmit.cpp — reliability and flow control by REQ: a
// receiver asks for what it misses (request_missing) and pulls long
// messages a window at a time (pull_windows); a sender answers from its
// outbox (answer_req). docs/udp.md, "Why it is reliable".
#include <algorithm>
#include <cstring>

#include "transport.hpp"

namespace papers::udp {

bool Transport::answered_recently(const Header& h, std::uint32_t base, Clock::time_point now) {
    // Bounded by the REQs a peer can make in one interval: the list is
    // pruned on every call.
    std::erase_if(answered_, [&](const Answered& a) { return now - a.at >= rto_min_; });
    for (const Answered& a : answered_)
        if (a.op == h.op && a.round == h.round && a.peer == h.sender && a.base == base) return true;
    answered_.push_back({h.op, base, h.sender, h.round, now});
    return false;
}

void Transport::answer_req(const Header& h, const std::uint8_t* payload) {
    const Outgoing* o = outbox_.find(h.op, h.round, h.sender);
    if (!o) return;  // not sent yet (we are behind: it goes out when we get there)
    const std::uint32_t count = o->count();
    const std::uint32_t window = window_fragments(o->stride);
    const ReqView req{get_u32(payload), get_u32(payload + 4), payload + kReqFixedBytes};
    // An honest receiver repeats a REQ only after its retransmit timeout;
    // the same REQ sooner is a replay (or a duplicate): answered once.
    if (answered_recently(h, req.base, Clock::now())) {
        ++counters_.reqs_limited;
        return;
    }
    std::uint32_t sent = 0;
    if (req.nbits == 0) {  // the peer has nothing yet: the first window again
        for (std::uint32_t f = 0; f < count && f < window; ++f, ++sent) send_fragment(*o, f);
    } else {
        for (std::uint32_t i = 0; i < req.nbits && sent < window; ++i) {
            const std::uint64_t f = std::uint64_t(req.base) + i;
            if (f >= count) break;
            if (req.wants(i)) {
                send_fragment(*o, static_cast<std::uint32_t>(f));
                ++sent;
            }
        }
    }
    counters_.fragments_resent += sent;
}

void Transport::pull_windows(std::span<const ExpectedMessage> expects) {
    for (const ExpectedMessage& e : expects) {
        Incoming* m = inbox_.find(cur_op_, e.round, e.peer);
        if (!m || m->complete() || m->pulled >= m->count) continue;
        const std::uint32_t w = window_fragments(m->stride);
        if (m->received + w / 2 < m->pulled) continue;  // more than half a window in flight
        const std::uint32_t nbits = std::min(w, m->count - m->pulled);
        send_req(e.peer, e.round, m->pulled, nbits, std::vector<std::uint8_t>(nbits, 1));
        m->pulled += nbits;
    }
}

void Transport::request_missing(std::span<const ExpectedMessage> expects) {
    for (const ExpectedMessage& e : expects) {
        Incoming* m = inbox_.find(cur_op_, e.round, e.peer);
        if (m && m->complete()) continue;
        if (!m) {  // nothing yet: ask for the first window
            send_req(e.peer, e.round, 0, 0, {});
            continue;
        }
        const std::uint32_t w = window_fragments(m->stride);
        const std::uint32_t base = m->first_missing();
        const std::uint32_t limit = std::max(m->pulled, std::min(m->count, base + 1));
        std::vector<std::uint8_t> bits;
        std::uint32_t wanted = 0;
        for (std::uint32_t f = base; f < limit && wanted < w && bits.size() < kMaxReqBits; ++f) {
            bits.push_back(m->have[f] ? 0 : 1);
            wanted += m->have[f] ? 0 : 1;
        }
        while (!bits.empty() && !bits.back()) bits.pop_back();
        send_req(e.peer, e.round, base, static_cast<std::uint32_t>(bits.size()), bits);
    }
}

void Transport::send_req(int dest, std::uint8_t round, std::uint32_t base, std::uint32_t nbits,
                         const std::vector<std::uint8_t>& bits) {
    std::uint8_t p[kReqFixedBytes + kMaxReqBits / 8];
    put_u32(p, base);
    put_u32(p + 4, nbits);
    const std::uint32_t nbytes = (nbits + 7) / 8;
    std::memset(p + kReqFixedBytes, 0, nbytes);
    for (std::uint32_t i = 0; i < nbits; ++i)
        if (bits[i]) p[kReqFixedBytes + i / 8] |= std::uint8_t(1u << (i % 8));
    ++counters_.reqs_sent;
    send_control(Kind::req, dest, cur_op_, round, p, kReqFixedBytes + nbytes);
}

}  // namespace papers::udp
