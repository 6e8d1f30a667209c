// handshake.hpp — the two messages each side seals before any frame.
//
// Each direction is one secretstream; its first message is the sender's
// Hello (version, a fresh random challenge, its name), its second a Confirm
// echoing the challenge of the Hello it received. A side is established when
// the peer's Confirm echoes its own challenge: only a holder of the cluster
// key who saw this connection's challenge can seal that, so a recorded
// stream replayed in a new connection is refused. Version comes first so a
// future layout can still be recognised as "another version".
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "proto/messages.hpp"

namespace papers::dipc::channel {

constexpr std::size_t kChallengeBytes = 32;
enum class HandshakeKind : std::uint8_t { hello = 1, confirm = 2 };

struct Hello {
    std::uint32_t version = proto::kProtocolVersion;
    HandshakeKind kind = HandshakeKind::hello;
    std::vector<std::uint8_t> challenge;  // kChallengeBytes
    std::string name;                     // the sender's host name, printable ASCII
    template <class F>
    void fields(F& f) {
        f(version); f(kind); f(proto::bounded(challenge, kChallengeBytes)); f(proto::bounded(name, proto::kMaxName));
    }
};

struct Confirm {
    std::uint32_t version = proto::kProtocolVersion;
    HandshakeKind kind = HandshakeKind::confirm;
    std::vector<std::uint8_t> echo;  // the peer's challenge
    template <class F>
    void fields(F& f) { f(version); f(kind); f(proto::bounded(echo, kChallengeBytes)); }
};

// Largest plaintext of a handshake message (a Hello with the longest name).
constexpr std::size_t kMaxHandshakePlain = 4 + 1 + 4 + kChallengeBytes + 4 + proto::kMaxName;

}  // namespace papers::dipc::channel
