// spin_wait.hpp — how an exchanger waits for the port (spec §7), shared by
// the hub and the CAPERS exchangers: poll `spin_polls` times without
// looking at the clock, then check the deadline (set at the first spin-out,
// PAPERS_TIMEOUT later) and give the CPU away (Port::idle: a futex on the
// simulated port, sched_yield on hardware); after a wake-up one look is
// enough before idling again. After each idle the port is asked whether its
// medium is damaged (Port::damage): both exchangers fail such a wait the same way.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "../core/error.hpp"
#include "exchanger.hpp"
#include "papers/driver/port.hpp"
#include "papers/papers.h"

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
    // PAPERS_EBROKEN, naming the operation and the damage, if the port's medium
    // was damaged meanwhile; PAPERS_OK otherwise.
    int idle(driver::Port& port, std::uint8_t last_status, const ExchangeLabel& where) {
        port.idle(last_status, deadline_);
        polls_left_ = 1;
        const std::string damage = port.damage();
        if (damage.empty()) return PAPERS_OK;
        return set_error(PAPERS_EBROKEN,
                         std::string(where.op) + " in phase '" + where.phase + "': " + damage);
    }

private:
    unsigned polls_left_;
    std::chrono::nanoseconds timeout_;
    driver::Clock::time_point deadline_{};
};

}  // namespace papers::hub
