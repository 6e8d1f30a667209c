#include "direct_evaluator.hpp"

#include <pthread.h>
#include <sched.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "hub_rtl.hpp"

namespace papers::sim {

namespace {

// How long a PE spins, then yields, for a lock another PE holds before blocking on it. An
// evaluation takes about a microsecond, so the holder, when running, is done within the spin;
// yielding at once handed the CPU to whatever else ran on a loaded machine (a 2-PE barrier
// took 11 us instead of 2). A cross-vCPU futex wake-up costs tens of microseconds
// (NOTES.md, Port::idle), so blocking comes last.
constexpr auto kSpinForLock = std::chrono::microseconds(5);
constexpr auto kYieldForLock = std::chrono::microseconds(50);
// A blocked PE rechecks that the simulator still serves this often.
constexpr auto kLockSlice = std::chrono::milliseconds(50);

// pthread_mutex_lock for at most kLockSlice: EBUSY's blocking step. On the monotonic clock, so
// that setting the date cannot stretch a slice; but GCC 12's ThreadSanitizer does not intercept
// pthread_mutex_clocklock, so it misses that lock and reports the later unlock as "unlock of an
// unlocked mutex" (docs/reliability.md, tsan lane): under it, the intercepted timedlock on the
// real-time clock instead.
int lock_for_a_slice(pthread_mutex_t* m) {
#if defined(__SANITIZE_THREAD__)
    constexpr clockid_t clock = CLOCK_REALTIME;
#else
    constexpr clockid_t clock = CLOCK_MONOTONIC;
#endif
    timespec until{};
    clock_gettime(clock, &until);
    until.tv_nsec += std::chrono::nanoseconds(kLockSlice).count();
    until.tv_sec += until.tv_nsec / 1000000000;
    until.tv_nsec %= 1000000000;
#if defined(__SANITIZE_THREAD__)
    return pthread_mutex_timedlock(m, &until);
#else
    return pthread_mutex_clocklock(m, clock, &until);
#endif
}

}  // namespace

DirectEvaluator::DirectEvaluator(Wire& wire, std::unique_ptr<HubRtl> rtl)
    : wire_(wire), rtl_(std::move(rtl)), nports_(static_cast<int>(wire.nports)) {}

DirectEvaluator::~DirectEvaluator() = default;

// The lock is robust: if its holder died mid-evaluation, the committed slot is still whole
// (commit writes the other slot first), so this instance restores it and carries on.
bool DirectEvaluator::lock() {
    pthread_mutex_t* m = &wire_.direct.lock;
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        int rc = pthread_mutex_trylock(m);
        if (rc == EBUSY) {
            const auto waited = std::chrono::steady_clock::now() - start;
            if (waited < kSpinForLock) {
                for (int k = 0; k < 16; ++k) __builtin_ia32_pause();
                continue;
            }
            if (waited < kYieldForLock) {
                sched_yield();
                continue;
            }
            rc = lock_for_a_slice(m);
            if (rc == ETIMEDOUT) {
                if (!wire_.ready.load()) return false;  // the simulator is gone
                continue;
            }
        }
        if (rc == EOWNERDEAD) {
            pthread_mutex_consistent(m);
            local_gen_ = kNoGen;
            return true;
        }
        return rc == 0;
    }
}

void DirectEvaluator::unlock() { pthread_mutex_unlock(&wire_.direct.lock); }

// Stores the STATUS pins that differ from what the RTL drives now and, if any did, bumps the
// sequence word, waking PEs only if one announced it sleeps on it (as HubServer::publish).
bool DirectEvaluator::publish(bool force) {
    bool changed = false;
    for (int i = 0; i < nports_; ++i) {
        const std::uint8_t pins = rtl_->status_pins(i);
        if (!force && wire_.status_pins[i].load(std::memory_order_relaxed) == pins) continue;
        wire_.status_pins[i].store(pins);
        changed = true;
    }
    if (!changed) return false;
    wire_.status_seq.fetch_add(1);
    if (wire_.pe_sleepers.load()) futex_wake_all(wire_.status_seq);
    return true;
}

// Writes the state rtl_ holds into the slot after `from`, `batches` evaluations later, and
// makes it the committed one. False with *err if the state does not fit (power-on checks).
bool DirectEvaluator::commit(const HubState& from, std::uint64_t batches, std::string* err) {
    const std::uint32_t gen = wire_.direct.gen.load(std::memory_order_relaxed);
    HubState& to = wire_.direct.slots[(gen + 1) & 1];
    std::size_t size = 0;
    const std::uint8_t* bytes = rtl_->save_state(size);
    if (size > sizeof to.bytes) {
        if (err)
            *err = "the hub RTL's saved state takes " + std::to_string(size) +
                   " bytes, the wire holds " + std::to_string(sizeof to.bytes);
        return false;
    }
    std::memcpy(to.applied, applied_, sizeof to.applied);
    to.evals = from.evals + batches;
    to.size = static_cast<std::uint32_t>(size);
    std::memcpy(to.bytes, bytes, size);
    wire_.direct.gen.store(gen + 1, std::memory_order_release);
    local_gen_ = gen + 1;
    return true;
}

bool DirectEvaluator::power_on(std::string& err) {
    // As HubServer::run: clock the reset pipeline until it settles, then show every port
    // its pins before anyone looks.
    for (int k = 0; k < rtl_->settle_clocks(); ++k) rtl_->tick();
    publish(true);
    HubState& first = wire_.direct.slots[0];
    first.evals = 0;
    wire_.direct.gen.store(~std::uint32_t(0));  // so commit() writes slot 0 as gen 0
    if (!commit(first, 0, &err)) return false;
    wire_.hub_clocks.store(rtl_->clocks(), std::memory_order_relaxed);
    return true;
}

// Copies every DATA register that differs from the RTL's pins onto them; true if any did.
bool DirectEvaluator::apply_moved_inputs() {
    bool changed = false;
    for (int i = 0; i < nports_; ++i) {
        const std::uint8_t d = wire_.data[i].load();
        if (d == applied_[i]) continue;
        applied_[i] = d;
        rtl_->set_data(i, d);
        changed = true;
    }
    return changed;
}

void DirectEvaluator::evaluate() {
    if (!lock()) return;
    const std::uint32_t gen = wire_.direct.gen.load(std::memory_order_acquire);
    const HubState& now = wire_.direct.slots[gen & 1];
    bool changed = false;
    for (int i = 0; i < nports_ && !changed; ++i) changed = wire_.data[i].load() != now.applied[i];
    if (!changed) {  // another PE's evaluation already carried this write
        unlock();
        return;
    }
    if (gen != local_gen_) {
        rtl_->restore_state(now.bytes, now.size);
        std::memcpy(applied_, now.applied, sizeof applied_);
    }
    apply_moved_inputs();
    std::uint64_t batches = 1;
    // Clock the RTL until its pipeline has settled, publishing as G/R move, as the served
    // mode does (HubServer::apply_inputs_and_settle). A write another PE makes meanwhile (it
    // finds the lock taken and waits) joins at the next clock edge, as on the board, where
    // inputs change at any clock; the settling then starts over. That PE finds its write
    // carried when it gets the lock, so two PEs arriving together cost one evaluation, not two
    // in a row. (The served loop picks such a write up one evaluation later; the two modes
    // agree exactly for writes made one at a time, tests/sim/eval_modes_test.cpp.)
    for (int left = rtl_->settle_clocks(); left > 0;) {
        rtl_->tick();
        publish(false);
        if (apply_moved_inputs()) {
            ++batches;
            left = rtl_->settle_clocks();
        } else {
            --left;
        }
    }
    commit(now, batches);
    wire_.hub_evals.fetch_add(batches, std::memory_order_relaxed);
    wire_.hub_clocks.store(rtl_->clocks(), std::memory_order_relaxed);
    unlock();
}

std::unique_ptr<DirectEvaluator> make_direct_evaluator(Wire& wire, std::string& err) {
    const int npes = static_cast<int>(wire.nports);
    std::unique_ptr<HubRtl> rtl;
    if (wire.tree_leaf_ports > 0)
        rtl = make_tree_hub_rtl(TreeShape{wire.tree_leaf_ports, wire.tree_leaves}, npes, err);
    else
        rtl = make_flat_hub_rtl(npes, err);
    if (!rtl) return nullptr;
    return std::make_unique<DirectEvaluator>(wire, std::move(rtl));
}

}  // namespace papers::sim
