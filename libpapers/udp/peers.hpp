// peers.hpp — the job's ranks as UDP endpoints, from PAPERS_HOSTS.
//
// PAPERS_HOSTS is a comma-separated list with one entry per rank, in rank
// order: host[:port], where host is an IPv4 address, [IPv6] or a name that
// resolves. A missing port means kDefaultPortBase + rank, so one rank per
// machine needs no ports at all (papersrun --hosts a,b,c).
#pragma once
#include <boost/asio/ip/udp.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace papers::udp {

constexpr unsigned kDefaultPortBase = 42000;

struct HostEntry {
    std::string host;  // as written (without brackets)
    unsigned port = 0;
};

// Splits and checks the list syntax (no name resolution). Returns false
// with `err` naming the bad entry.
bool parse_host_list(std::string_view list, int size, std::vector<HostEntry>& out,
                     std::string& err);

struct Peer {
    boost::asio::ip::udp::endpoint endpoint;
    std::string label;  // "host:port" for messages
};

// Resolves every entry (numeric addresses need no lookup). Returns false
// with `err` on a name that does not resolve or duplicate endpoints.
bool resolve_peers(const std::vector<HostEntry>& entries, std::vector<Peer>& out, std::string& err);

}  // namespace papers::udp
