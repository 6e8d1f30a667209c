#include "trials.hpp"

#include "stats.hpp"

namespace papers::bench {

std::vector<Record> combine_trials(const std::vector<std::vector<Record>>& trials,
                                   const std::vector<std::vector<Record>>& refs) {
    std::vector<Record> out;
    if (trials.empty()) return out;
    for (std::size_t op = 0; op < trials.front().size(); ++op) {
        Record c = trials.front()[op];
        std::vector<double> med, p99, reads, writes, hub, ratios;
        for (std::size_t k = 0; k < trials.size(); ++k) {
            const Record& r = trials[k][op];
            med.push_back(r.median_us);
            p99.push_back(r.p99_us);
            reads.push_back(r.port_reads);
            writes.push_back(r.port_writes);
            hub.push_back(r.hub_ops);
            if (k < refs.size())
                if (const Record* x = matching(refs[k], r); x && x->median_us > 0)
                    ratios.push_back(r.median_us / x->median_us);
        }
        c.median_us = percentile(med, 0.5);
        c.p99_us = percentile(p99, 0.5);
        c.port_reads = percentile(reads, 0.5);
        c.port_writes = percentile(writes, 0.5);
        c.hub_ops = percentile(hub, 0.5);
        c.trials = static_cast<int>(trials.size());
        if (!ratios.empty()) {
            c.ratio = percentile(ratios, 0.5);
            c.ratio_lo = percentile(ratios, 0);
            c.ratio_hi = percentile(ratios, 1);
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace papers::bench
