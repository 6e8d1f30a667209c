// hub_clock.hpp — the simulated hub's clock as its traces show it: 20 ns (50 MHz), VCD time
// in ns (the models are verilated with --timescale-override 1ns/1ns). A PE stamps its trace
// notes with the wire's hub_clocks count; time in the VCD = count x kHubClockPeriodNs.
#pragma once
#include <cstdint>

namespace papers::sim {

inline constexpr std::uint64_t kHubClockPeriodNs = 20;

}  // namespace papers::sim
