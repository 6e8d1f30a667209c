// daemon_config.hpp — everything papers-dipcd is told, from its flags and its
// configuration file (both declared once, in config_table.cpp, which also
// generates docs/dipc.md's reference). run_daemon() takes it and serves.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "proto/messages.hpp"

namespace papers::dipcd {

namespace proto = papers::dipc::proto;

struct Endpoint {
    std::string address;  // IPv4 or IPv6 literal, or a name resolved at start
    std::uint16_t port = 0;
};

struct DaemonConfig {
    std::string name;               // this host's name in the cluster (default: hostname)
    Endpoint listen;                // TCP for other daemons; port 0 = any free port
    bool serve_referee = false;     // this daemon is the cluster's referee
    Endpoint referee;               // where the referee listens (ignored when serving it)
    std::string socket_path;        // Unix socket for local processes; empty = none (referee-only)
    std::vector<std::string> allow; // peer addresses allowed (literals, names, CIDR a.b.c.d/n)
    std::string key_file;           // cluster key, mode 0600
    std::uint32_t heartbeat_ms = 250;
    std::uint32_t peer_timeout_ms = 2000;
    proto::Limits limits;           // used when serving the referee (the cluster's limits)
    std::string log_file;           // empty = stderr
    int ready_fd = -1;              // writes "ready PORT\n" here once serving, then closes it
    std::uint32_t spin_us = 50;     // keep looking for the next event this long before sleeping
    bool verbose = false;
};

// Serves until SIGTERM/SIGINT (returns 0) or a fatal error (returns 1, logged).
int run_daemon(const DaemonConfig& cfg);

}  // namespace papers::dipcd
