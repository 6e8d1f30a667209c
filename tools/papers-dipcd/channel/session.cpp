#include "session.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace papers::dipc::channel {

namespace {

// KDF context and subkey ids: one subkey per direction, named by the
// sender's role. "dipc-ch1" versions the construction itself.
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "dipc-ch1";
std::uint64_t subkey_id(Role sender) { return 1 + static_cast<std::uint64_t>(sender); }

constexpr std::size_t kAbytes = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr std::size_t kMaxHandshakeCipher = kMaxHandshakePlain + kAbytes;
constexpr std::size_t kMaxFrameCipher = proto::kMaxFrame + kAbytes;
// A frame buffer bigger than this is released after use, not kept per link.
constexpr std::size_t kKeepPlain = 1u << 20;

std::uint32_t get_u32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

void put_u32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

bool printable_name(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

// The heartbeat frame body: a proto header with op heartbeat and no fields.
const std::vector<std::uint8_t>& heartbeat_body() {
    static const std::vector<std::uint8_t> b = [] {
        std::vector<std::uint8_t> v;
        proto::Encoder e(v);
        proto::Header h{proto::Op::heartbeat, 0, 0};
        e(h);
        return v;
    }();
    return b;
}

bool is_heartbeat(const std::uint8_t* p, std::size_t n) {
    constexpr auto op = static_cast<std::uint16_t>(proto::Op::heartbeat);
    return n >= 2 && p[0] == (op & 0xff) && p[1] == (op >> 8);
}

}  // namespace

void derive_stream_key(const Key& key, Role sender, std::uint8_t out[crypto_secretstream_xchacha20poly1305_KEYBYTES]) {
    static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES >= crypto_kdf_BYTES_MIN &&
                  crypto_secretstream_xchacha20poly1305_KEYBYTES <= crypto_kdf_BYTES_MAX);
    static_assert(kKeyBytes == crypto_kdf_KEYBYTES);
    crypto_kdf_derive_from_key(out, crypto_secretstream_xchacha20poly1305_KEYBYTES, subkey_id(sender), kKdfContext,
                               key.data());
}

Session::Session(const Key& key, Role role, std::string self_name, std::uint32_t version)
    : self_name_(std::move(self_name)), version_(version) {
    const Role peer = role == Role::dialer ? Role::listener : Role::dialer;
    Secret<std::array<std::uint8_t, crypto_secretstream_xchacha20poly1305_KEYBYTES>> push_key;
    derive_stream_key(key, role, push_key->data());
    crypto_secretstream_xchacha20poly1305_init_push(&secrets_->push, push_header_, push_key->data());
    // The pull state needs the peer's header; keep its subkey until then.
    derive_stream_key(key, peer, secrets_->pull_key);
    randombytes_buf(challenge_, sizeof challenge_);
    plain_.resize(1);
}

void Session::start(std::vector<std::uint8_t>& out) {
    out.insert(out.end(), push_header_, push_header_ + kStreamHeaderBytes);
    Hello h;
    h.version = version_;
    h.challenge.assign(challenge_, challenge_ + kChallengeBytes);
    h.name = self_name_;
    const std::vector<std::uint8_t> m = proto::encode_payload(h);
    seal_message(m.data(), m.size(), crypto_secretstream_xchacha20poly1305_TAG_MESSAGE, out);
}

void Session::seal_message(const std::uint8_t* m, std::size_t n, unsigned char tag,
                           std::vector<std::uint8_t>& out) {
    const std::size_t at = out.size();
    out.resize(at + 4 + n + kAbytes);
    std::uint8_t* len = out.data() + at;
    put_u32(len, static_cast<std::uint32_t>(n + kAbytes));
    crypto_secretstream_xchacha20poly1305_push(&secrets_->push, len + 4, nullptr, m, n, len, 4, tag);
}

void Session::seal(const std::uint8_t* body, std::size_t n, std::vector<std::uint8_t>& out) {
    seal_message(body, n, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE, out);
}

void Session::seal_heartbeat(std::vector<std::uint8_t>& out) {
    const auto& b = heartbeat_body();
    seal(b.data(), b.size(), out);
}

void Session::seal_final(std::vector<std::uint8_t>& out) {
    seal_message(nullptr, 0, crypto_secretstream_xchacha20poly1305_TAG_FINAL, out);
}

Session::Event Session::fail(errc e, std::string why) {
    phase_ = Phase::failed;
    error_ = e;
    error_text_ = std::move(why);
    return Event::failed;
}

Session::Event Session::next(const std::uint8_t*& p, const std::uint8_t* end, std::vector<std::uint8_t>& out) {
    for (;;) {
        if (phase_ == Phase::failed) return Event::failed;
        if (phase_ == Phase::closed) return Event::closed_by_peer;
        const std::size_t have = static_cast<std::size_t>(end - p);
        if (phase_ == Phase::await_header) {
            if (have < kStreamHeaderBytes) {
                wanted_ = kStreamHeaderBytes;
                return Event::need_more;
            }
            // Never fails: any 24 bytes are a header; a wrong one shows as
            // the first message not opening.
            crypto_secretstream_xchacha20poly1305_init_pull(&secrets_->pull, p, secrets_->pull_key);
            sodium_memzero(secrets_->pull_key, sizeof secrets_->pull_key);
            p += kStreamHeaderBytes;
            phase_ = Phase::await_hello;
            continue;
        }
        if (have < 4) {
            wanted_ = 4;
            return Event::need_more;
        }
        const std::uint32_t len = get_u32(p);
        const std::size_t bound = established() ? kMaxFrameCipher : kMaxHandshakeCipher;
        if (len < kAbytes)
            return fail(errc::protocol_error, "message length " + std::to_string(len) +
                                                  " is shorter than its authentication tag");
        if (len > bound)
            return fail(errc::protocol_error,
                        established() ? "frame of " + std::to_string(len - kAbytes) + " bytes exceeds the bound of " +
                                            std::to_string(proto::kMaxFrame) + " bytes"
                                      : "handshake message of " + std::to_string(len) + " bytes exceeds " +
                                            std::to_string(kMaxHandshakeCipher) + " bytes");
        if (have < 4 + std::size_t(len)) {
            wanted_ = 4 + std::size_t(len);
            return Event::need_more;
        }
        frame_size_ = len - kAbytes;
        if (plain_.size() > kKeepPlain && frame_size_ <= kKeepPlain) std::vector<std::uint8_t>(1).swap(plain_);
        if (plain_.size() < frame_size_) plain_.resize(frame_size_);
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(&secrets_->pull, plain_.data(), nullptr, &tag, p + 4, len, p,
                                                       4) != 0) {
            if (opened_ == 0)
                return fail(errc::authentication_failed,
                            "the peer's first message does not open with our cluster key: the peer holds "
                            "another key (or is not a papers-dipcd channel, or the message was altered)");
            return fail(errc::tampered, "message " + std::to_string(opened_ + 1) +
                                            " from the peer does not open: altered, replayed, reordered or cut "
                                            "short in flight");
        }
        p += 4 + std::size_t(len);
        ++opened_;
        switch (phase_) {
            case Phase::await_hello:
                if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
                    return fail(errc::connection_lost, "the peer closed its stream during the handshake");
                if (Event e = on_hello(out); e == Event::failed) return e;
                continue;
            case Phase::await_confirm:
                if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
                    return fail(errc::connection_lost, "the peer closed its stream during the handshake");
                return on_confirm();
            default:
                break;
        }
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
            phase_ = Phase::closed;
            return Event::closed_by_peer;
        }
        if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
            return fail(errc::protocol_error, "unexpected secretstream tag " + std::to_string(tag));
        if (is_heartbeat(plain_.data(), frame_size_)) continue;
        return Event::frame;
    }
}

Session::Event Session::on_hello(std::vector<std::uint8_t>& out) {
    proto::Decoder v(plain_.data(), frame_size_);
    std::uint32_t version = 0;
    v(version);
    if (!v.ok()) return fail(errc::protocol_error, "malformed hello: no version");
    if (version != version_)
        return fail(errc::version_mismatch, "the peer speaks protocol version " + std::to_string(version) +
                                                ", we speak " + std::to_string(version_));
    Hello h;
    const char* why = nullptr;
    if (!proto::decode_payload(plain_.data(), frame_size_, h, &why))
        return fail(errc::protocol_error, std::string("malformed hello: ") + why);
    if (h.kind != HandshakeKind::hello) return fail(errc::protocol_error, "expected a hello, got another message");
    if (h.challenge.size() != kChallengeBytes)
        return fail(errc::protocol_error, "hello challenge of " + std::to_string(h.challenge.size()) +
                                              " bytes, not " + std::to_string(kChallengeBytes));
    if (!printable_name(h.name))
        return fail(errc::protocol_error, "hello name is empty or has bytes other than printable ASCII");
    peer_name_ = std::move(h.name);
    Confirm c;
    c.version = version_;
    c.echo = std::move(h.challenge);
    const std::vector<std::uint8_t> m = proto::encode_payload(c);
    seal_message(m.data(), m.size(), crypto_secretstream_xchacha20poly1305_TAG_MESSAGE, out);
    phase_ = Phase::await_confirm;
    return Event::need_more;
}

Session::Event Session::on_confirm() {
    Confirm c;
    const char* why = nullptr;
    if (!proto::decode_payload(plain_.data(), frame_size_, c, &why))
        return fail(errc::protocol_error, std::string("malformed confirm: ") + why);
    if (c.kind != HandshakeKind::confirm || c.version != version_)
        return fail(errc::protocol_error, "expected a confirm, got another message");
    if (c.echo.size() != kChallengeBytes || sodium_memcmp(c.echo.data(), challenge_, kChallengeBytes) != 0)
        return fail(errc::stale_session,
                    "the peer did not echo this connection's challenge: a recorded session replayed?");
    phase_ = Phase::established;
    return Event::established;
}

}  // namespace papers::dipc::channel

namespace papers::dipc::channel {

namespace {
constexpr std::uint32_t kExportMagic = 0x31534450;  // "PDS1"
constexpr std::size_t kStateBytes = sizeof(crypto_secretstream_xchacha20poly1305_state);
}  // namespace

std::vector<std::uint8_t> Session::export_state() const {
    if (phase_ != Phase::established) throw std::logic_error("channel: only an established session can be handed over");
    std::vector<std::uint8_t> out(4 + 2 * kStateBytes + 8 + 4 + 1 + peer_name_.size());
    std::uint8_t* p = out.data();
    put_u32(p, kExportMagic);
    std::memcpy(p + 4, &secrets_->push, kStateBytes);
    std::memcpy(p + 4 + kStateBytes, &secrets_->pull, kStateBytes);
    std::uint8_t* q = p + 4 + 2 * kStateBytes;
    for (int i = 0; i < 8; ++i) q[i] = static_cast<std::uint8_t>(opened_ >> (8 * i));
    put_u32(q + 8, version_);
    q[12] = static_cast<std::uint8_t>(peer_name_.size());
    std::memcpy(q + 13, peer_name_.data(), peer_name_.size());
    return out;
}

Session Session::import_state(const std::uint8_t* p, std::size_t n) {
    const std::size_t fixed = 4 + 2 * kStateBytes + 8 + 4 + 1;
    if (n < fixed || get_u32(p) != kExportMagic || n != fixed + p[fixed - 1])
        throw std::invalid_argument("channel: malformed session state");
    Session s;
    std::memcpy(&s.secrets_->push, p + 4, kStateBytes);
    std::memcpy(&s.secrets_->pull, p + 4 + kStateBytes, kStateBytes);
    const std::uint8_t* q = p + 4 + 2 * kStateBytes;
    s.opened_ = 0;
    for (int i = 0; i < 8; ++i) s.opened_ |= std::uint64_t(q[i]) << (8 * i);
    s.version_ = get_u32(q + 8);
    s.peer_name_.assign(reinterpret_cast<const char*>(q + 13), q[12]);
    s.phase_ = Phase::established;
    s.wanted_ = 4;
    s.plain_.resize(1);
    return s;
}

}  // namespace papers::dipc::channel
