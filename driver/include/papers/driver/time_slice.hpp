// time_slice.hpp — the CPU time slice a waiting PE (or the simulator that
// answers it) asks the kernel for: see SliceRequest. In the driver because
// both libpapers (papers_init) and papers-hubsim need it.
#pragma once

namespace papers::driver {

// Asks the kernel for a short CPU time slice for the calling thread and
// gives the old one back in restore() (papers_finalize). Linux 6.12's EEVDF
// scheduler lets a SCHED_NORMAL thread choose its slice (sched_attr's
// sched_runtime); a thread with a short slice that wakes up preempts a busy
// process at once. Without it, when PEs outnumber cores every hand-off
// between PEs waits out the busy process's slice (about a millisecond), and
// a job of many exchanges crawls (docs/sim-eval.md). The CPU share stays the
// kernel's fair one: a short slice only makes the thread run sooner and
// shorter.
class SliceRequest {
public:
    // `us` 0, a thread of another policy (SCHED_BATCH, real-time, ...), or a
    // kernel without sched_setattr: the thread is left alone.
    void request(long us);
    void restore();
    ~SliceRequest() { restore(); }
    SliceRequest() = default;
    SliceRequest(const SliceRequest&) = delete;
    SliceRequest& operator=(const SliceRequest&) = delete;

private:
    int tid_ = 0;  // the thread asked for (restore() may run on another)
    unsigned long long saved_ns_ = 0;
};

}  // namespace papers::driver
