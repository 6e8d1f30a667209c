// Failures on the shm backend: wrong membership, missing ranks, a rank that
// stops taking part, a rank that dies. Every case must fail with the right
// code, within the timeout bound, with a message naming the culprit.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "papers/papers.h"
#include "shm_job.hpp"

namespace papers::test {
namespace {

using Report = std::function<void(const std::string&)>;

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// papers_init only: reports "code=<rc> secs=<t> msg=<errmsg>".
int init_body(const RankSpec&, const Report& report) {
    const double t0 = now_s();
    const int rc = papers_init();
    report("code=" + std::to_string(rc) + " secs=" + std::to_string(now_s() - t0) +
           " msg=" + (rc ? papers_errmsg() : "") + "\n");
    if (rc == 0) papers_finalize();
    return rc == 0 ? 0 : -rc;  // exit code = -PAPERS_E*
}

double secs_of(const std::string& text) {
    auto p = text.find("secs=");
    return p == std::string::npos ? 1e9 : std::atof(text.c_str() + p + 5);
}

TEST(ShmMembership, DuplicateRankIsRejected) {
    std::vector<RankSpec> ranks = {{0, 2, {}, 0}, {0, 2, {}, 0}};
    JobOptions opt;
    opt.job = unique_job_id("dup");
    opt.timeout_s = 3;
    auto res = run_job(ranks, init_body, opt);
    for (auto& r : res) {
        EXPECT_EQ(r.exit_code, -PAPERS_EMEMBERSHIP) << r.text;
        EXPECT_LT(secs_of(r.text), 2.5) << "should fail at once, not time out: " << r.text;
    }
    EXPECT_NE((res[0].text + res[1].text).find("two PEs were started with PAPERS_RANK=0"),
              std::string::npos)
        << res[0].text << res[1].text;
    EXPECT_FALSE(segment_exists(opt.job));
    remove_segment(opt.job);
}

TEST(ShmMembership, WrongSizeIsRejected) {
    std::vector<RankSpec> ranks = {{0, 2, {}, 0}, {1, 3, {}, 50}};
    JobOptions opt;
    opt.job = unique_job_id("size");
    opt.timeout_s = 3;
    auto res = run_job(ranks, init_body, opt);
    for (auto& r : res) {
        EXPECT_EQ(r.exit_code, -PAPERS_EMEMBERSHIP) << r.text;
        EXPECT_LT(secs_of(r.text), 2.5) << r.text;
    }
    EXPECT_NE(res[1].text.find("PAPERS_SIZE=3 but the job's segment"), std::string::npos)
        << res[1].text;
    EXPECT_NE(res[0].text.find("rank 1 found a membership error"), std::string::npos)
        << res[0].text;
    EXPECT_FALSE(segment_exists(opt.job));
    remove_segment(opt.job);
}

TEST(ShmMembership, MissingRankTimesOutNamingIt) {
    // Job of 4, rank 2 never starts.
    std::vector<RankSpec> ranks = {{0, 4, {}, 0}, {1, 4, {}, 0}, {3, 4, {}, 0}};
    JobOptions opt;
    opt.job = unique_job_id("missing");
    opt.timeout_s = 1;
    auto res = run_job(ranks, init_body, opt);
    for (auto& r : res) {
        EXPECT_EQ(r.exit_code, -PAPERS_ETIMEDOUT) << r.text;
        EXPECT_NE(r.text.find("ranks not arrived: 2 "), std::string::npos) << r.text;
        const double s = secs_of(r.text);
        EXPECT_GE(s, 0.9) << r.text;
        EXPECT_LT(s, 3.0) << r.text;
    }
    EXPECT_FALSE(segment_exists(opt.job)) << "the last rank to give up removes the segment";
    remove_segment(opt.job);
}

TEST(ShmMembership, NoJobIdForSeveralRanksIsAnError) {
    JobOptions opt;
    opt.set_job = false;
    auto res = run_job(ranks_of(2), init_body, opt);
    for (auto& r : res) {
        EXPECT_EQ(r.exit_code, -PAPERS_EINVAL) << r.text;
        EXPECT_NE(r.text.find("papersrun"), std::string::npos) << r.text;
        EXPECT_NE(r.text.find("PAPERS_JOB"), std::string::npos) << r.text;
    }
}

TEST(ShmMembership, RanksThatDieAfterStartUpLeaveNoSegment) {
    JobOptions opt;
    opt.job = unique_job_id("gone");
    opt.timeout_s = 2;
    // Both ranks die without papers_finalize: once every rank had attached,
    // the last to arrive removed the name, so nothing is left behind and a
    // second run under the same job id starts afresh.
    auto crash = [](const RankSpec&, const Report&) -> int {
        if (papers_init()) return 90;
        papers_barrier();
        _exit(0);
    };
    for (auto& r : run_job(ranks_of(2), crash, opt)) EXPECT_EQ(r.exit_code, 0) << r.text;
    EXPECT_FALSE(segment_exists(opt.job));
    for (auto& r : run_job(ranks_of(2), init_body, opt)) EXPECT_EQ(r.exit_code, 0) << r.text;
    EXPECT_FALSE(segment_exists(opt.job));
}

TEST(ShmMembership, StaleSegmentOfACrashedStartUpIsReported) {
    JobOptions opt;
    opt.job = unique_job_id("stale");
    opt.timeout_s = 30;
    opt.watchdog_s = 1;
    // Rank 0 of 2 attaches, waits for rank 1 and is killed (SIGKILL by the
    // watchdog) before start-up completes: the segment stays (papersrun's
    // sweep removes it in real jobs; here nobody does).
    for (auto& r : run_job({{0, 2, {}, 0}}, init_body, opt)) EXPECT_NE(r.exit_code, 0) << r.text;
    ASSERT_TRUE(segment_exists(opt.job));
    // A second run under the same job id is told what is wrong, at once.
    opt.timeout_s = 2;
    opt.watchdog_s = 60;
    auto res = run_job(ranks_of(2), init_body, opt);
    const std::string all = res[0].text + res[1].text;
    for (auto& r : res) {
        EXPECT_EQ(r.exit_code, -PAPERS_EMEMBERSHIP) << r.text;
        EXPECT_LT(secs_of(r.text), 1.5) << r.text;
    }
    EXPECT_NE(all.find("is left over from an earlier run"), std::string::npos) << all;
    remove_segment(opt.job);
}

// A segment someone else created first (another user, or open to others)
// is refused, never attached (issue 15, finding 2).
TEST(ShmOwnership, SegmentOpenToOthersIsRefused) {
    JobOptions opt;
    opt.job = unique_job_id("mode");
    opt.timeout_s = 2;
    const std::string name = "/papers-shm-" + opt.job;
    const int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(fchmod(fd, 0666), 0);
    ASSERT_EQ(ftruncate(fd, 1 << 20), 0);
    close(fd);
    auto res = run_job(ranks_of(2), init_body, opt);
    for (auto& r : res) {
        EXPECT_EQ(r.exit_code, -PAPERS_EPERM) << r.text;
        EXPECT_NE(r.text.find("its mode is 0666"), std::string::npos) << r.text;
        EXPECT_LT(secs_of(r.text), 1.5) << r.text;
    }
    remove_segment(opt.job);
}

TEST(ShmOwnership, SegmentOfAnotherUserIsRefused) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to give the object to another uid";
    JobOptions opt;
    opt.job = unique_job_id("owner");
    opt.timeout_s = 2;
    const std::string name = "/papers-shm-" + opt.job;
    const int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(fchown(fd, 65534, 65534), 0);
    ASSERT_EQ(ftruncate(fd, 1 << 20), 0);
    close(fd);
    auto res = run_job(ranks_of(2), init_body, opt);
    for (auto& r : res) {
        EXPECT_EQ(r.exit_code, -PAPERS_EPERM) << r.text;
        EXPECT_NE(r.text.find("belongs to uid 65534"), std::string::npos) << r.text;
    }
    remove_segment(opt.job);
}

// --- failures after start-up ------------------------------------------------

TEST(ShmTimeout, BarrierNamesTheRankThatStoppedTakingPart) {
    for (const char* algo : {"dissemination", "central"}) {
        JobOptions opt;
        opt.job = unique_job_id("stop");
        opt.timeout_s = 1;
        auto body = [](const RankSpec& rs, const Report& report) -> int {
            if (papers_init()) return 90;
            papers_barrier();
            if (rs.rank == 2) {  // stops taking part, but stays alive
                std::this_thread::sleep_for(std::chrono::milliseconds(2500));
                papers_finalize();
                return 0;
            }
            const double t0 = now_s();
            const int rc = papers_barrier();
            report("code=" + std::to_string(rc) + " secs=" + std::to_string(now_s() - t0) +
                   " msg=" + papers_errmsg() + "\n");
            const int again = papers_barrier();  // fail-stop: the session is broken
            report("again=" + std::to_string(again) + "\n");
            papers_finalize();
            return -rc;
        };
        auto res = run_job(ranks_of(3, {{"PAPERS_ALGORITHMS", std::string("barrier=") + algo}}), body, opt);
        for (int r : {0, 1}) {
            const std::string& t = res[r].text;
            EXPECT_EQ(res[r].exit_code, -PAPERS_ETIMEDOUT) << algo << ": " << t;
            EXPECT_NE(t.find("papers_barrier: timed out after 1 s"), std::string::npos) << t;
            EXPECT_NE(t.find("ranks not yet arrived: 2"), std::string::npos) << t;
            EXPECT_NE(t.find("again=" + std::to_string(PAPERS_EBROKEN)), std::string::npos) << t;
            EXPECT_GE(secs_of(t), 0.9) << t;
            EXPECT_LT(secs_of(t), 2.0) << t;
        }
        EXPECT_FALSE(segment_exists(opt.job)) << algo;
        remove_segment(opt.job);
    }
}

TEST(ShmTimeout, ReduceNamesTheOperationAndTheMissingRank) {
    JobOptions opt;
    opt.job = unique_job_id("reduce");
    opt.timeout_s = 1;
    auto body = [](const RankSpec& rs, const Report& report) -> int {
        if (papers_init()) return 90;
        double x = rs.rank, y = 0;
        if (rs.rank == 1) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2000));
            papers_finalize();
            return 0;
        }
        const double t0 = now_s();
        const int rc = papers_reduce(&x, &y, 1, PAPERS_DOUBLE, PAPERS_SUM);
        report("code=" + std::to_string(rc) + " secs=" + std::to_string(now_s() - t0) +
               " msg=" + papers_errmsg() + "\n");
        papers_finalize();
        return -rc;
    };
    auto res = run_job(ranks_of(2), body, opt);
    EXPECT_EQ(res[0].exit_code, -PAPERS_ETIMEDOUT) << res[0].text;
    EXPECT_NE(res[0].text.find("papers_reduce: timed out"), std::string::npos) << res[0].text;
    EXPECT_NE(res[0].text.find("waiting for rank 1"), std::string::npos) << res[0].text;
    EXPECT_NE(res[0].text.find("ranks not yet arrived: 1"), std::string::npos) << res[0].text;
    EXPECT_LT(secs_of(res[0].text), 2.0);
    remove_segment(opt.job);
}

TEST(ShmTimeout, DeadRankIsNoticedBeforeTheTimeout) {
    JobOptions opt;
    opt.job = unique_job_id("dead");
    opt.timeout_s = 10;
    auto body = [](const RankSpec& rs, const Report& report) -> int {
        if (papers_init()) return 90;
        papers_barrier();
        if (rs.rank == 1) _exit(0);  // dies without papers_finalize
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const double t0 = now_s();
        unsigned char b[100] = {};
        const int rc = papers_bcast(b, sizeof b, 1);
        report("code=" + std::to_string(rc) + " secs=" + std::to_string(now_s() - t0) +
               " msg=" + papers_errmsg() + "\n");
        papers_finalize();
        return -rc;
    };
    auto res = run_job(ranks_of(2), body, opt);
    EXPECT_EQ(res[0].exit_code, -PAPERS_EBROKEN) << res[0].text;
    EXPECT_NE(res[0].text.find("papers_bcast: rank 1 (pid"), std::string::npos) << res[0].text;
    EXPECT_NE(res[0].text.find("exited"), std::string::npos) << res[0].text;
    EXPECT_LT(secs_of(res[0].text), 2.0) << res[0].text;
    EXPECT_FALSE(segment_exists(opt.job)) << "rank 1 never left, yet nothing may stay behind";
    remove_segment(opt.job);
}

// SIGKILL inside a collective: the other ranks fail naming the dead rank,
// and /dev/shm keeps nothing of the job (issue 15, finding 1).
TEST(ShmTimeout, RankKilledInACollectiveLeavesNoSegment) {
    JobOptions opt;
    opt.job = unique_job_id("kill9");
    opt.timeout_s = 10;
    auto body = [](const RankSpec& rs, const Report& report) -> int {
        if (papers_init()) return 90;
        papers_barrier();
        if (rs.rank == 1) raise(SIGKILL);
        const double t0 = now_s();
        double v = 1, sum = 0;
        const int rc = papers_reduce(&v, &sum, 1, PAPERS_DOUBLE, PAPERS_SUM);
        report("code=" + std::to_string(rc) + " secs=" + std::to_string(now_s() - t0) +
               " msg=" + papers_errmsg() + "\n");
        papers_finalize();
        return -rc;
    };
    auto res = run_job(ranks_of(3), body, opt);
    EXPECT_EQ(res[1].exit_code, 100 + SIGKILL);
    for (int r : {0, 2}) {  // both fail well before the timeout; the dead rank is named
        EXPECT_TRUE(res[r].exit_code == -PAPERS_EBROKEN || res[r].exit_code == -PAPERS_ETIMEDOUT)
            << res[r].text;
        EXPECT_LT(secs_of(res[r].text), 5.0) << res[r].text;
    }
    EXPECT_NE((res[0].text + res[2].text).find("rank 1 (pid"), std::string::npos)
        << res[0].text << res[2].text;
    EXPECT_FALSE(segment_exists(opt.job));
    remove_segment(opt.job);
}

// The job's own mapping of its segment, found in /proc/self/maps (the name
// was unlinked once every rank attached), or nullptr.
unsigned char* own_segment_mapping() {
    const std::string name = std::string("/dev/shm/papers-shm-") + getenv("PAPERS_JOB");
    FILE* maps = fopen("/proc/self/maps", "r");
    if (!maps) return nullptr;
    char line[512];
    unsigned char* base = nullptr;
    while (!base && fgets(line, sizeof line, maps))
        if (strstr(line, name.c_str())) base = reinterpret_cast<unsigned char*>(strtoull(line, nullptr, 16));
    fclose(maps);
    return base;
}

// A stray write of the job's own (a wild pointer, a process of the same
// user) overwrites the segment's header while the job runs: the rank waiting
// in a barrier fails naming the damage at its first check (100 ms into its
// sleep), not as a timeout blaming a silent rank. Rank 1 writes and then
// stops taking part; before the check, rank 0 timed out after 2 s.
TEST(ShmDamage, HeaderOverwrittenWhileTheJobRunsFailsTheWaitNamingIt) {
    for (const char* algo : {"dissemination", "central"}) {
        JobOptions opt;
        opt.job = unique_job_id("damage");
        opt.timeout_s = 2;
        auto body = [](const RankSpec& rs, const Report& report) -> int {
            if (papers_init()) return 90;
            if (papers_barrier()) return 91;
            if (rs.rank == 1) {
                unsigned char* seg = own_segment_mapping();
                if (!seg) return 92;
                const std::uint64_t garbage = 0x0BADF00D0BADF00Dull;
                memcpy(seg, &garbage, sizeof garbage);  // the header's first word: its magic
                std::this_thread::sleep_for(std::chrono::milliseconds(3000));
                _exit(0);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            const double t0 = now_s();
            const int rc = papers_barrier();
            report("code=" + std::to_string(rc) + " secs=" + std::to_string(now_s() - t0) +
                   " msg=" + papers_errmsg() + "\n");
            return -rc;
        };
        auto res = run_job(ranks_of(2, {{"PAPERS_ALGORITHMS", std::string("barrier=") + algo}}), body, opt);
        EXPECT_EQ(res[1].exit_code, 0) << algo << ": " << res[1].text;
        EXPECT_EQ(res[0].exit_code, -PAPERS_EBROKEN) << algo << ": " << res[0].text;
        EXPECT_NE(res[0].text.find("papers_barrier: the shared segment /papers-shm-" + opt.job +
                                   " was overwritten while the job ran: header field 'magic' is "
                                   "0x0badf00d0badf00d"),
                  std::string::npos)
            << res[0].text;
        EXPECT_LT(secs_of(res[0].text), 1.5) << res[0].text;
        remove_segment(opt.job);
    }
}

TEST(ShmDebugTags, MismatchedOperationsFailWithBothSidesNamed) {
    JobOptions opt;
    opt.job = unique_job_id("tags");
    opt.timeout_s = 3;
    auto body = [](const RankSpec& rs, const Report& report) -> int {
        if (papers_init()) return 90;
        unsigned char b[300] = {};
        unsigned char all[900];
        const double t0 = now_s();
        int rc = papers_barrier();  // matching: fine
        if (rc == 0) {
            if (rs.rank == 0) rc = papers_bcast(b, 100, 0);
            else if (rs.rank == 1) rc = papers_gather(b, all, 100);
            else rc = papers_bcast(b, 100, 0);
        }
        report("code=" + std::to_string(rc) + " secs=" + std::to_string(now_s() - t0) +
               " msg=" + papers_errmsg() + "\n");
        papers_finalize();
        return -rc;
    };
    auto res = run_job(ranks_of(3, {{"PAPERS_DEBUG", "1"}}), body, opt);
    for (auto& r : res) {
        EXPECT_EQ(r.exit_code, -PAPERS_EMISMATCH) << r.text;
        EXPECT_LT(secs_of(r.text), 1.0) << r.text;
    }
    EXPECT_NE(res[0].text.find("rank 0 called papers_bcast(100 bytes, root 0) while rank 1 "
                               "called papers_gather(100 bytes)"),
              std::string::npos)
        << res[0].text;
    EXPECT_NE(res[1].text.find("rank 1 called papers_gather(100 bytes) while rank 0 called "
                               "papers_bcast(100 bytes, root 0)"),
              std::string::npos)
        << res[1].text;
    remove_segment(opt.job);
}

}  // namespace
}  // namespace papers::test
