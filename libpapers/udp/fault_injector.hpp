// fault_injector.hpp — makes the network worse on purpose, for tests.
//
// Enabled only by PAPERS_UDP_FAULTS, e.g.
//   PAPERS_UDP_FAULTS="drop=0.2,dup=0.1,delay=0.1,reorder=0.1,seed=5,delay_ms=3"
// Each outgoing datagram is, with the given probabilities: dropped; sent
// twice; held back for a random time up to delay_ms (default 3 ms); or held
// until the next datagram has gone out (reordered). The backend must give
// correct results anyway. Never set it in production.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace papers::udp {

struct FaultSpec {
    double drop = 0, dup = 0, delay = 0, reorder = 0;
    double delay_ms = 3.0;
    std::uint64_t seed = 1;
};

// Parses "key=value,..." (keys above). Returns false with `err` set.
bool parse_fault_spec(std::string_view text, FaultSpec& spec, std::string& err);

struct FaultCounters {
    std::uint64_t dropped = 0, duplicated = 0, delayed = 0, reordered = 0;
};

class FaultInjector {
public:
    using Clock = std::chrono::steady_clock;
    using Sink = std::function<void(const std::uint8_t*, std::size_t, int dest)>;

    FaultInjector(const FaultSpec& spec, int rank, Sink sink);

    // One outgoing datagram: send, drop, duplicate or hold it.
    void submit(const std::uint8_t* d, std::size_t n, int dest);
    // Sends the held datagrams whose time has come.
    void release_due(Clock::time_point now);
    // When the next held datagram is due (max() if none).
    Clock::time_point next_due() const;
    const FaultCounters& counters() const { return counters_; }

private:
    struct Held {
        Clock::time_point due;
        std::vector<std::uint8_t> bytes;
        int dest;
        bool after_next;  // reordered: goes out right after the next datagram
    };
    double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }

    FaultSpec spec_;
    Sink sink_;
    std::mt19937_64 rng_;
    std::deque<Held> held_;
    FaultCounters counters_;
};

}  // namespace papers::udp
