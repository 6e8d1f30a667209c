// shm_quick_bench — latency of shm operations, measured the way papers-bench
// and bench/mpi_reference.c do (each call timed alone; median of the calls),
// plus the loop average, and the hand-written spin barriers the shm barrier
// is judged against. Not run by ctest: timings on a shared 2-core VM are not
// pass/fail material.
//
//   shm_quick_bench -np 2 --pin --ops barrier,allreduce_double:8192
//   shm_quick_bench -np 4 --ops barrier
//   shm_quick_bench -np 2 --pin --ref           (spin-barrier references)
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "papers/papers.h"

namespace {

double now_us() {
    return std::chrono::duration<double, std::micro>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
double pct(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::size_t(p * double(v.size() - 1) + 0.5)];
}

void pin(int rank) {
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(int(rank % cpus), &set);
    sched_setaffinity(0, sizeof set, &set);
}

struct Opts {
    int np = 2;
    bool pin = false;
    bool ref = false;
    int iters = 20000;
    int reps = 7;
    std::string ops = "barrier,allreduce_double:8192";
};

// --- the spin-barrier references (two or more processes, no library) ------

struct alignas(64) Line {
    std::atomic<unsigned> v;
};

// Sense-reversing counter barrier (Mellor-Crummey & Scott's central barrier).
struct Central {
    Line count, sense;
};
// The same with counter and sense on one cache line (bench/spin_reference.cpp).
struct alignas(64) OneLine {
    std::atomic<int> count;
    std::atomic<int> sense;
};
void one_line_barrier(OneLine& s, int n, int& local_sense) {
    local_sense ^= 1;
    if (s.count.fetch_add(1, std::memory_order_acq_rel) == n - 1) {
        s.count.store(0, std::memory_order_relaxed);
        s.sense.store(local_sense, std::memory_order_release);
    } else {
        while (s.sense.load(std::memory_order_acquire) != local_sense) __builtin_ia32_pause();
    }
}
void central_barrier(Central& c, unsigned& local_sense, int n) {
    local_sense ^= 1;
    if (c.count.v.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        c.count.v.store(unsigned(n), std::memory_order_relaxed);
        c.sense.v.store(local_sense, std::memory_order_release);
    } else {
        while (c.sense.v.load(std::memory_order_acquire) != local_sense) __builtin_ia32_pause();
    }
}

// Pairwise flags with epochs (the dissemination barrier for 2 ranks).
void flag_barrier(Line* flags, int me, unsigned& epoch) {
    ++epoch;
    flags[me].v.store(epoch, std::memory_order_release);
    while (int(flags[1 - me].v.load(std::memory_order_acquire) - epoch) < 0) __builtin_ia32_pause();
}

int run_reference(const Opts& o) {
    if (o.np != 2) {
        std::fprintf(stderr, "--ref needs -np 2\n");
        return 2;
    }
    void* mem = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    auto* central = new (mem) Central{};
    central->count.v = 2;
    Line* flags = reinterpret_cast<Line*>(static_cast<char*>(mem) + 1024);
    auto* one = new (static_cast<char*>(mem) + 2048) OneLine{};
    int one_sense = 0;
    std::fflush(nullptr);
    pid_t kid = fork();
    const int me = kid == 0 ? 1 : 0;
    if (o.pin) pin(me);
    unsigned sense = 0, epoch = 0;
    static const char* const names[] = {"sense-reversal-2lines", "flag-exchange",
                                        "sense-reversal-1line"};
    for (int variant = 0; variant < 3; ++variant) {
        auto bar = [&] {
            if (variant == 0) central_barrier(*central, sense, 2);
            else if (variant == 1) flag_barrier(flags, me, epoch);
            else one_line_barrier(*one, 2, one_sense);
        };
        std::vector<double> per_call, loop;
        for (int i = 0; i < 2000; ++i) bar();
        for (int rep = 0; rep < o.reps; ++rep) {
            std::vector<double> t(std::size_t(o.iters));
            for (int i = 0; i < o.iters; ++i) {
                const double t0 = now_us();
                bar();
                t[std::size_t(i)] = now_us() - t0;
            }
            per_call.push_back(median(t));
            std::vector<double> chunks;
            for (int c = 0; c < o.iters / 200; ++c) {
                const double l0 = now_us();
                for (int i = 0; i < 200; ++i) bar();
                chunks.push_back((now_us() - l0) / 200);
            }
            loop.push_back(chunks.empty() ? 0 : median(chunks));
        }
        if (me == 0)
            std::printf("ref %-22s np=2 median_us=%.3f loop_avg_us=%.3f (median of %d reps)\n",
                        names[variant], median(per_call), median(loop), o.reps);
    }
    if (kid == 0) _exit(0);
    waitpid(kid, nullptr, 0);
    return 0;
}

// --- papers operations -----------------------------------------------------

int run_once(const std::string& op, std::size_t bytes, std::vector<char>& a,
             std::vector<char>& b) {
    if (op == "barrier") return papers_barrier();
    if (op == "any") return papers_any(0);
    if (op == "allreduce") return papers_reduce(a.data(), b.data(), bytes / 4, PAPERS_INT32, PAPERS_SUM);
    if (op == "allreduce_double")
        return papers_reduce(a.data(), b.data(), bytes / 8, PAPERS_DOUBLE, PAPERS_SUM);
    if (op == "bcast") return papers_bcast(a.data(), bytes, 0);
    if (op == "gather") return papers_gather(a.data(), b.data(), bytes);
    return -1;
}

int rank_main(const Opts& o, int rank) {
    if (o.pin) pin(rank);
    if (int rc = papers_init(); rc) {
        std::fprintf(stderr, "rank %d: %s\n", rank, papers_errmsg());
        return 1;
    }
    const int n = papers_size();
    std::string list = o.ops;
    std::size_t pos = 0;
    while (pos <= list.size()) {
        std::size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        std::string tok = list.substr(pos, comma - pos);
        pos = comma + 1;
        if (tok.empty()) continue;
        std::string name = tok;
        std::size_t bytes = 4;
        if (auto c = tok.find(':'); c != std::string::npos) {
            name = tok.substr(0, c);
            bytes = std::strtoull(tok.c_str() + c + 1, nullptr, 10);
        }
        std::vector<char> a(bytes + 8, 1), b((bytes + 8) * std::size_t(n), 0);
        std::vector<double> per_call, loop, p99;
        for (int i = 0; i < 1000; ++i) run_once(name, bytes, a, b);
        for (int rep = 0; rep < o.reps; ++rep) {
            std::vector<double> t(std::size_t(o.iters));
            papers_barrier();
            for (int i = 0; i < o.iters; ++i) {
                const double t0 = now_us();
                if (int rc = run_once(name, bytes, a, b); rc < 0) {
                    std::fprintf(stderr, "rank %d: %s\n", rank, papers_errmsg());
                    return 1;
                }
                t[std::size_t(i)] = now_us() - t0;
            }
            per_call.push_back(median(t));
            p99.push_back(pct(t, 0.99));
            // Loop average without per-call clock reads, over chunks of
            // 200 calls (median of chunks: preemptions only spoil a few).
            std::vector<double> chunks;
            for (int c = 0; c < o.iters / 200; ++c) {
                const double l0 = now_us();
                for (int i = 0; i < 200; ++i) run_once(name, bytes, a, b);
                chunks.push_back((now_us() - l0) / 200);
            }
            if (!chunks.empty()) loop.push_back(median(chunks));
        }
        if (loop.empty()) loop.push_back(0);
        if (rank == 0)
            std::printf("shm %-18s np=%d bytes=%zu median_us=%.3f p99_us=%.3f loop_avg_us=%.3f "
                        "(median of %d reps x %d calls)\n",
                        name.c_str(), n, name == "barrier" ? std::size_t(0) : bytes,
                        median(per_call), median(p99), median(loop), o.reps, o.iters);
        std::fflush(stdout);
    }
    return papers_finalize() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    Opts o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-np" && i + 1 < argc) o.np = std::atoi(argv[++i]);
        else if (a == "--pin") o.pin = true;
        else if (a == "--ref") o.ref = true;
        else if (a == "--iters" && i + 1 < argc) o.iters = std::atoi(argv[++i]);
        else if (a == "--reps" && i + 1 < argc) o.reps = std::atoi(argv[++i]);
        else if (a == "--ops" && i + 1 < argc) o.ops = argv[++i];
        else {
            std::fprintf(stderr,
                         "usage: shm_quick_bench [-np N] [--pin] [--ref] [--iters K] [--reps R] "
                         "[--ops barrier,any,allreduce:B,allreduce_double:B,bcast:B,gather:B]\n");
            return 2;
        }
    }
    if (o.ref) return run_reference(o);
    const std::string job = "quick-" + std::to_string(getpid());
    std::fflush(nullptr);
    std::vector<pid_t> kids;
    for (int r = 0; r < o.np; ++r) {
        pid_t pid = fork();
        if (pid == 0) {
            setenv("PAPERS_BACKEND", "shm", 1);
            setenv("PAPERS_RANK", std::to_string(r).c_str(), 1);
            setenv("PAPERS_SIZE", std::to_string(o.np).c_str(), 1);
            setenv("PAPERS_JOB", job.c_str(), 1);
            _exit(rank_main(o, r));
        }
        kids.push_back(pid);
    }
    int bad = 0;
    for (pid_t k : kids) {
        int st = 0;
        waitpid(k, &st, 0);
        bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
    }
    return bad;
}
