// steps.hpp — the data exchange under every data operation: a sequence of
// numbered steps that all ranks run in the same order.
//
// Each rank owns two slots (parity 0 and 1) of `cap` payload bytes, each led
// by a sequence word on the same cache line as the first 56 payload bytes (a
// small payload travels with its sequence number in one line transfer). In
// step s a rank may fill its slot s%2 and then publishes seq = s there; a
// reader of rank r's step-s data waits for seq(r, s%2) >= s.
//
// Reuse without resets: before a rank writes slot s%2 again it waits until
// every rank has published step s-1, i.e. has finished step s-2, the last
// one that could read that slot. Every rank publishes every step (a rank
// with nothing to send publishes at once), so the sequence words double as
// progress counters. A rank therefore never runs more than one step ahead
// of a slower reader, and the two parities let the writer fill step s+1
// while readers still copy step s (pipelining of large payloads).
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "segment.hpp"
#include "waiter.hpp"

namespace papers::shm {

class Steps {
public:
    void init(Segment* seg, Waiter* w, int me, int n) {
        seg_ = seg;
        w_ = w;
        me_ = me;
        n_ = n;
        cap_ = seg->geometry().cap;
        for (unsigned p = 0; p < 2; ++p) {
            seqs_[p].resize(std::size_t(n));
            pay_[p].resize(std::size_t(n));
            for (int r = 0; r < n; ++r) {
                seqs_[p][r] = &seg->seq(r, p);
                pay_[p][r] = seg->payload(r, p);
            }
        }
        my_sleepers_ = &seg->area(me)->ctl.sleepers;
    }

    std::size_t cap() const { return cap_; }
    std::uint32_t step() const { return s_; }

    // Starts a step in which this rank sends data: waits until every rank is
    // done with this slot, and returns the slot's payload to fill.
    int begin_write(unsigned char** payload) {
        const std::uint32_t s = ++s_;
        const unsigned prev = (s - 1) & 1;
        for (int r = 0; r < n_; ++r) {
            if (r == me_) continue;
            if (int rc = w_->wait(*seqs_[prev][r], s - 1, seg_->area(r)->ctl.sleepers, r); rc) {
                awaited_ = r;
                phase_ = "waiting for ranks to finish reading the previous step";
                return rc;
            }
        }
        *payload = pay_[s & 1][me_];
        return 0;
    }
    // Publishes the payload filled after begin_write().
    void publish() { w_->publish(*seqs_[s_ & 1][me_], s_, *my_sleepers_); }

    // Starts a step in which this rank sends nothing: publishes progress at once.
    void begin_silent() {
        ++s_;
        publish();
    }

    // Waits for rank r's data of the current step and returns it.
    int await(int r, const unsigned char** data) {
        std::atomic<std::uint32_t>& w = *seqs_[s_ & 1][r];
        if (int rc = w_->wait(w, s_, seg_->area(r)->ctl.sleepers, r); rc) {
            awaited_ = r;
            phase_ = "waiting for a rank's data";
            return rc;
        }
        *data = pay_[s_ & 1][r];
        return 0;
    }
    unsigned char* my_payload() const { return pay_[s_ & 1][me_]; }

    // Diagnostics of the last failed wait.
    int awaited() const { return awaited_; }
    const char* phase() const { return phase_; }
    // Ranks that have not yet published step s.
    std::vector<int> behind(std::uint32_t s) const {
        std::vector<int> v;
        for (int r = 0; r < n_; ++r)
            if (!reached(seqs_[0][r]->load(std::memory_order_acquire), s) &&
                !reached(seqs_[1][r]->load(std::memory_order_acquire), s))
                v.push_back(r);
        return v;
    }

private:
    Segment* seg_ = nullptr;
    Waiter* w_ = nullptr;
    int me_ = 0, n_ = 1;
    std::size_t cap_ = 0;
    std::uint32_t s_ = 0;  // current (last started) step
    std::vector<std::atomic<std::uint32_t>*> seqs_[2];
    std::vector<unsigned char*> pay_[2];
    std::atomic<std::uint32_t>* my_sleepers_ = nullptr;
    int awaited_ = -1;
    const char* phase_ = "";
};

}  // namespace papers::shm
