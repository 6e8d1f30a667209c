#include "allow_list.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <cstring>
#include <stdexcept>

namespace papers::dipc::channel {

namespace ip = boost::asio::ip;

namespace {

std::string trim(const std::string& s) {
    const char* ws = " \t\r\n";
    auto b = s.find_first_not_of(ws);
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::invalid_argument bad(const std::string& entry, const std::string& why) {
    return std::invalid_argument("allow list entry '" + entry + "': " + why);
}

bool parse_literal(const std::string& s, ip::address& out) {
    boost::system::error_code ec;
    out = ip::make_address(s, ec);
    return !ec;
}

std::array<std::uint8_t, 16> bytes_of(const ip::address& a) {
    std::array<std::uint8_t, 16> b{};
    if (a.is_v4()) {
        auto v4 = a.to_v4().to_bytes();
        std::memcpy(b.data(), v4.data(), v4.size());
    } else {
        b = a.to_v6().to_bytes();
    }
    return b;
}

bool prefix_matches(const std::uint8_t* a, const std::uint8_t* net, unsigned prefix) {
    const unsigned whole = prefix / 8, rest = prefix % 8;
    if (std::memcmp(a, net, whole) != 0) return false;
    if (rest == 0) return true;
    const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (a[whole] & mask) == (net[whole] & mask);
}

bool host_bits_zero(const std::array<std::uint8_t, 16>& b, unsigned bits, unsigned prefix) {
    for (unsigned i = prefix; i < bits; ++i)
        if (b[i / 8] & (0x80 >> (i % 8))) return false;
    return true;
}

}  // namespace

void AllowList::add(const ip::address& a, unsigned prefix, const std::string& origin) {
    nets_.push_back(Network{a.is_v6(), bytes_of(a), prefix, origin});
}

AllowList AllowList::parse(const std::vector<std::string>& entries) {
    AllowList list;
    for (const std::string& raw : entries) {
        const std::string e = trim(raw);
        if (e.empty()) throw bad(raw, "empty");
        ip::address a;
        auto slash = e.find('/');
        if (slash != std::string::npos) {
            const std::string addr = e.substr(0, slash), bits = e.substr(slash + 1);
            if (!parse_literal(addr, a))
                throw bad(e, "'" + addr + "' is not an IPv4 or IPv6 address (a network needs a literal)");
            const unsigned max = a.is_v4() ? 32 : 128;
            if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string::npos)
                throw bad(e, "prefix length '" + bits + "' is not a number from 0 to " + std::to_string(max));
            const unsigned prefix = static_cast<unsigned>(std::stoul(bits));
            if (prefix > max)
                throw bad(e, "prefix length " + bits + " is above " + std::to_string(max));
            if (!host_bits_zero(bytes_of(a), max, prefix))
                throw bad(e, "address has bits set beyond the /" + bits +
                                 " prefix (write the network address)");
            list.add(a, prefix, e);
        } else if (parse_literal(e, a)) {
            list.add(a, a.is_v4() ? 32 : 128, e);
        } else {
            addrinfo hints{};
            hints.ai_family = AF_UNSPEC;
            hints.ai_socktype = SOCK_STREAM;
            addrinfo* res = nullptr;
            int rc = ::getaddrinfo(e.c_str(), nullptr, &hints, &res);
            if (rc != 0)
                throw bad(e, std::string("not an address, a network (a.b.c.d/n) or a name that resolves (") +
                                 ::gai_strerror(rc) + ")");
            for (addrinfo* r = res; r; r = r->ai_next) {
                ip::address ra;
                if (r->ai_family == AF_INET) {
                    const auto* sa = reinterpret_cast<const sockaddr_in*>(r->ai_addr);
                    ip::address_v4::bytes_type b;
                    std::memcpy(b.data(), &sa->sin_addr, b.size());
                    ra = ip::address_v4(b);
                } else if (r->ai_family == AF_INET6) {
                    const auto* sa = reinterpret_cast<const sockaddr_in6*>(r->ai_addr);
                    ip::address_v6::bytes_type b;
                    std::memcpy(b.data(), &sa->sin6_addr, b.size());
                    ra = ip::address_v6(b);
                } else {
                    continue;
                }
                list.add(ra, ra.is_v4() ? 32 : 128, e);
            }
            ::freeaddrinfo(res);
        }
    }
    return list;
}

bool AllowList::allows(const ip::address& addr) const {
    ip::address a = addr;
    if (a.is_v6() && a.to_v6().is_v4_mapped()) a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
    const auto b = bytes_of(a);
    for (const Network& n : nets_)
        if (n.v6 == a.is_v6() && prefix_matches(b.data(), n.bytes.data(), n.prefix)) return true;
    return false;
}

std::string AllowList::describe() const {
    std::string s;
    for (const Network& n : nets_) {
        if (!s.empty()) s += ", ";
        ip::address a;
        if (n.v6) {
            a = ip::address_v6(n.bytes);
        } else {
            ip::address_v4::bytes_type b;
            std::memcpy(b.data(), n.bytes.data(), b.size());
            a = ip::address_v4(b);
        }
        std::string net = a.to_string() + "/" + std::to_string(n.prefix);
        s += net;
        if (n.origin != net && n.origin != a.to_string()) s += " (" + n.origin + ")";
    }
    return s.empty() ? "nobody" : s;
}

}  // namespace papers::dipc::channel
