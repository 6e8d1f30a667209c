// udp_factory.cpp — builds the udp backend from the environment (the
// variables: udp_env.hpp), then runs the start-up handshake.
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../core/error.hpp"
#include "udp_backend.hpp"
#include "udp_env.hpp"

namespace papers::udp {

namespace {

int fail(int* code, int rc, const std::string& msg) {
    *code = set_error(rc, "udp backend: " + msg);
    return rc;
}

// The job key, taken out of the environment at the first papers_init: the
// value is wiped in place (so /proc/<pid>/environ no longer shows it) and
// the variable removed, so programs the rank starts do not inherit it. Later
// sessions of the process use the copy unless PAPERS_KEY is set again.
struct KeyCache {
    std::string hex;
    ~KeyCache() { sodium_memzero(hex.data(), hex.size()); }
};

std::string take_key_from_environment(env::Reader& in) {
    static KeyCache cache;
    if (std::string v = in.take_secret(udp_env::kKey); !v.empty()) {
        sodium_memzero(cache.hex.data(), cache.hex.size());
        cache.hex = v;
        sodium_memzero(v.data(), v.size());
    }
    return cache.hex;
}

// "min_us,max_us": two plain decimal numbers (no sign, no spaces, nothing
// after), 50 <= min <= max <= 10000000.
bool parse_rto(const std::string& text, unsigned long& lo, unsigned long& hi) {
    const auto comma = text.find(',');
    if (comma == std::string::npos) return false;
    auto number = [](const std::string& t, unsigned long& out) {
        if (t.empty() || t.size() > 8 ||
            t.find_first_not_of("0123456789") != std::string::npos)
            return false;
        out = std::stoul(t);
        return true;
    };
    return number(text.substr(0, comma), lo) && number(text.substr(comma + 1), hi) && lo >= 50 &&
           hi >= lo && hi <= 10000000;
}

}  // namespace

std::uint64_t job_digest(int size, const std::string& hosts) {
    return hash64("papers-udp/1 size=" + std::to_string(size) + " hosts=" + hosts);
}

std::unique_ptr<Backend> make_udp_backend(const Config& cfg, int* code) {
    using namespace udp_env;
    env::Reader in(kTable);
    const bool report = in.flag(kReport, false);
    const std::string hosts = in.text(kHosts);
    // Read (and removed from the environment) by every rank, a job of one too.
    std::string key = take_key_from_environment(in);
    struct Wipe {
        std::string& k;
        ~Wipe() { sodium_memzero(k.data(), k.size()); }
    } wipe_key{key};
    const auto mtu = in.integer(kMtu, 0);
    const std::string rto = in.text(kRto);
    const std::string faults = in.text(kFaults);
    const std::string_view bind = in.choice(kBind);
    if (!in.ok()) {
        fail(code, PAPERS_EINVAL, in.error());
        return nullptr;
    }
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
    if (cfg.job.empty()) {
        // The job id goes into every datagram's job hash: without it two runs
        // started by hand with the same exported key accept each other's
        // datagrams (replays across runs).
        fail(code, PAPERS_EINVAL,
             "PAPERS_JOB is not set; a udp job of " + std::to_string(cfg.size) +
                 " ranks needs an id unique to this run, the same on every rank (papersrun sets "
                 "it; by hand: PAPERS_JOB=$(date +%s%N) on every rank of one run)");
        return nullptr;
    }
    if (hosts.empty()) {
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
    if (key.empty()) {
        fail(code, PAPERS_EINVAL,
             "PAPERS_KEY is not set; it must hold the job's 32-byte key as 64 hex digits, the "
             "same on every rank (papersrun generates one; never put it on a command line)");
        return nullptr;
    }
    if (!crypto_ready()) {
        fail(code, PAPERS_ESYS, "libsodium failed to initialise");
        return nullptr;
    }
    struct WipeSetupKey {
        Key& k;
        ~WipeSetupKey() { sodium_memzero(k.data(), k.size()); }
    } wipe_setup_key{s.key};
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
    int local = 0, local_index = 0;  // ranks on this host, and which of them we are
    const auto& mine = s.peers[cfg.rank].endpoint.address();
    for (int r = 0; r < cfg.size; ++r) {
        const auto& a = s.peers[r].endpoint.address();
        all_loopback = all_loopback && a.is_loopback();
        if (a == mine || (a.is_loopback() && mine.is_loopback())) {
            if (r < cfg.rank) ++local_index;
            ++local;
        }
    }
    s.datagram_bytes = all_loopback ? 16384 : 1472;  // 1472: one Ethernet frame, no IP fragments
    if (mtu) s.datagram_bytes = static_cast<std::size_t>(mtu);
    const int cpus = usable_cpus();
    s.oversubscribed = local > cpus;
    if (!rto.empty()) {  // "min_us,max_us": a tuning knob
        unsigned long lo = 0, hi = 0;
        if (!parse_rto(rto, lo, hi)) {
            fail(code, PAPERS_EINVAL,
                 "PAPERS_UDP_RTO must be 'min_us,max_us' with 50 <= min <= max <= 10000000, got '" +
                     rto + "'");
            return nullptr;
        }
        s.rto_min = std::chrono::microseconds(lo);
        s.rto_max = std::chrono::microseconds(hi);
    }
    if (!faults.empty()) {
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
    if (int rc = backend->force_algorithms(cfg.forced); rc) {
        *code = rc;
        return nullptr;
    }
    // More ranks than cores, evenly: ranks per core consecutive local ranks
    // on each core, so that a group of two_level_or shares one core.
    const int per_cpu = (local + cpus - 1) / cpus;
    if (local > cpus && local % cpus == 0 && bind != "0")
        backend->binding().bind_slot(local_index / per_cpu);
    // The forced algorithms are part of the digest, so ranks that disagree
    // fail at start-up instead of deadlocking.
    const std::string digest_input = hosts + "/" + cfg.algorithms;
    if (int rc = backend->hello(job_digest(cfg.size, digest_input), per_cpu); rc) {
        *code = rc;
        return nullptr;
    }
    backend->start_progress();
    return backend;
}

}  // namespace papers::udp
