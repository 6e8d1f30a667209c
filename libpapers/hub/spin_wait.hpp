// spin_wait.hpp — how an exchanger waits for the port (spec §7), shared by
// the hub and the CAPERS exchangers: poll `spin_polls` times without
// looking at the clock, then check the deadline (set at the first spin-out,
// PAPERS_TIMEOUT later) and give the CPU away (Port::idle: a futex on the
// simulated port, sched_yield on hardware); after a wake-up one look is
// enough before idling again.
#pragma once
#include <chrono>
#include <cstdint>

#include "papers/driver/port.hpp"

namespace papers::hub {

class SpinWait {
public:
    SpinWait(unsigned spin_polls, std::chrono::nanoseconds timeout)
        : polls_left_(spin_polls ? spin_polls : 1), timeout_(timeout) {}

    // One more cheap poll before the clock is looked at.
    bool spin() { return --polls_left_ > 0; }
    // Spun out: has the wait exceeded the timeout?
    bool expired() {
        const auto now = driver::Clock::now();
        if (deadline_ == driver::Clock::time_point{}) deadline_ = now + timeout_;
        return now >= deadline_;
    }
    // Gives the CPU away until `last_status` may have changed (or the deadline).
    void idle(driver::Port& port, std::uint8_t last_status) {
        port.idle(last_status, deadline_);
        polls_left_ = 1;
    }

private:
    unsigned polls_left_;
    std::chrono::nanoseconds timeout_;
    driver::Clock::time_point deadline_{};
};

}  // namespace papers::hub
