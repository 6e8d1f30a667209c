// udp_factory.cpp — builds the udp backend from the environment:
//   PAPERS_HOSTS       host[:port] per rank, in rank order (required, n > 1)
//   PAPERS_KEY         64 hex digits, the job's MAC key (required, n > 1)
//   PAPERS_UDP_MTU     largest datagram in bytes (default 16384 when every
//                      peer is on this machine's loopback, else 1472)
//   PAPERS_UDP_FAULTS  fault injection, for tests only (fault_injector.hpp)
//   PAPERS_UDP_REPORT  non-empty and not 0: print counters to stderr at exit
//   PAPERS_UDP_BARRIER star | dissemination: force the barrier/vote algorithm
//                      (default: star when some host is oversubscribed, n <= 8)
// then runs the start-up handshake.
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "../core/error.hpp"
#include "udp_backend.hpp"

namespace papers::udp {

namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return (v && *v) ? v : nullptr;
}

int online_cpus() {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const long allowed = CPU_COUNT(&set);
        if (allowed > 0 && (n <= 0 || allowed < n)) n = allowed;
    }
    return n > 0 ? static_cast<int>(n) : 1;
}

int fail(int* code, int rc, const std::string& msg) {
    *code = set_error(rc, "udp backend: " + msg);
    return rc;
}

}  // namespace

std::uint64_t job_digest(int size, const std::string& hosts) {
    return hash64("papers-udp/1 size=" + std::to_string(size) + " hosts=" + hosts);
}

std::unique_ptr<Backend> make_udp_backend(const Config& cfg, int* code) {
    const bool report = env("PAPERS_UDP_REPORT") && std::string(env("PAPERS_UDP_REPORT")) != "0";
    if (cfg.size == 1) return std::make_unique<UdpBackend>(cfg, nullptr, report);

    TransportSetup s;
    s.rank = cfg.rank;
    s.size = cfg.size;
    s.timeout_s = cfg.timeout_s;
    s.spin_polls = cfg.spin;
    if (cfg.size > 0xFFFE) {
        fail(code, PAPERS_EINVAL, "at most 65534 ranks");
        return nullptr;
    }
    const char* hosts = env("PAPERS_HOSTS");
    if (!hosts) {
        fail(code, PAPERS_EINVAL,
             "PAPERS_HOSTS is not set; it lists one host[:port] per rank in rank order, e.g. "
             "127.0.0.1:40001,127.0.0.1:40002 (papersrun --backend udp sets it)");
        return nullptr;
    }
    std::vector<HostEntry> entries;
    std::string err;
    if (!parse_host_list(hosts, cfg.size, entries, err) || !resolve_peers(entries, s.peers, err)) {
        fail(code, PAPERS_EINVAL, err);
        return nullptr;
    }
    for (const Peer& p : s.peers)
        if (p.endpoint.protocol() != s.peers[0].endpoint.protocol()) {
            fail(code, PAPERS_EINVAL,
                 "PAPERS_HOSTS mixes IPv4 and IPv6 addresses (" + s.peers[0].label + ", " + p.label +
                     "); use one family for the whole job");
            return nullptr;
        }
    const char* key = env("PAPERS_KEY");
    if (!key) {
        fail(code, PAPERS_EINVAL,
             "PAPERS_KEY is not set; it must hold the job's 32-byte key as 64 hex digits, the "
             "same on every rank (papersrun generates one; never put it on a command line)");
        return nullptr;
    }
    if (!crypto_ready()) {
        fail(code, PAPERS_ESYS, "libsodium failed to initialise");
        return nullptr;
    }
    if (!key_from_hex(key, s.key, err)) {
        fail(code, PAPERS_EINVAL, err);
        return nullptr;
    }
    // Every papers_init of a process starts a new session whose operation
    // numbers restart at 0; the session count (the same on every rank, init
    // being collective) goes into the job hash so that a stray datagram of
    // an earlier session is "wrong job", never data of this one.
    static int sessions = 0;
    s.job = hash64(cfg.job + "#" + std::to_string(sessions++));

    bool all_loopback = true;
    int local = 0;
    const auto& mine = s.peers[cfg.rank].endpoint.address();
    for (const Peer& p : s.peers) {
        const auto& a = p.endpoint.address();
        all_loopback = all_loopback && a.is_loopback();
        if (a == mine || (a.is_loopback() && mine.is_loopback())) ++local;
    }
    s.datagram_bytes = all_loopback ? 16384 : 1472;  // 1472: one Ethernet frame, no IP fragments
    if (const char* mtu = env("PAPERS_UDP_MTU")) {
        char* end = nullptr;
        const long v = std::strtol(mtu, &end, 10);
        if (*end || v < long(kMinDatagram) || v > long(kMaxDatagram)) {
            fail(code, PAPERS_EINVAL,
                 std::string("PAPERS_UDP_MTU must be a datagram size from ") +
                     std::to_string(kMinDatagram) + " to " + std::to_string(kMaxDatagram) +
                     " bytes, got '" + mtu + "'");
            return nullptr;
        }
        s.datagram_bytes = static_cast<std::size_t>(v);
    }
    s.oversubscribed = local > online_cpus();
    if (const char* rto = env("PAPERS_UDP_RTO")) {  // "min_us,max_us": a tuning knob
        unsigned long lo = 0, hi = 0;
        if (std::sscanf(rto, "%lu,%lu", &lo, &hi) != 2 || lo < 50 || hi < lo || hi > 10000000) {
            fail(code, PAPERS_EINVAL,
                 std::string("PAPERS_UDP_RTO must be 'min_us,max_us' with 50 <= min <= max, got '") +
                     rto + "'");
            return nullptr;
        }
        s.rto_min = std::chrono::microseconds(lo);
        s.rto_max = std::chrono::microseconds(hi);
    }
    if (const char* faults = env("PAPERS_UDP_FAULTS")) {
        FaultSpec spec;
        if (!parse_fault_spec(faults, spec, err)) {
            fail(code, PAPERS_EINVAL, err);
            return nullptr;
        }
        s.faults = spec;
    }

    auto transport = Transport::open(s, code);
    if (!transport) return nullptr;
    auto backend = std::make_unique<UdpBackend>(cfg, std::move(transport), report);
    // Forcing the barrier algorithm (tests): part of the digest, so ranks
    // that disagree fail at start-up instead of deadlocking.
    const std::string choice = env("PAPERS_UDP_BARRIER") ? env("PAPERS_UDP_BARRIER") : "";
    if (!choice.empty() && choice != "star" && choice != "dissemination") {
        fail(code, PAPERS_EINVAL, "PAPERS_UDP_BARRIER must be star or dissemination, got '" + choice + "'");
        return nullptr;
    }
    if (int rc = backend->hello(job_digest(cfg.size, std::string(hosts) + "/" + choice), choice); rc) {
        *code = rc;
        return nullptr;
    }
    return backend;
}

}  // namespace papers::udp
