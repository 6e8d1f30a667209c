// udp_barrier_perf — quick latency probe for the udp backend (not a ctest):
// every rank runs `--iters` barriers after a warm-up; rank 0 prints the
// median and p90 of the per-barrier time. Run it as a job, e.g.
//   papersrun --backend udp -np 2 udp_barrier_perf --iters 20000
// Compare with Open MPI over TCP in the same session:
//   mpirun --allow-run-as-root --mca btl tcp,self -np 2 papers-bench-mpi --ops barrier
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "papers/papers.h"

int main(int argc, char** argv) {
    int iters = 20000, warmup = 2000;
    const char* op = "barrier";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--iters") && i + 1 < argc) iters = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--op") && i + 1 < argc) op = argv[++i];
    }
    if (int rc = papers_init()) {
        std::fprintf(stderr, "papers_init: %s: %s\n", papers_strerror(rc), papers_errmsg());
        return 1;
    }
    const bool reduce = !std::strcmp(op, "reduce");
    auto once = [&] {
        if (!reduce) return papers_barrier();
        int a = 1, b = 0;
        return papers_reduce(&a, &b, 1, PAPERS_INT32, PAPERS_SUM);
    };
    for (int i = 0; i < warmup; ++i)
        if (int rc = once()) {
            std::fprintf(stderr, "%s: %s\n", papers_strerror(rc), papers_errmsg());
            return 1;
        }
    std::vector<double> us(static_cast<std::size_t>(iters));
    for (int i = 0; i < iters; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        if (int rc = once()) {
            std::fprintf(stderr, "%s: %s\n", papers_strerror(rc), papers_errmsg());
            return 1;
        }
        us[std::size_t(i)] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    }
    std::sort(us.begin(), us.end());
    if (papers_rank() == 0)
        std::printf("%s %s np=%d iters=%d median_us=%.2f p90_us=%.2f p99_us=%.2f\n", papers_backend_name(), op,
                    papers_size(), iters, us[us.size() / 2], us[us.size() * 9 / 10], us[us.size() * 99 / 100]);
    papers_finalize();
    return 0;
}
