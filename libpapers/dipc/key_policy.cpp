#include "key_policy.hpp"

#include <cstring>

#include "proto/ids.hpp"

namespace papers::dipc::client {

bool KeyPolicy::distributes(std::int32_t key, int flags) const {
    if (flags & proto::kIpcDipc) return true;
    switch (mode) {
        case Mode::flag: return false;
        case Mode::all: return true;
        case Mode::list: break;
    }
    if (key == 0) return false;  // IPC_PRIVATE: only by the flag or by `all`
    auto k = static_cast<std::uint32_t>(key);
    for (const KeyRange& r : ranges)
        if (k >= r.lo && k <= r.hi) return true;
    return false;
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string trim(const std::string& s) {
    std::size_t b = 0, e = s.size();
    while (b < e && is_space(s[b])) ++b;
    while (e > b && is_space(s[e - 1])) --e;
    return s.substr(b, e - b);
}

int digit_value(char c, int base) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    return v < base ? v : -1;
}

// A whole decimal or 0x-hex number, at most 0xffffffff.
bool parse_key(const std::string& s, std::uint32_t& out) {
    int base = 10;
    std::size_t i = 0;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == s.size()) return false;
    std::uint64_t v = 0;
    for (; i < s.size(); ++i) {
        int d = digit_value(s[i], base);
        if (d < 0) return false;
        v = v * base + d;
        if (v > 0xffffffffULL) return false;
    }
    out = static_cast<std::uint32_t>(v);
    return true;
}

}  // namespace

bool parse_key_policy(const char* text, KeyPolicy& out, std::string& why) {
    out = KeyPolicy{};
    if (text == nullptr || *text == '\0') return true;
    std::string all = trim(text);
    if (all == "flag") return true;
    if (all == "all") {
        out.mode = KeyPolicy::Mode::all;
        return true;
    }
    out.mode = KeyPolicy::Mode::list;
    std::size_t start = 0;
    int entry = 0;
    for (;;) {
        std::size_t comma = all.find(',', start);
        std::string tok = trim(all.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        ++entry;
        std::string where = "entry " + std::to_string(entry) + " (\"" + tok + "\")";
        if (tok.empty()) {
            why = "entry " + std::to_string(entry) + " is empty";
            return false;
        }
        KeyRange r;
        std::size_t dash = tok.find('-');
        if (dash == std::string::npos) {
            if (!parse_key(tok, r.lo)) {
                why = where + " is not a key (decimal or 0x-hex, at most 0xffffffff)";
                return false;
            }
            if (r.lo == 0) {
                why = where + " is IPC_PRIVATE, which a key list cannot name (use the IPC_DIPC flag or all)";
                return false;
            }
            r.hi = r.lo;
        } else {
            if (!parse_key(trim(tok.substr(0, dash)), r.lo) || !parse_key(trim(tok.substr(dash + 1)), r.hi)) {
                why = where + " is not a range lo-hi of keys (decimal or 0x-hex, at most 0xffffffff)";
                return false;
            }
            if (r.lo > r.hi) {
                why = where + " is an empty range (lo above hi)";
                return false;
            }
        }
        out.ranges.push_back(r);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return true;
}

}  // namespace papers::dipc::client
