// trials.hpp — several paired runs of papers and its reference, combined.
//
// Timings on a shared VM drift by up to 3x over minutes, so a ratio of two
// runs made one after the other can mislead. With --trials K the driver
// alternates papers and reference runs K times and reports, per operation,
// the median over trials of each side's median, and the median (and range)
// of the K per-trial ratios: drift that hits both sides of a pair cancels.
#pragma once
#include <vector>

#include "record.hpp"

namespace papers::bench {

// trials[k] holds trial k's records (the same operations in the same order
// in every trial). Returns one record per operation: median over trials of
// median_us, p99_us and the port counts; `ratio`, `ratio_lo`, `ratio_hi`
// from the pairs when `refs` is non-empty (refs[k] pairs with trials[k]).
std::vector<Record> combine_trials(const std::vector<std::vector<Record>>& trials,
                                   const std::vector<std::vector<Record>>& refs);

}  // namespace papers::bench
