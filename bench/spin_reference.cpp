// spin_reference.cpp — the best hand-written barrier: N forked processes on
// one shared cache line, sense reversal, pure spinning. It is the floor the
// shm backend is measured against (meaningful only with one core per PE).
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <vector>

#include "record.hpp"
#include "spin_reference.hpp"
#include "stats.hpp"

namespace papers::bench {

namespace {
struct alignas(64) Shared {
    std::atomic<int> count;
    std::atomic<int> sense;
    alignas(64) double median_us[64];
    double p99_us[64];
};

void spin_barrier(Shared& s, int n, int& local_sense) {
    local_sense ^= 1;
    if (s.count.fetch_add(1, std::memory_order_acq_rel) == n - 1) {
        s.count.store(0, std::memory_order_relaxed);
        s.sense.store(local_sense, std::memory_order_release);
    } else {
        while (s.sense.load(std::memory_order_acquire) != local_sense) __builtin_ia32_pause();
    }
}
}  // namespace

bool run_spin_reference(int np, int iters, int warmup, Record& out) {
    if (np < 1 || np > 64) return false;
    void* mem = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                     -1, 0);
    if (mem == MAP_FAILED) return false;
    auto* s = new (mem) Shared{};
    std::vector<pid_t> kids;
    for (int r = 1; r < np; ++r) {
        const pid_t pid = fork();
        if (pid == 0) {
            int sense = 0;
            std::vector<double> us;
            us.reserve(iters);
            for (int i = 0; i < warmup; ++i) spin_barrier(*s, np, sense);
            for (int i = 0; i < iters; ++i) {
                const auto t0 = std::chrono::steady_clock::now();
                spin_barrier(*s, np, sense);
                us.push_back(std::chrono::duration<double, std::micro>(
                                 std::chrono::steady_clock::now() - t0).count());
            }
            s->median_us[r] = percentile(us, 0.5);
            s->p99_us[r] = percentile(us, 0.99);
            _exit(0);
        }
        kids.push_back(pid);
    }
    int sense = 0;
    std::vector<double> us;
    us.reserve(iters);
    for (int i = 0; i < warmup; ++i) spin_barrier(*s, np, sense);
    for (int i = 0; i < iters; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        spin_barrier(*s, np, sense);
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                         .count());
    }
    for (pid_t p : kids) waitpid(p, nullptr, 0);
    s->median_us[0] = percentile(us, 0.5);
    s->p99_us[0] = percentile(us, 0.99);
    double worst_med = 0, worst_p99 = 0;  // the slowest PE's view, as papers-bench reports
    for (int r = 0; r < np; ++r) {
        worst_med = std::max(worst_med, s->median_us[r]);
        worst_p99 = std::max(worst_p99, s->p99_us[r]);
    }
    munmap(mem, sizeof(Shared));
    out = Record{};
    out.median_us = worst_med;
    out.p99_us = worst_p99;
    out.backend = out.impl = "spin";
    out.op = "barrier";
    out.np = np;
    out.iters = iters;
    return true;
}

}  // namespace papers::bench
