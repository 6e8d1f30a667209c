// port.hpp — the port abstraction: one PE's parallel port as the hub
// protocol sees it. Implementations: the simulated port (sim_port.hpp),
// libieee1284, direct inb/outb. Every access is counted, because on real
// hardware each costs about 1 us and the count per operation is the latency.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace papers::driver {

struct PortCounters {
    std::uint64_t reads = 0;           // STATUS reads
    std::uint64_t writes = 0;          // DATA writes
    std::uint64_t control_writes = 0;  // CONTROL writes
};

using Clock = std::chrono::steady_clock;

class Port {
public:
    virtual ~Port() = default;
    Port() = default;
    Port(const Port&) = delete;
    Port& operator=(const Port&) = delete;

    // DATA register (base+0).
    void write_data(std::uint8_t v) { ++counters_.writes; do_write_data(v); }
    // STATUS register (base+1), raw as inb returns it (BUSY inverted).
    std::uint8_t read_status() { ++counters_.reads; return do_read_status(); }
    // CONTROL register (base+2).
    void write_control(std::uint8_t v) { ++counters_.control_writes; do_write_control(v); }

    // Give the CPU away after a spin found no change: return when the status
    // may have changed from `last_status`, or soon after `deadline`. Not a
    // port access. Hardware ports yield; the simulated port blocks on a futex.
    virtual void idle(std::uint8_t last_status, Clock::time_point deadline);

    // How many polls are worth spinning before idle(): high where the PE owns
    // a CPU (hardware), low where PEs may outnumber cores (simulation).
    virtual unsigned spin_polls() const { return 1000; }

    virtual std::string name() const = 0;

    // Why the medium can no longer be trusted (the simulated wire's header was
    // overwritten while in use, ...), or empty while it is sound. An exchanger
    // asks after each idle(), so a damaged medium fails the wait at once,
    // naming the damage, instead of at the timeout as a silent PE. Not a port
    // access: hardware has nothing to check (a cable has no header).
    virtual std::string damage() const { return {}; }

    const PortCounters& counters() const { return counters_; }
    void reset_counters() { counters_ = {}; }

protected:
    virtual void do_write_data(std::uint8_t v) = 0;
    virtual std::uint8_t do_read_status() = 0;
    virtual void do_write_control(std::uint8_t v) = 0;

private:
    PortCounters counters_;
};

}  // namespace papers::driver
