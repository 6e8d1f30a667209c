// shm_backend.hpp — the shared-memory backend (heir of AFAPI's SHMAPERS):
// processes on one host exchange full-width data through one POSIX shared
// segment. Each operation lives in its own file:
//   barrier_dissemination.cpp  log2(N) rounds of flag exchange (cores >= ranks)
//   barrier_central.cpp        counter + one futex word (ranks > cores)
//   votes.cpp                  any / all / waitvec in one step
//   bcast_pipelined.cpp        root's chunks through two alternating slots
//   gather_flat.cpp            every rank's block, chunked
//   putget_flat.cpp            every rank puts, reads its source
//   reduce_flat.cpp            every rank combines all contributions
//   reduce_split.cpp           reduce-scatter + all-gather for long vectors
//   reduce_loc.cpp             min/max with location in one step
//   reduce_kernels.cpp         vectorisable element loops of the reductions
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "../core/backend.hpp"
#include "../core/placement.hpp"
#include "segment.hpp"
#include "shm_algorithms.hpp"
#include "steps.hpp"
#include "waiter.hpp"

namespace papers::shm {

class ShmBackend final : public Backend {
public:
    ShmBackend() = default;
    int open(const Config& cfg);

    int barrier() override {
        return algo_ == BarrierAlgo::central ? barrier_central() : barrier_dissemination();
    }
    int any(int flag) override;
    int all(int flag) override;
    int waitvec(int flag, std::uint64_t* mask) override;
    int bcast(void* buf, std::size_t bytes, int root) override;
    int gather(const void* in, void* out, std::size_t bytes) override;
    int putget(const void* in, void* out, std::size_t bytes, int src) override;
    int reduce(const void* in, void* out, std::size_t count, papers_type_t type,
               papers_op_t op) override;
    int reduce_loc(void* value, int* rank, papers_type_t type, papers_op_t op) override;
    int finalize() override;
    const char* name() const override { return "shm"; }

    // For tests and benchmarks: what start-up decided.
    BarrierAlgo barrier_algo() const { return algo_; }
    const Waiter& waiter() const { return w_; }
    int bound_cpu() const { return binding_.cpu(); }

private:
    int barrier_dissemination();
    int barrier_central();
    int reduce_flat(const void* in, void* out, std::size_t count, papers_type_t type,
                    papers_op_t op);
    int reduce_split(const void* in, void* out, std::size_t count, papers_type_t type,
                     papers_op_t op);
    // One step in which every rank sends one byte (its flag != 0) and reads all.
    int vote_step(int flag, const char* op, unsigned char* flags_out);

    // Error messages (cold paths).
    int barrier_failed(int rc, const char* op, int round, std::uint32_t epoch, int awaited);
    int step_failed(int rc, const char* op);
    int wait_failed(int rc, const char* op, const std::string& phase, int awaited,
                    const std::vector<int>& behind);

    Segment seg_;
    Waiter w_;
    Steps st_;
    int me_ = 0, n_ = 1;
    BarrierAlgo algo_ = BarrierAlgo::dissemination;

    // Barrier state: epoch of the last barrier and, per dissemination round,
    // the word I publish and the word (and its owner) I wait for.
    std::uint32_t bar_epoch_ = 0;
    int rounds_ = 0;
    std::atomic<std::uint32_t>* my_sleepers_ = nullptr;
    struct Round {
        std::atomic<std::uint32_t>* mine;          // my flag of this round
        std::atomic<std::uint32_t>* from;          // the flag I wait for
        std::atomic<std::uint32_t>* from_sleepers; // its owner's sleeper count
        int from_rank;
    };
    std::vector<Round> rounds_v_;
    std::vector<unsigned char> scratch_;  // per-rank flags of a vote
    std::uint64_t split_min_bytes_ = 0;   // longer reductions use reduce_split (N >= 3)
    const ReduceRow* forced_reduce_ = nullptr;  // the creator's PAPERS_ALGORITHMS=reduce=
    CpuBinding binding_;                  // this rank's CPU, if bound
};

}  // namespace papers::shm
