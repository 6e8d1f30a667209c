// session.hpp — the channel protocol of one connection, without any I/O.
//
// Byte stream, each direction: the 24-byte secretstream header, then
// messages, each `u32 length` (little-endian, of the ciphertext) followed by
// crypto_secretstream_xchacha20poly1305 ciphertext whose additional data is
// those 4 length bytes. The first two messages are the handshake
// (handshake.hpp); after it every message is one frame body, and a message
// with TAG_FINAL says the sender closed on purpose. Each direction has its
// own subkey (crypto_kdf_derive_from_key of the cluster key, id by the
// sender's role), so one side's stream can never be reflected to it.
//
// Link (link.hpp) moves the bytes; the fuzzer and tests drive this class
// directly.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <sodium.h>

#include "errors.hpp"
#include "handshake.hpp"
#include "key.hpp"
#include "secret.hpp"

namespace papers::dipc::channel {

enum class Role : std::uint8_t { dialer = 0, listener = 1 };

constexpr std::size_t kStreamHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr std::size_t kSealOverhead = 4 + crypto_secretstream_xchacha20poly1305_ABYTES;

// The subkey of the stream `sender` seals (crypto_kdf_derive_from_key of
// the cluster key, context "dipc-ch1", subkey id 1 + sender's role).
void derive_stream_key(const Key& key, Role sender,
                       std::uint8_t out[crypto_secretstream_xchacha20poly1305_KEYBYTES]);

class Session {
public:
    enum class Event {
        need_more,       // feed more bytes (bytes_wanted() says how many from the current point)
        established,     // handshake complete: peer_name() is known, frames may flow
        frame,           // frame() holds one decrypted frame body
        closed_by_peer,  // the peer's final message
        failed,          // error() / error_text(); nothing more will be accepted
    };

    // `version` other than kProtocolVersion only for tests.
    Session(const Key& key, Role role, std::string self_name,
            std::uint32_t version = proto::kProtocolVersion);

    // Appends our stream header and Hello to `out`: send these first.
    void start(std::vector<std::uint8_t>& out);

    // Consumes at most one message from [p, end), advancing p. A handshake
    // answer, if due, is appended to `out`. Heartbeat frames are consumed
    // silently. Never reads past `end`, never consumes a partial message.
    Event next(const std::uint8_t*& p, const std::uint8_t* end, std::vector<std::uint8_t>& out);

    // After need_more: bytes needed from the current point to make progress.
    std::size_t bytes_wanted() const { return wanted_; }

    // After Event::frame, valid until the next call of next().
    const std::uint8_t* frame_data() const { return plain_.data(); }
    std::size_t frame_size() const { return frame_size_; }

    // Once established: seal one frame body (at most proto::kMaxFrame), a
    // heartbeat, or the final message, appending the wire bytes to `out`.
    void seal(const std::uint8_t* body, std::size_t n, std::vector<std::uint8_t>& out);
    void seal_heartbeat(std::vector<std::uint8_t>& out);
    void seal_final(std::vector<std::uint8_t>& out);

    bool established() const { return phase_ == Phase::established; }

    // An established session handed to another process (a DIPC client's
    // direct link, docs/dipc-design.md decision 13): both streams' states
    // (the stream keys inside them), the peer's name and the message count.
    // The bytes are as secret as the keys: pass them over a Unix socket only.
    std::vector<std::uint8_t> export_state() const;
    // Takes one over; throws std::invalid_argument for malformed bytes.
    static Session import_state(const std::uint8_t* p, std::size_t n);
    Session(Session&&) = default;
    const std::string& peer_name() const { return peer_name_; }
    errc error() const { return error_; }
    const std::string& error_text() const { return error_text_; }

private:
    Session() = default;  // import_state's
    enum class Phase { await_header, await_hello, await_confirm, established, closed, failed };
    struct States {
        crypto_secretstream_xchacha20poly1305_state push, pull;
        std::uint8_t pull_key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    };

    void seal_message(const std::uint8_t* m, std::size_t n, unsigned char tag, std::vector<std::uint8_t>& out);
    Event fail(errc e, std::string why);
    Event on_hello(std::vector<std::uint8_t>& out);
    Event on_confirm();

    Secret<States> secrets_;
    std::string self_name_;
    std::uint32_t version_;
    std::uint8_t challenge_[kChallengeBytes];
    std::uint8_t push_header_[kStreamHeaderBytes];
    Phase phase_ = Phase::await_header;
    std::string peer_name_;
    std::vector<std::uint8_t> plain_;
    std::size_t frame_size_ = 0;
    std::size_t wanted_ = kStreamHeaderBytes;
    std::uint64_t opened_ = 0;  // messages received and opened
    errc error_ = errc::protocol_error;
    std::string error_text_;
};

}  // namespace papers::dipc::channel
