// key.hpp — the cluster key: 32 bytes every papers-dipcd of a cluster shares.
//
// A key file holds exactly 32 raw bytes or 64 hex digits (optionally followed
// by one newline), is a regular file owned by the daemon's effective uid, and
// has no group or other permission bit. Anything else is refused with an
// error that names the file and the problem.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "secret.hpp"

namespace papers::dipc::channel {

constexpr std::size_t kKeyBytes = 32;

class Key {
public:
    // For tests and tools; `n` must be kKeyBytes (throws std::invalid_argument).
    static Key from_bytes(const std::uint8_t* p, std::size_t n);
    // A fresh random key.
    static Key random();

    const std::uint8_t* data() const { return bytes_->data(); }
    static constexpr std::size_t size() { return kKeyBytes; }

private:
    Key() = default;
    Secret<std::array<std::uint8_t, kKeyBytes>> bytes_;
};

// What load_key_file and generate_key_file throw: "key file PATH: problem".
class KeyFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

Key load_key_file(const std::string& path);

// Creates `path` with mode 0600 holding a new random key as 64 hex digits and
// a newline. Never overwrites: an existing path (file, link, anything) is an
// error, and the file is removed again if writing fails.
void generate_key_file(const std::string& path);

}  // namespace papers::dipc::channel
