#include "config_values.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>

namespace papers::dipcd {

namespace {

bool is_ipv4(const std::string& s) {
    in_addr a{};
    return inet_pton(AF_INET, s.c_str(), &a) == 1;
}

bool is_ipv6(const std::string& s) {
    in6_addr a{};
    return inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

// RFC 1123 host names: labels of letters, digits and '-', not starting or
// ending with '-', at most 63 characters each, 253 in all.
bool is_dns_name(std::string s) {
    if (!s.empty() && s.back() == '.') s.pop_back();  // a fully qualified "node1.lab."
    if (s.empty() || s.size() > 253) return false;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = s.find('.', start);
        const std::string label = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    // All-numeric dotted names are mistyped IPv4 literals ("10.0.0.300").
    return s.find_first_not_of("0123456789.") != std::string::npos;
}

// Host bits of `addr` beyond `bits` are zero.
bool host_bits_zero(const unsigned char* addr, std::size_t bytes, unsigned bits) {
    for (std::size_t i = 0; i < bytes; ++i) {
        unsigned first_bit = static_cast<unsigned>(i) * 8;
        unsigned char mask = 0xff;
        if (first_bit + 8 <= bits) continue;
        if (first_bit < bits) mask = static_cast<unsigned char>(0xff >> (bits - first_bit));
        if (addr[i] & mask) return false;
    }
    return true;
}

}  // namespace

std::string address_problem(const std::string& text) {
    if (text.empty()) return "the address is empty";
    if (is_ipv4(text) || is_ipv6(text) || is_dns_name(text)) return "";
    if (text.find_first_not_of("0123456789.") == std::string::npos)
        return "'" + text + "' is not an IPv4 address";
    if (text.find(':') != std::string::npos) return "'" + text + "' is not an IPv6 address";
    return "'" + text + "' is neither an IP address nor a host name";
}

std::string allow_entry_problem(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return address_problem(text);
    const std::string addr = text.substr(0, slash), bits_text = text.substr(slash + 1);
    unsigned char bytes[16] = {};
    std::size_t size = 0;
    std::uint64_t max_bits = 0;
    if (inet_pton(AF_INET, addr.c_str(), bytes) == 1) {
        size = 4;
        max_bits = 32;
    } else if (inet_pton(AF_INET6, addr.c_str(), bytes) == 1) {
        size = 16;
        max_bits = 128;
    } else {
        return "'" + text + "': a network is ADDRESS/BITS with an IP address literal before the '/'";
    }
    std::uint64_t bits = 0;
    if (std::string p = whole_number_problem(bits_text, 0, max_bits, bits); !p.empty())
        return "'" + text + "': the prefix length " + p;
    if (!host_bits_zero(bytes, size, static_cast<unsigned>(bits)))
        return "'" + text + "': bits beyond the /" + bits_text + " prefix are set (did you mean the network address?)";
    return "";
}

std::string host_name_problem(const std::string& text) {
    if (text.empty()) return "the name is empty";
    if (text.size() > 255) return "the name is longer than 255 characters";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= ' ' || u == 0x7f || c == '#' || c == '"' || c == '\'')
            return "'" + text + "' contains a space, control character, '#' or quote";
    }
    return "";
}

std::string whole_number_problem(const std::string& text, std::uint64_t min, std::uint64_t max,
                                 std::uint64_t& out) {
    const std::string range = std::to_string(min) + ".." + std::to_string(max);
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return "'" + text + "' is not a whole number (" + range + ")";
    std::uint64_t v = 0;
    for (char c : text) {
        const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return text + " is out of range (" + range + ")";
        v = v * 10 + d;
    }
    if (v < min || v > max) return text + " is out of range (" + range + ")";
    out = v;
    return "";
}

}  // namespace papers::dipcd
