// key_policy.hpp — which gets create or open a distributed structure
// (docs/dipc-design.md, decision 1), from PAPERS_DIPC_KEYS:
//   flag (default)  only calls with IPC_DIPC in their flags
//   all             every get, IPC_PRIVATE included
//   a list          0x1234,0x5000-0x50ff: those keys, and flagged calls
// A list never matches IPC_PRIVATE (a private structure has no key to list).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace papers::dipc::client {

struct KeyRange {
    std::uint32_t lo = 0;  // keys compare as their 32-bit patterns (ftok keys can be "negative")
    std::uint32_t hi = 0;
};

struct KeyPolicy {
    enum class Mode { flag, all, list };
    Mode mode = Mode::flag;
    std::vector<KeyRange> ranges;  // Mode::list only

    // True when semget/msgget(key, ..., flags) is the layer's business.
    bool distributes(std::int32_t key, int flags) const;
};

// Parses a PAPERS_DIPC_KEYS value; null or empty means the default (flag).
// Strict: numbers are decimal or 0x-hex up to 0xffffffff, a range is lo-hi
// with lo <= hi, entries are separated by commas (spaces around them are
// allowed), a lone 0 (IPC_PRIVATE) is refused. On bad input returns false
// and says why in `why`, naming the entry.
bool parse_key_policy(const char* text, KeyPolicy& out, std::string& why);

}  // namespace papers::dipc::client
