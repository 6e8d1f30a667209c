// host_list.cpp — see host_list.hpp. Pure but for is_local_rank_host (the
// machine's names and addresses); the libFuzzer target tests/fuzz/
// host_list_fuzz.cpp builds this file alone.
#include "host_list.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "command_line.hpp"
#include "launch_error.hpp"

namespace papersrun {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

// This machine's names and addresses: a host among them runs its rank here.
bool is_local_rank_host(const std::string& host) {
    if (host == "localhost" || host == "127.0.0.1" || host == "::1") return true;

    char name[256] = {};
    if (gethostname(name, sizeof name - 1) == 0 && host == name) return true;
    ifaddrs* ifs = nullptr;
    if (getifaddrs(&ifs) != 0) return false;
    bool local = false;
    for (ifaddrs* i = ifs; i && !local; i = i->ifa_next) {
        if (!i->ifa_addr) continue;
        char buf[INET6_ADDRSTRLEN] = {};
        if (i->ifa_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
        else if (i->ifa_addr->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, buf, sizeof buf);
        local = host == buf;
    }
    freeifaddrs(ifs);
    return local;
}

std::string host_entry_problem(const std::string& entry) {
    std::string host = entry, port;
    if (!entry.empty() && entry.front() == '[') {  // [v6] or [v6]:port
        const auto close = entry.find(']');
        if (close == std::string::npos) return "no ']' after the IPv6 address";
        host = entry.substr(1, close - 1);
        const std::string rest = entry.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') return "unexpected text after ']'";
            port = rest.substr(1);
            if (port.empty()) return "no port after ':'";
        }
        if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos)
            return "'" + host + "' is not an IPv6 address";
    } else if (const auto colon = entry.rfind(':');
               colon != std::string::npos && entry.find(':') == colon) {  // host:port
        host = entry.substr(0, colon);
        port = entry.substr(colon + 1);
        if (port.empty()) return "no port after ':'";
    }
    if (host.find(':') != std::string::npos) {  // a bare IPv6 address
        if (host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos)
            return "'" + host + "' is not an IPv6 address";
    } else {
        // A DNS name or IPv4 address: letters, digits, '.', '-', '_', not
        // starting with '-' (ssh would take it for an option).
        if (host.empty()) return "no host name";
        if (host.size() > 253) return "the host name is longer than 253 characters";
        if (!std::isalnum(static_cast<unsigned char>(host[0])))
            return "a host name starts with a letter or digit";
        for (char c : host)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
                return std::string("'") + c + "' cannot be part of a host name";
    }
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(port) < 1 || std::stoi(port) > 65535)
            return "the port must be a number from 1 to 65535";
    }
    return "";
}

namespace {

void check_host_entry(const std::string& where, const std::string& entry) {
    if (const std::string why = host_entry_problem(entry); !why.empty())
        throw LaunchError(kExitUsage, where + ": '" + entry + "' is not host[:port]: " + why);
}

}  // namespace

std::vector<std::string> listed_hosts(const RunOptions& o) {
    if (!o.hosts.empty()) return split_hosts(o.hosts);
    if (!o.hostfile.empty()) return read_hostfile(o.hostfile);
    return {};
}

std::vector<std::string> split_hosts(const std::string& list) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= list.size()) {
        const std::size_t comma = list.find(',', pos);
        const std::string item = trim(list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
        if (item.empty())
            throw LaunchError(kExitUsage, "--hosts '" + list + "': empty entry (write host[:port],host[:port],...)");
        check_host_entry("--hosts", item);
        out.push_back(item);
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return out;
}

std::vector<std::string> read_hostfile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw LaunchError(kExitUsage, "--hostfile " + path + ": cannot read it: " + std::strerror(errno));
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line.substr(0, line.find('#')));
        if (line.empty()) continue;
        if (line.find_first_of(" \t,") != std::string::npos)
            throw LaunchError(kExitUsage, "--hostfile " + path + ": '" + line +
                                              "': one host[:port] per line, one line per rank");
        check_host_entry("--hostfile " + path, line);
        out.push_back(line);
    }
    if (out.empty()) throw LaunchError(kExitUsage, "--hostfile " + path + " lists no host");
    return out;
}

std::string host_part(const std::string& entry) {
    if (!entry.empty() && entry.front() == '[') return entry.substr(1, entry.find(']') - 1);
    const auto colon = entry.rfind(':');
    if (colon != std::string::npos && entry.find(':') == colon) return entry.substr(0, colon);
    return entry;
}

}  // namespace papersrun
