// worker.cpp — one rank of a papers-bench run: times each operation with
// the C API and, on rank 0, prints one JSON record per operation.
#include <papers/papers.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "bench_ops.hpp"
#include "stats.hpp"
#include "turns.h"
#include "worker.hpp"

namespace papers::bench {

namespace {
using Clock = std::chrono::steady_clock;
// Interleaved with a reference job (turns.h): untimed calls at the start of
// each block absorb the skew of the ranks waking up, and no wait for the
// turn may last longer than this.
constexpr int kSkipPerBlock = 2;
constexpr double kTurnTimeout = 120;

int run_once(const OpSpec& op, std::vector<unsigned char>& a, std::vector<unsigned char>& b,
             int size) {
    if (op.name == "barrier") return papers_barrier();
    if (op.name == "any") return papers_any(0);
    if (op.name == "allreduce")
        return papers_reduce(a.data(), b.data(), op.bytes / 4, PAPERS_INT32, PAPERS_SUM);
    if (op.name == "allreduce_double")
        return papers_reduce(a.data(), b.data(), op.bytes / 8, PAPERS_DOUBLE, PAPERS_SUM);
    if (op.name == "bcast") return papers_bcast(a.data(), op.bytes, 0);
    if (op.name == "gather") return papers_gather(a.data(), b.data(), op.bytes);
    (void)size;
    return PAPERS_EINVAL;
}
}  // namespace

int run_worker(const std::vector<OpSpec>& ops, int iters, int warmup, const char* label, int blocks) {
    if (int rc = papers_init(); rc) {
        std::fprintf(stderr, "papers-bench: papers_init: %s: %s\n", papers_strerror(rc),
                     papers_errmsg());
        return 1;
    }
    const int rank = papers_rank(), size = papers_size();
    int job = 0;
    bench_turns* turns = bench_turns_attach(&job);
    if (turns) bench_turns_ready(turns);
    const int skip = turns ? kSkipPerBlock : 0;
    auto fail = [](const OpSpec& op, int rc) {
        std::fprintf(stderr, "papers-bench: %s: %s: %s\n", op.name.c_str(), papers_strerror(rc),
                     papers_errmsg());
        return 1;
    };
    std::uint32_t block_no = 0;
    for (const OpSpec& op : ops) {
        std::vector<unsigned char> a(op.bytes + 8, 1), b((op.bytes + 8) * size, 0);
        std::vector<double> us;
        us.reserve(iters);
        double reads = 0, writes = 0, hub_ops = 0;  // of the timed calls only
        for (int blk = 0; blk < blocks; ++blk, ++block_no) {
            if (turns && bench_turns_wait(turns, 2 * block_no + job, kTurnTimeout) != 0) {
                std::fprintf(stderr, "papers-bench: the reference job never passed the turn\n");
                return 1;
            }
            const int untimed = (blk == 0 ? warmup : 0) + skip;
            for (int i = 0; i < untimed; ++i)
                if (int rc = run_once(op, a, b, size); rc < 0) return fail(op, rc);
            papers_stats_t s0{}, s1{};
            papers_stats(&s0);
            for (int i = 0, n = bench_block_iters(iters, blocks, blk); i < n; ++i) {
                const auto t0 = Clock::now();
                const int rc = run_once(op, a, b, size);
                const auto t1 = Clock::now();
                if (rc < 0) return fail(op, rc);
                us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
            }
            papers_stats(&s1);
            reads += double(s1.port_reads - s0.port_reads);
            writes += double(s1.port_writes - s0.port_writes);
            hub_ops += double(s1.hub_ops - s0.hub_ops);
            if (blk == blocks - 1) {
                // Report the slowest PE's view: the largest per-PE median and
                // p99 (one PE may always arrive last and never wait).
                double local[2] = {percentile(us, 0.5), percentile(us, 0.99)}, worst[2] = {0, 0};
                if (int rc = papers_reduce(local, worst, 2, PAPERS_DOUBLE, PAPERS_MAX); rc < 0)
                    return fail(op, rc);
                if (rank == 0)
                    std::printf(
                        "{\"backend\":\"%s\",\"impl\":\"%s\",\"op\":\"%s\",\"np\":%d,\"bytes\":%zu,"
                        "\"iters\":%d,\"median_us\":%.3f,\"p99_us\":%.3f,\"port_reads\":%.2f,"
                        "\"port_writes\":%.2f,\"hub_ops\":%.2f}\n",
                        papers_backend_name(), label, op.name.c_str(), size, op.bytes, iters,
                        worst[0], worst[1], reads / iters, writes / iters, hub_ops / iters);
                std::fflush(stdout);
            }
            if (turns) bench_turns_done(turns, job);
        }
    }
    const int rc = papers_finalize();
    return rc ? 1 : 0;
}

}  // namespace papers::bench
