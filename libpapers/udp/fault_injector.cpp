#include "fault_injector.hpp"

#include <cmath>
#include <cstdlib>

namespace papers::udp {

bool parse_fault_spec(std::string_view text, FaultSpec& spec, std::string& err) {
    spec = FaultSpec{};
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t comma = text.find(',', pos);
        const std::string item(text.substr(pos, comma == std::string_view::npos ? std::string_view::npos
                                                                                 : comma - pos));
        pos = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
        if (item.empty()) continue;
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos) {
            err = "PAPERS_UDP_FAULTS: '" + item + "' is not key=value";
            return false;
        }
        const std::string key = item.substr(0, eq), val = item.substr(eq + 1);
        if (key == "seed") {  // an integer: a double such as 1e300 does not fit (found by env_fuzz)
            if (val.empty() || val.size() > 19 || val.find_first_not_of("0123456789") != std::string::npos) {
                err = "PAPERS_UDP_FAULTS: '" + item + "' needs a whole number below 10^19";
                return false;
            }
            spec.seed = std::stoull(val);
            continue;
        }
        char* end = nullptr;
        const double v = std::strtod(val.c_str(), &end);
        if (val.empty() || *end != '\0' || !std::isfinite(v) || v < 0) {
            err = "PAPERS_UDP_FAULTS: '" + item + "' needs a non-negative number";
            return false;
        }
        if (key == "drop" || key == "dup" || key == "delay" || key == "reorder") {
            if (v > 0.9) {
                err = "PAPERS_UDP_FAULTS: " + key + "=" + val + " is above 0.9";
                return false;
            }
            (key == "drop" ? spec.drop : key == "dup" ? spec.dup : key == "delay" ? spec.delay
                                                                               : spec.reorder) = v;
        } else if (key == "delay_ms") {
            if (v > 1000) {
                err = "PAPERS_UDP_FAULTS: delay_ms above 1000";
                return false;
            }
            spec.delay_ms = v;
        } else {
            err = "PAPERS_UDP_FAULTS: unknown key '" + key +
                  "' (known: drop, dup, delay, reorder, delay_ms, seed)";
            return false;
        }
    }
    return true;
}

FaultInjector::FaultInjector(const FaultSpec& spec, int rank, Sink sink)
    : spec_(spec), sink_(std::move(sink)),
      rng_(spec.seed * 0x9E3779B97F4A7C15ull + std::uint64_t(rank) * 0xBF58476D1CE4E5B9ull + 1) {}

void FaultInjector::submit(const std::uint8_t* d, std::size_t n, int dest) {
    const auto now = Clock::now();
    if (uniform() < spec_.drop) {
        ++counters_.dropped;
        return;
    }
    const bool twice = uniform() < spec_.dup;
    if (twice) ++counters_.duplicated;
    for (int copy = 0; copy < (twice ? 2 : 1); ++copy) {
        if (uniform() < spec_.delay) {
            ++counters_.delayed;
            const auto hold = std::chrono::duration<double, std::milli>(uniform() * spec_.delay_ms);
            held_.push_back({now + std::chrono::duration_cast<Clock::duration>(hold),
                             std::vector<std::uint8_t>(d, d + n), dest, false});
        } else if (uniform() < spec_.reorder) {
            ++counters_.reordered;
            // Overtaken by the next datagram; released by time if none comes.
            held_.push_back({now + std::chrono::milliseconds(2), std::vector<std::uint8_t>(d, d + n),
                             dest, true});
        } else {
            sink_(d, n, dest);
            // Datagrams held "until the next one" may go now, after this one.
            for (auto it = held_.begin(); it != held_.end();) {
                if (it->after_next) {
                    Held h = std::move(*it);
                    it = held_.erase(it);
                    sink_(h.bytes.data(), h.bytes.size(), h.dest);
                } else {
                    ++it;
                }
            }
        }
    }
}

void FaultInjector::release_due(Clock::time_point now) {
    for (auto it = held_.begin(); it != held_.end();) {
        if (it->due <= now) {
            Held h = std::move(*it);
            it = held_.erase(it);
            sink_(h.bytes.data(), h.bytes.size(), h.dest);
        } else {
            ++it;
        }
    }
}

FaultInjector::Clock::time_point FaultInjector::next_due() const {
    auto t = Clock::time_point::max();
    for (const auto& h : held_)
        if (h.due < t) t = h.due;
    return t;
}

}  // namespace papers::udp
