// mac.hpp — authentication of every datagram with the job's key.
//
// The MAC is SipHash-2-4 with a 128-bit tag (libsodium's
// crypto_shorthash_siphashx24), a PRF designed for short messages and
// about 6x cheaper than keyed BLAKE2b on our 48-byte headers — it sits on
// the critical path of every round. Its 16-byte key is derived from the
// 32-byte job key with keyed BLAKE2b (crypto_generichash, key = job key,
// message = "papers-udp/1 mac"). No home-made construction. It gives
// integrity and origin among key holders, not confidentiality: payloads
// travel in clear (docs/udp.md).
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
    ~Mac();  // wipes the derived key
    Mac(const Mac&) = delete;
    Mac& operator=(const Mac&) = delete;
    // out[0..16) = MAC of data[0..n).
    void compute(const std::uint8_t* data, std::size_t n, std::uint8_t* out) const;
    // Constant-time comparison of the MAC of data[0..n) with tag[0..16).
    bool verify(const std::uint8_t* data, std::size_t n, const std::uint8_t* tag) const;

private:
    std::array<std::uint8_t, 16> subkey_;
};

// 64-bit unkeyed BLAKE2b of a string (job id, host list digest).
std::uint64_t hash64(std::string_view s);

// Initialises libsodium once; false if it cannot (no entropy source).
bool crypto_ready();

}  // namespace papers::udp
