#include "papers/driver/time_slice.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace papers::driver {

namespace {

// The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1): <linux/sched/types.h>
// cannot be included next to glibc's <sched.h>, and glibc 2.36 has no
// wrappers for sched_getattr/sched_setattr.
struct sched_attr {
    std::uint32_t size;
    std::uint32_t sched_policy;
    std::uint64_t sched_flags;
    std::int32_t sched_nice;
    std::uint32_t sched_priority;
    std::uint64_t sched_runtime, sched_deadline, sched_period;
    std::uint32_t sched_util_min, sched_util_max;
};
constexpr std::uint32_t kSchedNormal = 0;            // SCHED_NORMAL (SCHED_OTHER)
constexpr std::uint64_t kSchedFlagResetOnFork = 1;   // SCHED_FLAG_RESET_ON_FORK

bool get_attr(int tid, sched_attr& a) {
    std::memset(&a, 0, sizeof a);
    return syscall(SYS_sched_getattr, tid, &a, sizeof a, 0) == 0;
}
bool set_attr(int tid, sched_attr& a) { return syscall(SYS_sched_setattr, tid, &a, 0) == 0; }

}  // namespace

void SliceRequest::request(long us) {
    if (us <= 0 || tid_ != 0) return;
    const int tid = static_cast<int>(gettid());
    sched_attr a;
    if (!get_attr(tid, a) || a.sched_policy != kSchedNormal) return;
    const unsigned long long before = a.sched_runtime;
    a.size = sizeof a;
    a.sched_flags &= kSchedFlagResetOnFork;  // keep only what setattr takes back as is
    a.sched_runtime = static_cast<unsigned long long>(us) * 1000;
    if (!set_attr(tid, a)) return;
    tid_ = tid;
    saved_ns_ = before;
}

void SliceRequest::restore() {
    if (tid_ == 0) return;
    sched_attr a;
    // The thread may have gone, or changed its policy since: then nothing to give back.
    if (get_attr(tid_, a) && a.sched_policy == kSchedNormal) {
        a.size = sizeof a;
        a.sched_flags &= kSchedFlagResetOnFork;  // keep only what setattr takes back as is
        a.sched_runtime = saved_ns_;
        set_attr(tid_, a);
    }
    tid_ = 0;
}

}  // namespace papers::driver
