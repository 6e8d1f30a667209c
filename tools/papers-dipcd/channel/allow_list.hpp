// allow_list.hpp — which peer addresses may talk to this daemon at all.
//
// Entries: an IPv4 or IPv6 literal ("10.0.0.7", "fd00::7"), a network in
// CIDR notation ("10.0.0.0/24", "fd00::/64"; host bits must be zero), or a
// name, resolved once by parse() with getaddrinfo (all its addresses). An
// IPv4 peer seen on an IPv6 socket (::ffff:a.b.c.d) is matched as IPv4.
// The list is not an authenticator (addresses can be borrowed); it keeps
// strangers from reaching the handshake at all.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace papers::dipc::channel {

class AllowList {
public:
    // Throws std::invalid_argument naming the first bad entry and why.
    static AllowList parse(const std::vector<std::string>& entries);

    bool allows(const boost::asio::ip::address& a) const;
    // "10.0.0.0/24, 127.0.0.1/32 (localhost), ..." for the start-up log.
    std::string describe() const;
    bool empty() const { return nets_.empty(); }

private:
    struct Network {
        bool v6 = false;
        std::array<std::uint8_t, 16> bytes{};  // v4 uses the first 4
        unsigned prefix = 0;                   // leading bits that must match
        std::string origin;                    // the entry it came from, for describe()
    };
    void add(const boost::asio::ip::address& a, unsigned prefix, const std::string& origin);
    std::vector<Network> nets_;
};

}  // namespace papers::dipc::channel
