// mac.hpp — authentication of every datagram with the job's key.
//
// The MAC is libsodium's crypto_generichash (BLAKE2b) keyed with the
// 32-byte job key, truncated to 16 bytes (BLAKE2b's own keyed mode, a
// standard PRF/MAC construction; no home-made crypto). It gives integrity
// and origin among key holders, not confidentiality: payloads travel in
// clear (docs/udp.md).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace papers::udp {

constexpr std::size_t kKeyBytes = 32;
using Key = std::array<std::uint8_t, kKeyBytes>;

// Parses exactly 64 hex digits. Returns false with `err` set otherwise.
bool key_from_hex(std::string_view hex, Key& key, std::string& err);

class Mac {
public:
    explicit Mac(const Key& key);
    // out[0..16) = MAC of data[0..n).
    void compute(const std::uint8_t* data, std::size_t n, std::uint8_t* out) const;
    // Constant-time comparison of the MAC of data[0..n) with tag[0..16).
    bool verify(const std::uint8_t* data, std::size_t n, const std::uint8_t* tag) const;

private:
    Key key_;
};

// 64-bit unkeyed BLAKE2b of a string (job id, host list digest).
std::uint64_t hash64(std::string_view s);

// Initialises libsodium once; false if it cannot (no entropy source).
bool crypto_ready();

}  // namespace papers::udp
