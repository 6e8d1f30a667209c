// stats_cxx.cpp — the C++ API (papers/papers.hpp): a distributed summary
// of sample data. Each PE draws its own samples; together the PEs agree on
// the sample count, mean, extremes (and who holds them) and a histogram,
// with typed one-line collectives and an RAII session. Rank 0 then checks
// the result against a serial computation over everybody's samples.
//
//   papersrun -np 4 build/bin/stats_cxx [SAMPLES_PER_PE]
#include <papers/papers.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

constexpr int kBins = 8;

// Deterministic samples in [0, 1000) per rank (a 64-bit LCG), so rank 0 can
// regenerate any PE's data for the check.
std::vector<std::int32_t> samples_of(int rank, int n) {
    std::uint64_t x = 0x9E3779B97F4A7C15ull * std::uint64_t(rank + 1);
    std::vector<std::int32_t> v(static_cast<std::size_t>(n));
    for (auto& s : v) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        s = static_cast<std::int32_t>((x >> 33) % 1000);
    }
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        papers::session session;  // papers_init; papers_finalize at the end of the scope
        const int me = session.rank(), npes = session.size();

        // Rank 0 decides the sample count; everybody gets it by broadcast.
        const int per_pe = papers::broadcast(argc > 1 ? std::atoi(argv[1]) : 1000, 0);
        if (per_pe <= 0) {
            if (me == 0) std::fprintf(stderr, "stats_cxx: SAMPLES_PER_PE must be positive\n");
            return 2;
        }
        const auto mine = samples_of(me, per_pe);

        std::int64_t local_sum = 0;
        std::array<std::int64_t, kBins> hist{};
        for (auto s : mine) {
            local_sum += s;
            ++hist[std::size_t(s) * kBins / 1000];
        }
        const auto total = papers::allreduce(std::int64_t(mine.size()), papers::op::sum);
        const auto sum = papers::allreduce(local_sum, papers::op::sum);
        const auto lo = papers::minloc(*std::min_element(mine.begin(), mine.end()));
        const auto hi = papers::maxloc(*std::max_element(mine.begin(), mine.end()));
        papers::allreduce(hist, papers::op::sum);  // in place, kBins elements
        const std::vector<double> means = papers::gather(double(local_sum) / per_pe);
        const bool everyone_has_999 = papers::all(std::count(mine.begin(), mine.end(), 999) > 0);

        if (me == 0) {
            std::printf("stats_cxx: %d PEs on %s: %lld samples, mean %.3f\n", npes,
                        session.backend().c_str(), (long long)total, double(sum) / double(total));
            std::printf("stats_cxx: min %d on rank %d, max %d on rank %d, 999 on every PE: %s\n",
                        lo.value, lo.rank, hi.value, hi.rank, everyone_has_999 ? "yes" : "no");
            std::printf("stats_cxx: histogram");
            for (auto h : hist) std::printf(" %lld", (long long)h);
            std::printf("\nstats_cxx: per-PE means");
            for (double m : means) std::printf(" %.2f", m);
            std::printf("\n");

            // The serial check over everybody's samples.
            std::int64_t s_sum = 0;
            std::array<std::int64_t, kBins> s_hist{};
            std::int32_t s_lo = 1000, s_hi = -1;
            int s_lo_rank = -1, s_hi_rank = -1;
            for (int r = 0; r < npes; ++r)
                for (auto s : samples_of(r, per_pe)) {
                    s_sum += s;
                    ++s_hist[std::size_t(s) * kBins / 1000];
                    if (s < s_lo) {
                        s_lo = s;
                        s_lo_rank = r;
                    }
                    if (s > s_hi) {
                        s_hi = s;
                        s_hi_rank = r;
                    }
                }
            const bool ok = s_sum == sum && s_hist == hist && s_lo == lo.value &&
                            s_lo_rank == lo.rank && s_hi == hi.value && s_hi_rank == hi.rank &&
                            total == std::int64_t(npes) * per_pe;
            std::printf("stats_cxx: matches the serial computation: %s\n", ok ? "yes" : "NO");
            if (!ok) return 3;
        }

        // Errors are exceptions with the code: a root that is not a rank is
        // refused on the calling PE before anything reaches the hub, so
        // the session stays usable afterwards.
        try {
            papers::broadcast(1, npes);
        } catch (const papers::error& e) {
            if (me == 0)
                std::printf("stats_cxx: caught as expected (code %d): %s\n", e.code(), e.what());
        }
        papers::barrier();
        session.finalize();  // explicit, to see a failure; the destructor would be silent
    } catch (const papers::error& e) {
        std::fprintf(stderr, "stats_cxx: %s (code %d)\n", e.what(), e.code());
        return 1;
    }
    return 0;
}
