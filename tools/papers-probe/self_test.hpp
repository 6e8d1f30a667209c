// self_test.hpp — the cable check: with ONLY this PE enabled on the hub, the
// hub's NAND over one PE is the complement of its own nybble, so 16
// exchanges with x = 0..15 must answer R = ~x & 0xF. A wrong bit names the
// X/R wire pair to look at; no answer means other ports are enabled or the
// hub is not there.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "papers/driver/port.hpp"

namespace papers::probe {

struct NybbleResult {
    std::uint8_t x = 0, expect = 0, got = 0;
    bool answered = false;
    bool ok() const { return answered && got == expect; }
};

struct SelfTestReport {
    std::vector<NybbleResult> results;
    std::uint8_t bad_bits = 0;  // bits that were wrong in any answer
    std::string failure;        // set when the hub stopped answering
    bool passed() const;
};

SelfTestReport run_self_test(driver::Port& port, std::chrono::nanoseconds timeout, int rounds);

// Human-readable lines for the report.
std::vector<std::string> describe(const SelfTestReport& rep);

}  // namespace papers::probe
