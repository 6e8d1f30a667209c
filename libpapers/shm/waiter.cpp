// waiter.cpp — the slow path of waiting: yield, then sleep in futex with a
// deadline, noticing a peer that exited instead of waiting out the timeout.
#include "waiter.hpp"

#include <linux/membarrier.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "papers/papers.h"
#include "segment.hpp"

namespace papers::shm {

namespace {

bool membarrier_global() {
    return syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0) == 0;
}

}  // namespace

// A rank is gone when its process no longer exists or is a zombie (exited,
// not yet reaped by its parent).
bool pid_gone(std::int32_t pid) {
    if (pid <= 0) return false;
    if (kill(pid, 0) != 0) return errno == ESRCH;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    FILE* f = std::fopen(path, "r");
    if (!f) return false;
    char buf[512];
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const char* close_paren = std::strrchr(buf, ')');  // the name may hold spaces
    return close_paren && close_paren[1] == ' ' && (close_paren[2] == 'Z' || close_paren[2] == 'X');
}

bool register_membarrier() {
    const long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (cmds < 0 || !(cmds & MEMBARRIER_CMD_GLOBAL_EXPEDITED)) return false;
    return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0) == 0;
}

void Waiter::init(Segment* seg, int size, double timeout_s, FenceMode mode, Tuning t) {
    seg_ = seg;
    size_ = size;
    timeout_s_ = timeout_s;
    strong_ = mode == FenceMode::strong;
    spin_max_ = t.spin < 0 ? 0 : t.spin;
    spin_min_ = std::min(spin_max_, 16L);
    spin_ = spin_max_;
    yield_ns_ = t.yield_us < 0 ? 0 : t.yield_us * 1000;
}

bool Waiter::watched_rank_died(int watch, std::uint32_t target) {
    if (!liveness_) return false;
    auto gone = [&](int r) {
        const std::int32_t pid = seg_->area(r)->ctl.pid.load(std::memory_order_acquire);
        if (!pid_gone(pid)) return false;
        dead_rank_ = r;
        dead_pid_ = pid;
        return true;
    };
    if (watch >= 0) return gone(watch);
    for (int r = 0; r < size_; ++r)  // kWatchNotArrived: those still behind
        if (!reached(seg_->area(r)->bar[0].v.load(std::memory_order_acquire), target) && gone(r))
            return true;
    return false;
}

int Waiter::block(std::atomic<std::uint32_t>& word, std::uint32_t target,
                  std::atomic<std::uint32_t>& sleepers, int watch) {
    spin_ = std::max(spin_min_, spin_ / 2);
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    if (yield_ns_ > 0) {
        const auto yield_end = start + std::chrono::nanoseconds(yield_ns_);
        for (unsigned k = 1;; ++k) {
            sched_yield();
            if (reached(word.load(std::memory_order_acquire), target)) return 0;
            if ((k & 3) == 0 && clock::now() >= yield_end) break;
        }
    }
    const auto limit = std::chrono::duration<double>(timeout_s_);
    auto next_check = start + std::chrono::milliseconds(100);
    const bool weak = seg_->header()->weak_fence.load(std::memory_order_relaxed) != 0;
    const auto max_slice = (strong_ || !weak) ? std::chrono::milliseconds(100)
                                              : std::chrono::milliseconds(1);
    for (;;) {
        sleepers.fetch_add(1, std::memory_order_seq_cst);
        if (!strong_ && !weak && !membarrier_global()) {
            // Cannot fence the publishers: fall back to short slices for the job.
            seg_->header()->weak_fence.store(1, std::memory_order_relaxed);
        }
        const std::uint32_t cur = word.load(std::memory_order_seq_cst);
        if (reached(cur, target)) {
            sleepers.fetch_sub(1, std::memory_order_relaxed);
            return 0;
        }
        const auto now = clock::now();
        const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(limit - (now - start));
        auto slice = std::min<std::chrono::nanoseconds>(left, max_slice);
        if (seg_->header()->weak_fence.load(std::memory_order_relaxed) && !strong_)
            slice = std::min<std::chrono::nanoseconds>(slice, std::chrono::milliseconds(1));
        if (slice.count() > 0) sim::futex_wait(word, cur, slice);
        sleepers.fetch_sub(1, std::memory_order_relaxed);
        if (reached(word.load(std::memory_order_acquire), target)) return 0;
        const auto after = clock::now();
        const bool timed_out = after - start >= limit;
        if (timed_out || after >= next_check) {
            // A damaged segment explains a wait better than a silent rank does.
            damage_ = seg_->damage();
            if (!damage_.empty()) return PAPERS_EBROKEN;
        }
        if (timed_out) return PAPERS_ETIMEDOUT;
        if (after >= next_check) {
            next_check = after + std::chrono::milliseconds(100);
            if (watched_rank_died(watch, target)) {
                // It may have published just before exiting.
                if (reached(word.load(std::memory_order_acquire), target)) return 0;
                return PAPERS_EBROKEN;
            }
        }
    }
}

}  // namespace papers::shm
