// segment.hpp — the job's shared segment: race-free creation by whichever
// rank comes first, attachment with a membership check, and removal by the
// last rank to leave.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "layout.hpp"
#include "papers/driver/sealed_words.hpp"

namespace papers {
struct Config;
}

namespace papers::shm {

// Decisions the creator writes into the header so that all ranks agree.
struct Choices {
    BarrierAlgo barrier_algo = BarrierAlgo::dissemination;
    FenceMode fence_mode = FenceMode::strong;
    std::uint64_t split_min_bytes = 4096;  // reduce_split above this (N >= 3)
    std::uint32_t forced_reduce = kAutomatic;  // PAPERS_ALGORITHMS=reduce=...
};

class Segment {
public:
    Segment() = default;
    Segment(const Segment&) = delete;
    Segment& operator=(const Segment&) = delete;
    ~Segment() { detach(); }

    // Maps "/papers-shm-<job>" (or private memory for a job of one without
    // PAPERS_JOB), announces this rank and waits until all ranks did.
    // Errors: PAPERS_EINVAL (no job name), PAPERS_EMEMBERSHIP (duplicate
    // rank, other size, stale segment), PAPERS_ETIMEDOUT (ranks missing,
    // named), PAPERS_ESYS. The message is set with set_error().
    int open(const Config& cfg, const Choices& mine);

    // Drops this mapping; the last rank out removes the name if start-up
    // did not complete (once all ranks are attached the last to arrive has
    // removed it already).
    void detach();
    // Marks the segment as finished (after the final barrier): a rank of a
    // new session under the same job id waits for the name to go away
    // instead of joining it.
    void close_job() {
        if (base_) header()->closing.store(1, std::memory_order_release);
    }

    Header* header() const { return reinterpret_cast<Header*>(base_); }
    RankArea* area(int r) const {
        return reinterpret_cast<RankArea*>(base_ + geo_.rank_offset(r));
    }
    // Sequence word and payload of rank r's slot of the given parity.
    std::atomic<std::uint32_t>& seq(int r, unsigned parity) const {
        return *reinterpret_cast<std::atomic<std::uint32_t>*>(base_ + geo_.slot_offset(r, parity));
    }
    unsigned char* payload(int r, unsigned parity) const {
        return base_ + geo_.slot_offset(r, parity) + kSlotHeader;
    }
    // What a stray write changed since start-up completed: a creation field
    // of the header or a rank's pid word (each written once, before every
    // rank attached), named with its values; empty while intact. Checked on
    // the slow path of a wait (waiter.cpp), never per operation.
    std::string damage() const;
    const Geometry& geometry() const { return geo_; }
    const std::string& name() const { return name_; }
    bool mapped() const { return base_ != nullptr; }

private:
    int map_existing(int fd, const Config& cfg, double deadline);
    int attach_rank(const Config& cfg, double deadline);
    int fail_membership(const Config& cfg, std::string msg);
    // The first rank whose pid word holds no live process, or -1.
    int dead_holder(const Config& cfg) const;
    // Keeps the words damage() compares (start-up has just completed).
    void seal();

    // The header's creation fields (the table is in segment.cpp).
    static driver::SealedWords<Header> creation_fields();
    driver::SealedWords<Header> sealed_header_ = creation_fields();
    std::vector<std::int32_t> sealed_pids_;  // each rank's ctl.pid

    unsigned char* base_ = nullptr;
    std::size_t len_ = 0;
    Geometry geo_;
    std::string name_;  // empty for a private segment
    bool counted_ = false;  // holds one of header()->refs
    bool named_ = true;     // the name still refers to this segment (start-up not complete)
};

// Seconds on CLOCK_MONOTONIC (for deadlines).
double monotonic_now();

}  // namespace papers::shm
