// datagram_fuzz — libFuzzer target for the only code that reads network
// bytes: parse_datagram() and the reassembly store behind it.
//   1. The input as a datagram, as it would arrive (nearly always bad_mac or
//      malformed: the fuzzer cannot forge a MAC).
//   2. The input as header + payload that we authenticate ourselves, so the
//      field checks and the Inbox see arbitrary authentic-looking input.
// Invariants: an accepted data fragment lies inside its message; the store
// never reads or writes out of bounds (ASan/UBSan watch).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "udp/mac.hpp"
#include "udp/message_store.hpp"
#include "udp/wire_format.hpp"

using namespace papers::udp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Mac mac([] {
        Key k;
        for (std::size_t i = 0; i < k.size(); ++i) k[i] = std::uint8_t(i);
        return k;
    }());
    static Inbox inbox;
    const ReceiverIdentity ex{0x1234, 8, 3};
    Header h;
    const std::uint8_t* payload = nullptr;
    (void)parse_datagram(data, size, mac, ex, h, payload);

    if (size < kHeaderBytes || size > kMaxDatagram - kMacBytes) return 0;
    std::vector<std::uint8_t> d(data, data + size);
    d.resize(size + kMacBytes);
    put_u32(d.data(), kMagic);
    d[4] = kVersion;
    put_u32(d.data() + 12, std::uint32_t(size - kHeaderBytes));
    put_u64(d.data() + 16, ex.job);
    mac.compute(d.data(), size, d.data() + size);
    if (parse_datagram(d.data(), d.size(), mac, ex, h, payload) != Verdict::ok) return 0;
    if (payload < d.data() || payload + h.payload_len > d.data() + d.size()) std::abort();
    if (h.kind == Kind::data) {
        if (std::uint64_t(h.frag) * h.stride + h.payload_len > h.total) std::abort();
        if (h.total > (1u << 20)) return 0;  // a real peer may send this much; the fuzzer's RAM may not
        (void)inbox.add(h, payload);
        if (inbox.size() > 64) inbox.erase_through(~std::uint64_t(0));
    }
    return 0;
}
