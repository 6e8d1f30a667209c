#include "peers.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <set>

namespace papers::udp {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

bool parse_port(std::string_view s, unsigned& port) {
    if (s.empty() || s.size() > 5) return false;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + unsigned(c - '0');
    }
    if (v == 0 || v > 65535) return false;
    port = v;
    return true;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

}  // namespace

bool parse_host_list(std::string_view list, int size, std::vector<HostEntry>& out,
                     std::string& err) {
    out.clear();
    std::size_t pos = 0;
    while (true) {
        const std::size_t comma = list.find(',', pos);
        const std::string item =
            trim(list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
        const int index = static_cast<int>(out.size());
        auto bad = [&](const std::string& why) {
            err = "PAPERS_HOSTS entry " + std::to_string(index) + " '" + item + "': " + why;
            return false;
        };
        if (item.empty()) return bad("empty entry (one host[:port] per rank, comma-separated)");
        HostEntry e;
        std::string_view rest = item;
        if (rest.front() == '[') {  // [IPv6]:port
            const std::size_t close = rest.find(']');
            if (close == std::string_view::npos) return bad("missing ']' after an IPv6 address");
            e.host = std::string(rest.substr(1, close - 1));
            rest.remove_prefix(close + 1);
            if (!rest.empty()) {
                if (rest.front() != ':') return bad("expected ':port' after ']'");
                if (!parse_port(rest.substr(1), e.port)) return bad("port must be 1..65535");
            }
        } else {
            const std::size_t colon = rest.rfind(':');
            if (colon != std::string_view::npos && rest.find(':') != colon)
                return bad("write IPv6 addresses as [addr]:port");
            if (colon != std::string_view::npos) {
                e.host = std::string(rest.substr(0, colon));
                if (!parse_port(rest.substr(colon + 1), e.port)) return bad("port must be 1..65535");
            } else {
                e.host = std::string(rest);
            }
        }
        if (e.host.empty()) return bad("no host");
        if (e.port == 0) {
            const unsigned p = kDefaultPortBase + unsigned(index);
            if (p > 65535) return bad("no port given and the default port would exceed 65535");
            e.port = p;
        }
        out.push_back(std::move(e));
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    if (static_cast<int>(out.size()) != size) {
        err = "PAPERS_HOSTS lists " + std::to_string(out.size()) + " host(s) but PAPERS_SIZE is " +
              std::to_string(size) + " (one host[:port] per rank, in rank order)";
        return false;
    }
    return true;
}

bool resolve_peers(const std::vector<HostEntry>& entries, std::vector<Peer>& out, std::string& err) {
    out.clear();
    asio::io_context io;
    udp::resolver resolver(io);
    std::set<udp::endpoint> seen;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const HostEntry& e = entries[i];
        Peer p;
        boost::system::error_code ec;
        const auto addr = asio::ip::make_address(e.host, ec);
        if (!ec) {
            p.endpoint = udp::endpoint(addr, static_cast<unsigned short>(e.port));
        } else {
            auto results = resolver.resolve(e.host, std::to_string(e.port),
                                            udp::resolver::numeric_service, ec);
            if (ec || results.empty()) {
                err = "PAPERS_HOSTS entry " + std::to_string(i) + ": cannot resolve host '" + e.host +
                      "': " + (ec ? ec.message() : std::string("no address"));
                return false;
            }
            // Prefer IPv4 so that a name and a dotted address agree.
            p.endpoint = results.begin()->endpoint();
            for (const auto& r : results)
                if (r.endpoint().address().is_v4()) {
                    p.endpoint = r.endpoint();
                    break;
                }
        }
        const bool v6 = p.endpoint.address().is_v6();
        p.label = (v6 ? "[" : "") + p.endpoint.address().to_string() + (v6 ? "]" : "") + ":" +
                  std::to_string(p.endpoint.port());
        if (!seen.insert(p.endpoint).second) {
            err = "PAPERS_HOSTS entry " + std::to_string(i) + ": " + p.label +
                  " is listed twice (every rank needs its own host:port)";
            return false;
        }
        out.push_back(std::move(p));
    }
    return true;
}

}  // namespace papers::udp
