// wire_format.hpp — the datagram of the udp backend and its parser.
//
// Every datagram is a fixed 48-byte header, a payload and a 16-byte MAC
// (SipHash-2-4 with a 128-bit tag over header + payload, keyed with a
// subkey derived from the job key; see mac.hpp). All integers are
// little-endian. docs/udp.md has the table; the layout is:
//
//   0  u32 magic "PUDP"        24 u64 op sequence number
//   4  u8  version (1)         32 u64 total message length (data)
//   5  u8  kind                40 u32 fragment index (data)
//   6  u8  operation kind      44 u32 fragment stride (data)
//   7  u8  round               48 payload (payload_len bytes)
//   8  u16 sender rank         .. 16-byte MAC
//  10  u16 receiver rank
//  12  u32 payload length
//  16  u64 job id hash
//
// parse_datagram() is the only code that looks at bytes from the network;
// it checks every field before anything uses it, and is the libFuzzer
// target (tests/udp/datagram_fuzz.cpp).
#pragma once
#include <cstddef>
#include <cstdint>

namespace papers::udp {

class Mac;

enum class Kind : std::uint8_t {
    data = 1,   // a fragment of one round's message
    req = 2,    // "send me these fragments of (op, round)": the only retransmit trigger
    done = 3,   // finalize: "I finished the final barrier" (ends the peer's linger)
    stall = 4,  // "I have waited long for rank X" (diagnostics of a timeout)
};

// Which collective a message belongs to; a peer in another collective at
// the same sequence number is a mismatched call (PAPERS_EMISMATCH).
enum class OpKind : std::uint8_t {
    hello = 1, barrier, vote, bcast, gather, putget, reduce, sync, final,
};
constexpr std::uint8_t kLastOpKind = static_cast<std::uint8_t>(OpKind::final);
const char* opkind_name(OpKind k);

constexpr std::uint32_t kMagic = 0x50445550;  // bytes 'P','U','D','P'
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 48;
constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kOverhead = kHeaderBytes + kMacBytes;
constexpr std::size_t kMaxDatagram = 65507;  // largest UDP payload over IPv4
constexpr std::size_t kMinDatagram = 128;    // smallest PAPERS_UDP_MTU we accept
// A message may not claim more than this (a sanity bound, 64 GiB).
constexpr std::uint64_t kMaxMessageBytes = std::uint64_t(1) << 36;
// The sender pushes this many bytes of a message unasked; the receiver pulls
// the rest window by window (REQ). Both sides derive the window from it.
constexpr std::size_t kWindowBytes = 256 * 1024;
constexpr std::uint16_t kNoRank = 0xFFFF;
// Bytes a receiver holds for messages it does not wait for yet (sent by a
// peer that runs ahead): beyond it their fragments are dropped and fetched
// by REQ later, so a forged length cannot make a rank allocate memory.
constexpr std::uint64_t kUnexpectedBudget = std::uint64_t(64) << 20;

struct Header {
    Kind kind = Kind::data;
    OpKind opkind = OpKind::barrier;
    std::uint8_t round = 0;
    std::uint16_t sender = 0;
    std::uint16_t receiver = 0;
    std::uint32_t payload_len = 0;
    std::uint64_t job = 0;
    std::uint64_t op = 0;
    std::uint64_t total = 0;   // data: whole message length
    std::uint32_t frag = 0;    // data: fragment index
    std::uint32_t stride = 0;  // data: bytes per fragment (the last may be shorter)
};

// Fragments of a message of `total` bytes cut into `stride`-byte pieces
// (an empty message is one empty fragment).
std::uint64_t fragment_count(std::uint64_t total, std::uint32_t stride);
// Length of fragment `frag` of such a message.
std::uint32_t fragment_length(std::uint64_t total, std::uint32_t stride, std::uint32_t frag);
// Fragments the sender pushes unasked (and the receiver pulls at a time).
std::uint32_t window_fragments(std::uint32_t stride);

// Writes the header into out[0..48).
void encode_header(const Header& h, std::uint8_t* out);

// A REQ payload: fragments base, base+1, ... whose bit is set in the bitmap
// (bit i of byte i/8 = fragment base+i). nbits == 0 asks for the initial
// window again (the receiver has not seen any fragment yet).
struct ReqView {
    std::uint32_t base = 0;
    std::uint32_t nbits = 0;
    const std::uint8_t* bitmap = nullptr;
    bool wants(std::uint32_t i) const { return bitmap[i / 8] & (1u << (i % 8)); }
};
constexpr std::size_t kReqFixedBytes = 8;
constexpr std::uint32_t kMaxReqBits = 8 * 1024;

// A STALL payload: the rank the sender waits for (or kNoRank), the round.
constexpr std::size_t kStallBytes = 4;

enum class Verdict {
    ok,
    malformed,  // too short/long, bad magic/version, fields out of range
    bad_mac,    // authentication failed (wrong key, corrupted, forged)
    wrong_job,  // authentic but for another job sharing the key
};

// Who this rank is: what every field of a datagram for it must match.
struct ReceiverIdentity {
    std::uint64_t job = 0;
    int size = 1;  // ranks in the job
    int me = 0;    // the receiver
};

// Checks a received datagram: structure, then MAC, then every field against
// `self`. On ok fills `h` and points `payload` at the payload inside `d`.
Verdict parse_datagram(const std::uint8_t* d, std::size_t n, const Mac& mac,
                       const ReceiverIdentity& self, Header& h, const std::uint8_t*& payload);

// The header checks alone (after the MAC); exposed for the fuzzer, which
// cannot forge MACs and so reaches the field checks through this.
Verdict check_fields(const Header& h, const std::uint8_t* payload, const ReceiverIdentity& self);
// Reads the 48 header bytes without judging them.
Header decode_header(const std::uint8_t* d);

// Little-endian helpers shared by the payload encoders.
inline void put_u16(std::uint8_t* p, std::uint16_t v) {
    p[0] = std::uint8_t(v);
    p[1] = std::uint8_t(v >> 8);
}
inline void put_u32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = std::uint8_t(v >> (8 * i));
}
inline void put_u64(std::uint8_t* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = std::uint8_t(v >> (8 * i));
}
inline std::uint16_t get_u16(const std::uint8_t* p) { return std::uint16_t(p[0] | (p[1] << 8)); }
inline std::uint32_t get_u32(const std::uint8_t* p) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
inline std::uint64_t get_u64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

}  // namespace papers::udp
