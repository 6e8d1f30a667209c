#include "wire_format.hpp"

#include "mac.hpp"

namespace papers::udp {

const char* opkind_name(OpKind k) {
    switch (k) {
        case OpKind::hello: return "start-up handshake";
        case OpKind::barrier: return "barrier";
        case OpKind::vote: return "vote";
        case OpKind::bcast: return "bcast";
        case OpKind::gather: return "gather";
        case OpKind::putget: return "putget";
        case OpKind::reduce: return "reduce";
        case OpKind::sync: return "flow-control barrier";
        case OpKind::final: return "finalize barrier";
    }
    return "?";
}

std::uint64_t fragment_count(std::uint64_t total, std::uint32_t stride) {
    if (total == 0) return 1;
    if (stride == 0) return 0;
    return (total + stride - 1) / stride;
}

std::uint32_t fragment_length(std::uint64_t total, std::uint32_t stride, std::uint32_t frag) {
    const std::uint64_t start = std::uint64_t(frag) * stride;
    if (start >= total) return 0;
    const std::uint64_t left = total - start;
    return left < stride ? std::uint32_t(left) : stride;
}

std::uint32_t window_fragments(std::uint32_t stride) {
    if (stride == 0) return 1;
    const std::size_t w = kWindowBytes / stride;
    return w < 2 ? 2 : std::uint32_t(w);
}

void encode_header(const Header& h, std::uint8_t* out) {
    put_u32(out + 0, kMagic);
    out[4] = kVersion;
    out[5] = static_cast<std::uint8_t>(h.kind);
    out[6] = static_cast<std::uint8_t>(h.opkind);
    out[7] = h.round;
    put_u16(out + 8, h.sender);
    put_u16(out + 10, h.receiver);
    put_u32(out + 12, h.payload_len);
    put_u64(out + 16, h.job);
    put_u64(out + 24, h.op);
    put_u64(out + 32, h.total);
    put_u32(out + 40, h.frag);
    put_u32(out + 44, h.stride);
}

Header decode_header(const std::uint8_t* d) {
    Header h;
    h.kind = static_cast<Kind>(d[5]);
    h.opkind = static_cast<OpKind>(d[6]);
    h.round = d[7];
    h.sender = get_u16(d + 8);
    h.receiver = get_u16(d + 10);
    h.payload_len = get_u32(d + 12);
    h.job = get_u64(d + 16);
    h.op = get_u64(d + 24);
    h.total = get_u64(d + 32);
    h.frag = get_u32(d + 40);
    h.stride = get_u32(d + 44);
    return h;
}

Verdict check_fields(const Header& h, const std::uint8_t* payload, const ReceiverIdentity& self) {
    if (h.job != self.job) return Verdict::wrong_job;
    if (h.sender >= self.size || h.receiver != self.me || h.sender == self.me) return Verdict::malformed;
    if (h.payload_len > kMaxDatagram - kOverhead) return Verdict::malformed;
    const auto opk = static_cast<std::uint8_t>(h.opkind);
    if (opk < 1 || opk > kLastOpKind) return Verdict::malformed;
    switch (h.kind) {
        case Kind::data: {
            if (h.total > kMaxMessageBytes) return Verdict::malformed;
            if (h.total > 0 && (h.stride == 0 || h.stride > kMaxDatagram - kOverhead))
                return Verdict::malformed;
            const std::uint64_t count = fragment_count(h.total, h.stride);
            if (count > 0xFFFFFFFFull || h.frag >= count) return Verdict::malformed;
            if (h.payload_len != fragment_length(h.total, h.stride, h.frag)) return Verdict::malformed;
            return Verdict::ok;
        }
        case Kind::req: {
            if (h.total != 0 || h.frag != 0 || h.stride != 0) return Verdict::malformed;
            if (h.payload_len < kReqFixedBytes) return Verdict::malformed;
            const std::uint32_t nbits = get_u32(payload + 4);
            if (nbits > kMaxReqBits) return Verdict::malformed;
            if (h.payload_len != kReqFixedBytes + (nbits + 7) / 8) return Verdict::malformed;
            return Verdict::ok;
        }
        case Kind::done:
            if (h.total != 0 || h.frag != 0 || h.stride != 0 || h.payload_len != 0)
                return Verdict::malformed;
            return Verdict::ok;
        case Kind::stall: {
            if (h.total != 0 || h.frag != 0 || h.stride != 0 || h.payload_len != kStallBytes)
                return Verdict::malformed;
            const std::uint16_t waits_for = get_u16(payload);
            if (waits_for != kNoRank && waits_for >= self.size) return Verdict::malformed;
            return Verdict::ok;
        }
    }
    return Verdict::malformed;  // unknown kind
}

Verdict parse_datagram(const std::uint8_t* d, std::size_t n, const Mac& mac,
                       const ReceiverIdentity& self, Header& h, const std::uint8_t*& payload) {
    // Structure first: cheap, and it bounds every later read.
    if (n < kOverhead || n > kMaxDatagram) return Verdict::malformed;
    if (get_u32(d) != kMagic || d[4] != kVersion) return Verdict::malformed;
    const std::uint32_t plen = get_u32(d + 12);
    if (plen != n - kOverhead) return Verdict::malformed;
    if (!mac.verify(d, kHeaderBytes + plen, d + kHeaderBytes + plen)) return Verdict::bad_mac;
    h = decode_header(d);
    payload = d + kHeaderBytes;
    return check_fields(h, payload, self);
}

}  // namespace papers::udp
