// transport_send.cpp — what leaves this rank: messages posted by the
// algorithms (kept for retransmission, first window pushed), each datagram
// sealed with its header and MAC, through the fault injector when tests
// ask for one.
#include <algorithm>
#include <cstring>

#include "transport.hpp"

namespace papers::udp {

void Transport::post(std::uint8_t round, int dest, Payload buf, std::size_t offset,
                     std::uint64_t len) {
    Outgoing o;
    o.op = cur_op_;
    o.round = round;
    o.opkind = cur_kind_;
    o.dest = static_cast<std::uint16_t>(dest);
    o.buf = std::move(buf);
    o.offset = offset;
    o.len = len;
    o.stride = stride_;
    const Outgoing& kept = outbox_.add(std::move(o));
    // Push the first window; the receiver pulls the rest (flow control).
    const std::uint32_t push = std::min(kept.count(), window_fragments(stride_));
    for (std::uint32_t f = 0; f < push; ++f) send_fragment(kept, f);
}

void Transport::post(std::uint8_t round, int dest, Bytes bytes) {
    const std::uint64_t len = bytes.size();
    Payload p = len ? std::make_shared<const Bytes>(std::move(bytes)) : nullptr;
    post(round, dest, std::move(p), 0, len);
}

void Transport::send_fragment(const Outgoing& o, std::uint32_t frag) {
    Header h;
    h.kind = Kind::data;
    h.opkind = o.opkind;
    h.round = o.round;
    h.sender = static_cast<std::uint16_t>(me_);
    h.receiver = o.dest;
    h.payload_len = fragment_length(o.len, o.stride, frag);
    h.job = self_.job;
    h.op = o.op;
    h.total = o.len;
    h.frag = frag;
    h.stride = o.stride;
    seal_and_send(h, o.fragment(frag), o.dest);
}

void Transport::send_control(Kind kind, int dest, std::uint64_t op, std::uint8_t round,
                             const std::uint8_t* payload, std::uint32_t len) {
    Header h;
    h.kind = kind;
    h.opkind = kind == Kind::done ? OpKind::final : cur_kind_;
    h.round = round;
    h.sender = static_cast<std::uint16_t>(me_);
    h.receiver = static_cast<std::uint16_t>(dest);
    h.payload_len = len;
    h.job = self_.job;
    h.op = op;
    seal_and_send(h, payload, dest);
}

// header | payload | MAC over both (wire_format.hpp, mac.hpp)
void Transport::seal_and_send(const Header& h, const std::uint8_t* payload, int dest) {
    encode_header(h, tx_.data());
    if (h.payload_len) std::memcpy(tx_.data() + kHeaderBytes, payload, h.payload_len);
    const std::size_t body = kHeaderBytes + h.payload_len;
    mac_.compute(tx_.data(), body, tx_.data() + body);
    transmit(tx_.data(), body + kMacBytes, dest);
}

void Transport::transmit(const std::uint8_t* d, std::size_t n, int dest) {
    if (faults_)
        faults_->submit(d, n, dest);
    else
        raw_send(d, n, dest);
}

void Transport::raw_send(const std::uint8_t* d, std::size_t n, int dest) {
    if (links_->send(dest, d, n))
        ++counters_.sent;
    else
        ++counters_.send_errors;  // treated like a lost datagram: the peer asks again
}

}  // namespace papers::udp
