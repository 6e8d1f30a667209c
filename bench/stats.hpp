// stats.hpp — median and p99 of latency samples.
#pragma once
#include <algorithm>
#include <vector>

namespace papers::bench {

inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5));
    return v[i];
}

}  // namespace papers::bench
