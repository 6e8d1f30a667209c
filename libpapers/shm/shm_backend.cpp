// shm_backend.cpp — the factory, start-up choices, finalize, the choice of
// reduce algorithm (shm_algorithms.hpp), and the error messages of every wait.
#include "shm_backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../core/config.hpp"
#include "../core/error.hpp"
#include "../core/typeops.hpp"
#include "shm_binding.hpp"
#include "shm_env.hpp"

namespace papers::shm {

namespace {

std::string rank_list(const std::vector<int>& v) {
    std::string s;
    for (int r : v) s += (s.empty() ? "" : ", ") + std::to_string(r);
    return s.empty() ? "none" : s;
}

std::string seconds(double s) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", s);
    return b;
}

// Reductions longer than this many bytes use reduce-scatter + all-gather
// (each rank combines 1/N of the vector) when there are 3 or more ranks;
// with 2 ranks the flat form moves the same bytes with one step less.
constexpr std::size_t kSplitMinBytes = 4096;
constexpr std::size_t kSplitMinBytesShared = 32768;

}  // namespace

int ShmBackend::open(const Config& cfg) {
    me_ = cfg.rank;
    n_ = cfg.size;
    // Ranks outnumber the CPUs we may use (online CPUs, narrowed by the
    // affinity mask papersrun, taskset or a container gave us).
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1) cpus = 1;
    cpus = std::min<long>(cpus, usable_cpus());
    const bool oversubscribed = n_ > cpus;

    env::Reader in(shm_env::kTable);
    const std::string_view fence = in.choice(shm_env::kFence);
    const std::string_view bind = in.choice(shm_env::kBind);
    const long yield_us = in.integer(shm_env::kYieldUs, oversubscribed ? 200 : 50);
    if (!in.ok()) return set_error(PAPERS_EINVAL, in.error());
    algo::Resolver forced(cfg.forced, "shm");
    const BarrierRow* barrier = forced.forced<BarrierAlgo, BarrierShape>("barrier", kBarrierAlgorithms);
    const ReduceRow* reduce = forced.forced<ReduceAlgo, ReduceShape>("reduce", kReduceAlgorithms);
    if (std::string err; !forced.ok(err)) return set_error(PAPERS_EINVAL, err);

    // The creator's choices hold for the whole job (all ranks must agree,
    // whatever their own environment says).
    Choices c;
    c.barrier_algo = algo::select<BarrierAlgo, BarrierShape>(
                         kBarrierAlgorithms, BarrierShape{n_, oversubscribed}, barrier)
                         .id;
    // Fence (waiter.hpp): asymmetric when every rank has a CPU, so the fast
    // path is a plain store (measured with 2 ranks: a vote 0.067 us a call in
    // a loop instead of 0.081 us with xchg); strong when ranks share CPUs,
    // where waiters sleep often and a membarrier IPI per sleep would cost
    // more than it saves. Every rank registers, whatever the creator
    // decides: a rank that fails flags the job so that sleepers stop
    // trusting the asymmetric fence.
    const bool membarrier_ok = register_membarrier();
    c.fence_mode = (!oversubscribed && membarrier_ok) ? FenceMode::asymmetric : FenceMode::strong;
    if (fence == "strong") c.fence_mode = FenceMode::strong;
    if (fence == "asymmetric") c.fence_mode = FenceMode::asymmetric;
    // Sharing cores, every extra step costs context switches: split later.
    c.split_min_bytes = oversubscribed ? kSplitMinBytesShared : kSplitMinBytes;
    c.forced_reduce = reduce ? static_cast<std::uint32_t>(reduce->id) : kAutomatic;
    if (int rc = seg_.open(cfg, c); rc) return rc;
    Header* h = seg_.header();
    bind_rank(binding_, me_, n_, bind);
    if (h->fence_mode == FenceMode::asymmetric && !membarrier_ok)
        h->weak_fence.store(1, std::memory_order_relaxed);

    // Spin long when every rank has a core; not at all when ranks share
    // cores, where polling only steals time from the rank being waited for.
    // Ranks sharing cores go straight to yielding (measured here with 4
    // ranks on 2 cores: 20 polls first cost +30%, 200 polls +300%).
    Waiter::Tuning t;
    t.spin = cfg.spin >= 0 ? cfg.spin : (oversubscribed ? 0 : 4000);
    t.yield_us = yield_us;
    w_.init(&seg_, n_, cfg.timeout_s, h->fence_mode, t);
    // Every rank attached a moment ago: one we cannot see is in another pid
    // namespace, not dead, and then pids tell nothing.
    for (int r = 0; r < n_; ++r)
        if (pid_gone(seg_.area(r)->ctl.pid.load(std::memory_order_acquire)))
            w_.set_liveness_checks(false);
    st_.init(&seg_, &w_, me_, n_);
    algo_ = h->barrier_algo;
    my_sleepers_ = &seg_.area(me_)->ctl.sleepers;
    for (int k = 0; (1 << k) < n_; ++k) {
        const int from = ((me_ - (1 << k)) % n_ + n_) % n_;
        rounds_v_.push_back(Round{&seg_.area(me_)->bar[k].v, &seg_.area(from)->bar[k].v,
                                  &seg_.area(from)->ctl.sleepers, from});
    }
    rounds_ = static_cast<int>(rounds_v_.size());
    scratch_.resize(std::size_t(n_));
    split_min_bytes_ = h->split_min_bytes;
    for (const ReduceRow& row : kReduceAlgorithms)
        if (static_cast<std::uint32_t>(row.id) == h->forced_reduce) forced_reduce_ = &row;
    return PAPERS_OK;
}

int ShmBackend::finalize() {
    // Nobody may still need my slots (a bcast root returns before its
    // readers copied): the barrier proves everyone is done with them.
    const int rc = barrier();
    if (rc == 0) seg_.close_job();
    seg_.detach();
    binding_.restore();
    return rc < 0 ? rc : PAPERS_OK;
}

int ShmBackend::reduce(const void* in, void* out, std::size_t count, papers_type_t type,
                       papers_op_t op) {
    const ReduceShape shape{n_, count * type_size(type), split_min_bytes_};
    switch (algo::select<ReduceAlgo, ReduceShape>(kReduceAlgorithms, shape, forced_reduce_).id) {
        case ReduceAlgo::split: return reduce_split(in, out, count, type, op);
        case ReduceAlgo::flat: break;
    }
    return reduce_flat(in, out, count, type, op);
}

int ShmBackend::wait_failed(int rc, const char* op, const std::string& phase, int awaited,
                            const std::vector<int>& behind) {
    if (rc == PAPERS_EBROKEN && !w_.damage().empty())
        return set_error(PAPERS_EBROKEN, std::string(op) + ": " + w_.damage() + " (rank " +
                                             std::to_string(me_) + " was " + phase + ")");
    if (rc == PAPERS_EBROKEN)
        return set_error(PAPERS_EBROKEN,
                         std::string(op) + ": rank " + std::to_string(w_.dead_rank()) + " (pid " +
                             std::to_string(w_.dead_pid()) + ") exited while rank " +
                             std::to_string(me_) + " was " + phase);
    const std::string whom = awaited >= 0 ? " for rank " + std::to_string(awaited) : "";
    return set_error(rc, std::string(op) + ": timed out after " + seconds(w_.timeout_s()) +
                             " s " + phase + " (rank " + std::to_string(me_) + " waiting" +
                             whom + "); ranks not yet arrived: " + rank_list(behind));
}

int ShmBackend::barrier_failed(int rc, const char* op, int round, std::uint32_t epoch,
                               int awaited) {
    std::vector<int> behind;
    for (int r = 0; r < n_; ++r)
        if (!reached(seg_.area(r)->bar[0].v.load(std::memory_order_acquire), epoch))
            behind.push_back(r);
    const std::string phase =
        round >= 0 ? "in dissemination round " + std::to_string(round + 1) + " of " +
                         std::to_string(rounds_)
                   : std::string("in the central barrier");
    return wait_failed(rc, op, phase, awaited, behind);
}

int ShmBackend::step_failed(int rc, const char* op) {
    const std::uint32_t s = st_.step();
    const bool reading_prev = std::strstr(st_.phase(), "previous") != nullptr;
    return wait_failed(rc, op, std::string(st_.phase()) + ", step " + std::to_string(s),
                       st_.awaited(), st_.behind(reading_prev ? s - 1 : s));
}

std::unique_ptr<Backend> make_shm_backend(const Config& cfg, int* code) {
    auto b = std::make_unique<ShmBackend>();
    if (int rc = b->open(cfg); rc) {
        *code = rc;
        return nullptr;
    }
    return b;
}

}  // namespace papers::shm
