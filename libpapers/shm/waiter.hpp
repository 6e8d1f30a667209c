// waiter.hpp — how ranks signal and wait on 32-bit words in the segment.
//
// A publisher stores a new epoch into a word it owns; a waiter polls until
// the word reaches its target. Waiting is adaptive: poll up to a budget of
// times with a pause instruction (the budget is small when ranks outnumber
// cores and shrinks at run time when polling keeps failing), then give the
// core away with sched_yield() for a while, then sleep in futex(FUTEX_WAIT)
// on the word itself with a bounded slice. Yielding comes before sleeping
// because on this kind of VM a FUTEX_WAKE of a rank sleeping on another
// (idle, halted) vCPU costs ~50 us, while a yield hands the core to a
// runnable rank in ~2 us: when ranks outnumber cores, the rank we wait for is
// usually the one a yield lets run. The publisher
// calls FUTEX_WAKE only if a sleeper announced itself in the owner's
// `sleepers` counter, so the uncontended fast path has no system call.
//
// No lost wake-up: the sleeper increments `sleepers` and then re-reads the
// word; the publisher stores the word and then reads `sleepers`. That
// store->load pair needs a full fence on one side of each pair:
//   - strong mode: the publisher stores with seq_cst (xchg on x86);
//   - asymmetric mode: the publisher uses a plain store, and the sleeper,
//     already on its slow path, issues membarrier(GLOBAL_EXPEDITED), which
//     runs a full fence on every CPU running a registered rank.
// If a rank cannot register for membarrier, sleepers fall back to short
// futex slices (a missed wake-up then costs at most 1 ms).
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <sched.h>

#include <string>

#include "layout.hpp"
#include "papers/driver/sim_wire.hpp"

namespace papers::shm {

class Segment;

inline bool reached(std::uint32_t value, std::uint32_t target) {
    return static_cast<std::int32_t>(value - target) >= 0;  // wrap-safe epoch order
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

// Whose death makes a wait pointless (checked while sleeping).
inline constexpr int kWatchNotArrived = -1;  // every rank whose bar[0] is behind

class Waiter {
public:
    struct Tuning {
        long spin = 4000;       // most polls before yielding
        long yield_us = 50;     // how long to keep calling sched_yield() before sleeping
    };

    void init(Segment* seg, int size, double timeout_s, FenceMode mode, Tuning t);
    // Whether a sleeping waiter may conclude from kill(pid, 0) that a rank
    // died (off when ranks cannot see each other's pids, e.g. containers
    // with separate pid namespaces sharing /dev/shm).
    void set_liveness_checks(bool on) { liveness_ = on; }

    // Stores `v` into `word` (owned by this rank) and wakes sleepers, if any.
    inline void publish(std::atomic<std::uint32_t>& word, std::uint32_t v,
                        const std::atomic<std::uint32_t>& sleepers) {
        if (strong_) {
            word.store(v, std::memory_order_seq_cst);
            if (sleepers.load(std::memory_order_seq_cst) != 0) sim::futex_wake_all(word);
        } else {
            word.store(v, std::memory_order_release);
            std::atomic_signal_fence(std::memory_order_seq_cst);  // compiler order only
            if (sleepers.load(std::memory_order_relaxed) != 0) sim::futex_wake_all(word);
        }
    }

    // Waits until `word` reaches `target`. `sleepers` is the counter the
    // publisher reads; `watch` is the rank whose exit makes the wait
    // hopeless (or kWatchNotArrived). Returns 0, PAPERS_ETIMEDOUT or
    // PAPERS_EBROKEN (a watched rank exited: see dead_rank()). No message set.
    inline int wait(std::atomic<std::uint32_t>& word, std::uint32_t target,
                    std::atomic<std::uint32_t>& sleepers, int watch) {
        if (reached(word.load(std::memory_order_acquire), target)) return 0;
        for (long i = spin_; i > 0; --i) {
            cpu_relax();
            if (reached(word.load(std::memory_order_acquire), target)) {
                // The publisher ran while we polled: it has a core of its own.
                if (spin_ < spin_max_) spin_ = std::min(spin_max_, spin_ * 2);
                return 0;
            }
        }
        return block(word, target, sleepers, watch);
    }

    int dead_rank() const { return dead_rank_; }
    // Set when a wait failed PAPERS_EBROKEN because the segment was damaged
    // (Segment::damage) rather than because a rank died.
    const std::string& damage() const { return damage_; }
    int dead_pid() const { return dead_pid_; }
    double timeout_s() const { return timeout_s_; }
    bool strong() const { return strong_; }
    long spin() const { return spin_; }
    long spin_max() const { return spin_max_; }
    long yield_us() const { return yield_ns_ / 1000; }

private:
    int block(std::atomic<std::uint32_t>& word, std::uint32_t target,
              std::atomic<std::uint32_t>& sleepers, int watch);
    bool watched_rank_died(int watch, std::uint32_t target);

    Segment* seg_ = nullptr;
    int size_ = 1;
    double timeout_s_ = 10;
    bool strong_ = true;
    // Adaptive poll budget in [spin_min_, spin_max_]: halved whenever a wait
    // outlasts it (the publisher is probably not running: it shares our core
    // because other work occupies the rest), doubled whenever a poll
    // succeeds (the publisher runs in parallel). Ranks squeezed onto one
    // core thus stop burning the core they need after a few operations.
    long spin_ = 4000;
    long spin_max_ = 4000;
    long spin_min_ = 16;
    long yield_ns_ = 50000;
    bool liveness_ = true;
    int dead_rank_ = -1;
    int dead_pid_ = 0;
    std::string damage_;
};

// Registers this process for membarrier(GLOBAL_EXPEDITED); false if the
// kernel refuses (then asymmetric fencing must not be relied on).
bool register_membarrier();

// True if process `pid` no longer exists or is a zombie.
bool pid_gone(std::int32_t pid);

}  // namespace papers::shm
