// PAPERS_SLICE_US: papers_init asks the kernel for a short time slice for
// the calling thread and papers_finalize gives the old one back. The
// reference is the kernel's own report (sched_getattr), not the library's.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "papers/papers.h"

namespace {

// The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1); its header clashes with <sched.h>.
struct sched_attr {
    std::uint32_t size, sched_policy;
    std::uint64_t sched_flags;
    std::int32_t sched_nice;
    std::uint32_t sched_priority;
    std::uint64_t sched_runtime, sched_deadline, sched_period;
    std::uint32_t sched_util_min, sched_util_max;
};

sched_attr attr_now() {
    sched_attr a;
    std::memset(&a, 0, sizeof a);
    EXPECT_EQ(syscall(SYS_sched_getattr, 0, &a, sizeof a, 0), 0) << std::strerror(errno);
    return a;
}

// Linux 6.12+ keeps a SCHED_NORMAL thread's sched_runtime as its slice;
// older kernels ignore the field (and the library's request with it).
bool custom_slices_supported() {
    sched_attr a = attr_now(), probe = a;
    probe.size = sizeof probe;
    probe.sched_runtime = 123000;
    if (syscall(SYS_sched_setattr, 0, &probe, 0) != 0) return false;
    const bool kept = attr_now().sched_runtime == 123000;
    a.size = sizeof a;
    syscall(SYS_sched_setattr, 0, &a, 0);
    return kept;
}

// A singleton run: one PE on shm, no job variables.
class SliceTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* v : {"PAPERS_RANK", "PAPERS_SIZE", "PAPERS_SIM", "PAPERS_JOB", "PAPERS_PORT",
                              "PAPERS_BACKEND", "PAPERS_SLICE_US"})
            unsetenv(v);
        before_ = attr_now();
        if (!custom_slices_supported())
            GTEST_SKIP() << "this kernel has no custom time slices (Linux 6.12+): PAPERS_SLICE_US does nothing";
    }
    void TearDown() override {
        unsetenv("PAPERS_SLICE_US");
        sched_attr a = before_;
        a.size = sizeof a;
        syscall(SYS_sched_setattr, 0, &a, 0);  // whatever a test did to this thread
    }
    sched_attr before_{};
};

TEST_F(SliceTest, InitAsksForAHundredMicrosecondsAndFinalizeGivesTheOldSliceBack) {
    ASSERT_EQ(papers_init(), PAPERS_OK) << papers_errmsg();
    EXPECT_EQ(attr_now().sched_runtime, 100000u);
    EXPECT_EQ(attr_now().sched_nice, before_.sched_nice) << "the nice value is not ours to change";
    ASSERT_EQ(papers_finalize(), PAPERS_OK);
    EXPECT_EQ(attr_now().sched_runtime, before_.sched_runtime);
}

TEST_F(SliceTest, TheVariableSetsTheSliceAndZeroLeavesTheThreadAlone) {
    setenv("PAPERS_SLICE_US", "250", 1);
    ASSERT_EQ(papers_init(), PAPERS_OK) << papers_errmsg();
    EXPECT_EQ(attr_now().sched_runtime, 250000u);
    ASSERT_EQ(papers_finalize(), PAPERS_OK);
    setenv("PAPERS_SLICE_US", "0", 1);
    ASSERT_EQ(papers_init(), PAPERS_OK) << papers_errmsg();
    EXPECT_EQ(attr_now().sched_runtime, before_.sched_runtime);
    ASSERT_EQ(papers_finalize(), PAPERS_OK);
}

TEST_F(SliceTest, ABadValueIsRefusedNamingTheVariable) {
    for (const char* bad : {"abc", "-5", "100001", "10us"}) {
        setenv("PAPERS_SLICE_US", bad, 1);
        EXPECT_EQ(papers_init(), PAPERS_EINVAL) << bad;
        EXPECT_NE(std::string(papers_errmsg()).find("PAPERS_SLICE_US"), std::string::npos) << papers_errmsg();
        EXPECT_EQ(attr_now().sched_runtime, before_.sched_runtime) << bad;
    }
}

TEST_F(SliceTest, AThreadOfAnotherPolicyIsLeftAlone) {
    sched_attr batch = before_;
    batch.size = sizeof batch;
    batch.sched_policy = SCHED_BATCH;
    ASSERT_EQ(syscall(SYS_sched_setattr, 0, &batch, 0), 0) << std::strerror(errno);
    const auto runtime = attr_now().sched_runtime;
    ASSERT_EQ(papers_init(), PAPERS_OK) << papers_errmsg();
    EXPECT_EQ(attr_now().sched_policy, static_cast<unsigned>(SCHED_BATCH));
    EXPECT_EQ(attr_now().sched_runtime, runtime);
    ASSERT_EQ(papers_finalize(), PAPERS_OK);
}

}  // namespace
