// channel_handshake_fuzz — libFuzzer target for what reads network bytes
// before a peer is authenticated: a listener Session's parser (stream
// header, length prefixes, bounds) and its handshake decoding.
//   mode 0: the input is the byte stream a stranger sends, fed in two
//           pieces split where the input says (nearly always: the first
//           message does not open — the fuzzer cannot forge a tag);
//   mode 1: the input is a list of plaintexts ([u16 length][bytes]...) that
//           we seal with the genuine dialer subkey, so Hello and Confirm
//           decoding see arbitrary authentic-looking input.
// Invariants: nothing is read out of bounds (ASan/UBSan), no frame is ever
// delivered before the handshake, and the handshake never completes (the
// listener's challenge is random: an input cannot echo it).
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "channel/session.hpp"

using namespace papers::dipc::channel;
using Bytes = std::vector<std::uint8_t>;

namespace {

const Key& fuzz_key() {
    static const Key k = [] {
        std::uint8_t b[32];
        for (int i = 0; i < 32; ++i) b[i] = std::uint8_t(i * 3);
        return Key::from_bytes(b, 32);
    }();
    return k;
}

// Feeds `in` to the listener the way Link does (keeping what is not yet
// consumed); aborts on a broken invariant.
void feed(Session& l, Bytes& pending, const std::uint8_t* data, std::size_t n) {
    pending.insert(pending.end(), data, data + n);
    Bytes out;
    const std::uint8_t* p = pending.data();
    for (;;) {
        const Session::Event e = l.next(p, pending.data() + pending.size(), out);
        if (e == Session::Event::established || e == Session::Event::frame ||
            e == Session::Event::closed_by_peer)
            std::abort();
        if (e == Session::Event::need_more) {
            if (l.bytes_wanted() == 0) std::abort();
            break;
        }
        if (e == Session::Event::failed) break;
    }
    pending.erase(pending.begin(), pending.begin() + (p - pending.data()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t mode = data[0] & 1, split = data[1];
    data += 2;
    size -= 2;
    Session l(fuzz_key(), Role::listener, "fuzz");
    Bytes hello, pending;
    l.start(hello);
    if (mode == 0) {
        const std::size_t cut = size ? split % (size + 1) : 0;
        feed(l, pending, data, cut);
        feed(l, pending, data + cut, size - cut);
        return 0;
    }
    // mode 1: seal each plaintext with the dialer's real stream.
    std::uint8_t k[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    derive_stream_key(fuzz_key(), Role::dialer, k);
    crypto_secretstream_xchacha20poly1305_state st;
    Bytes wire(kStreamHeaderBytes);
    crypto_secretstream_xchacha20poly1305_init_push(&st, wire.data(), k);
    std::size_t i = 0;
    while (i + 2 <= size) {
        std::size_t n = std::size_t(data[i]) | std::size_t(data[i + 1] & 0x7f) << 8;
        const unsigned char tag = (data[i + 1] & 0x80) ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                                       : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
        i += 2;
        if (n > size - i) n = size - i;
        const std::size_t at = wire.size();
        wire.resize(at + 4 + n + crypto_secretstream_xchacha20poly1305_ABYTES);
        const std::uint32_t len = std::uint32_t(n + crypto_secretstream_xchacha20poly1305_ABYTES);
        for (int b = 0; b < 4; ++b) wire[at + b] = std::uint8_t(len >> (8 * b));
        crypto_secretstream_xchacha20poly1305_push(&st, wire.data() + at + 4, nullptr, data + i, n, wire.data() + at,
                                                   4, tag);
        i += n;
    }
    feed(l, pending, wire.data(), wire.size());
    return 0;
}
