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
#include "worker.hpp"

namespace papers::bench {

namespace {
using Clock = std::chrono::steady_clock;

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

int run_worker(const std::vector<OpSpec>& ops, int iters, int warmup, const char* label) {
    if (int rc = papers_init(); rc) {
        std::fprintf(stderr, "papers-bench: papers_init: %s: %s\n", papers_strerror(rc),
                     papers_errmsg());
        return 1;
    }
    const int rank = papers_rank(), size = papers_size();
    for (const OpSpec& op : ops) {
        std::vector<unsigned char> a(op.bytes + 8, 1), b((op.bytes + 8) * size, 0);
        for (int i = 0; i < warmup; ++i)
            if (int rc = run_once(op, a, b, size); rc < 0) {
                std::fprintf(stderr, "papers-bench: %s: %s: %s\n", op.name.c_str(),
                             papers_strerror(rc), papers_errmsg());
                return 1;
            }
        papers_stats_reset();
        std::vector<double> us;
        us.reserve(iters);
        for (int i = 0; i < iters; ++i) {
            const auto t0 = Clock::now();
            const int rc = run_once(op, a, b, size);
            const auto t1 = Clock::now();
            if (rc < 0) {
                std::fprintf(stderr, "papers-bench: %s: %s: %s\n", op.name.c_str(),
                             papers_strerror(rc), papers_errmsg());
                return 1;
            }
            us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        }
        papers_stats_t st{};
        papers_stats(&st);
        // Report the slowest PE's view: the largest per-PE median and p99
        // (one PE may always arrive last and never wait).
        double local[2] = {percentile(us, 0.5), percentile(us, 0.99)}, worst[2] = {0, 0};
        if (int rc = papers_reduce(local, worst, 2, PAPERS_DOUBLE, PAPERS_MAX); rc < 0) {
            std::fprintf(stderr, "papers-bench: %s\n", papers_errmsg());
            return 1;
        }
        if (rank == 0)
            std::printf(
                "{\"backend\":\"%s\",\"impl\":\"%s\",\"op\":\"%s\",\"np\":%d,\"bytes\":%zu,"
                "\"iters\":%d,\"median_us\":%.3f,\"p99_us\":%.3f,\"port_reads\":%.2f,"
                "\"port_writes\":%.2f,\"hub_ops\":%.2f}\n",
                papers_backend_name(), label, op.name.c_str(), size, op.bytes, iters,
                worst[0], worst[1], double(st.port_reads) / iters,
                double(st.port_writes) / iters, double(st.hub_ops) / iters);
        std::fflush(stdout);
    }
    const int rc = papers_finalize();
    return rc ? 1 : 0;
}

}  // namespace papers::bench
