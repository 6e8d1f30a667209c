#include "mac.hpp"

#include <sodium.h>

#include "wire_format.hpp"

namespace papers::udp {

static_assert(kMacBytes == crypto_shorthash_siphashx24_BYTES);
static_assert(kKeyBytes >= crypto_generichash_KEYBYTES_MIN &&
              kKeyBytes <= crypto_generichash_KEYBYTES_MAX);
static_assert(crypto_shorthash_siphashx24_KEYBYTES == 16);
static_assert(kMacBytes == crypto_verify_16_BYTES);

bool crypto_ready() {
    static const bool ok = sodium_init() >= 0;  // thread-safe, idempotent
    return ok;
}

bool key_from_hex(std::string_view hex, Key& key, std::string& err) {
    if (hex.size() != 2 * kKeyBytes) {
        err = "PAPERS_KEY must be exactly " + std::to_string(2 * kKeyBytes) +
              " hex digits (a 32-byte key), got " + std::to_string(hex.size()) + " characters";
        return false;
    }
    std::size_t bin_len = 0;
    const char* end = nullptr;
    if (sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &bin_len, &end) !=
            0 ||
        bin_len != kKeyBytes || end != hex.data() + hex.size()) {
        err = "PAPERS_KEY must contain only hex digits 0-9, a-f";
        return false;
    }
    return true;
}

Mac::Mac(const Key& key) {
    crypto_ready();
    static const char kLabel[] = "papers-udp/1 mac";
    crypto_generichash(subkey_.data(), subkey_.size(), reinterpret_cast<const unsigned char*>(kLabel),
                       sizeof kLabel - 1, key.data(), key.size());
}

Mac::~Mac() { sodium_memzero(subkey_.data(), subkey_.size()); }

void Mac::compute(const std::uint8_t* data, std::size_t n, std::uint8_t* out) const {
    crypto_shorthash_siphashx24(out, data, n, subkey_.data());
}

bool Mac::verify(const std::uint8_t* data, std::size_t n, const std::uint8_t* tag) const {
    std::uint8_t want[kMacBytes];
    compute(data, n, want);
    return crypto_verify_16(want, tag) == 0;  // constant time, made for 16-byte tags
}

std::uint64_t hash64(std::string_view s) {
    crypto_ready();
    std::uint8_t h[8];
    crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                       nullptr, 0);
    return get_u64(h);
}

}  // namespace papers::udp
