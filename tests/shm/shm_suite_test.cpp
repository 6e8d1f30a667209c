// The full operation suite on the shm backend, one forked process per rank,
// for N in {1,2,3,4,5,8} (4, 5 and 8 ranks share this machine's 2 cores),
// under the default algorithms and under the alternative barrier/fence, and
// a job of one started by hand (no PAPERS_JOB).
#include <gtest/gtest.h>
#include <sched.h>

#include "capi_ops.hpp"
#include "shm_job.hpp"

namespace papers::test {
namespace {

// Runs the suite twice (two seeds: the second run starts from the epochs the
// first one left) and reports failures; exit code 0 only if all passed.
int suite_body(const RankSpec&, const std::function<void(const std::string&)>& report) {
    if (int rc = papers_init(); rc) {
        report(std::string("papers_init: ") + papers_strerror(rc) + ": " + papers_errmsg() + "\n");
        return 2;
    }
    if (std::string(papers_backend_name()) != "shm") {
        report("backend is " + std::string(papers_backend_name()) + "\n");
        return 3;
    }
    CApiOps ops;
    int failures = 0, checks = 0;
    for (unsigned seed : {1u, 77u}) {
        SuiteResult res = run_op_suite(ops, seed);
        checks += res.checks;
        failures += int(res.failures.size());
        for (std::size_t i = 0; i < res.failures.size() && i < 10; ++i)
            report(res.failures[i] + "\n");
    }
    const int frc = papers_finalize();
    if (frc) report(std::string("papers_finalize: ") + papers_errmsg() + "\n");
    report("checks=" + std::to_string(checks) + "\n");
    return failures ? 1 : frc ? 4 : 0;
}

void expect_clean_job(int n, std::map<std::string, std::string> env) {
    JobOptions opt;
    opt.job = unique_job_id("suite" + std::to_string(n));
    opt.timeout_s = 20;
    opt.watchdog_s = 90;
    auto res = run_job(ranks_of(n, env), suite_body, opt);
    for (int r = 0; r < n; ++r) {
        EXPECT_EQ(res[r].exit_code, 0) << "rank " << r << " of " << n << ":\n" << res[r].text;
        EXPECT_NE(res[r].text.find("checks="), std::string::npos) << res[r].text;
    }
    EXPECT_FALSE(segment_exists(opt.job)) << "stale /dev/shm/papers-shm-" << opt.job;
    remove_segment(opt.job);
}

class ShmSuite : public ::testing::TestWithParam<int> {};

TEST_P(ShmSuite, FullOperationSuitePasses) { expect_clean_job(GetParam(), {}); }

// Every algorithm of the tables and both fences, so that every code path
// is exercised whatever the core count decides.
TEST_P(ShmSuite, PassesWithCentralBarrierSplitReduceAndStrongFence) {
    expect_clean_job(GetParam(), {{"PAPERS_ALGORITHMS", "barrier=central,reduce=split"},
                                  {"PAPERS_SHM_FENCE", "strong"}});
}

TEST_P(ShmSuite, PassesWithDisseminationBarrierFlatReduceAndNoSpin) {
    // PAPERS_SPIN=0: every wait that is not already satisfied goes to futex.
    expect_clean_job(GetParam(), {{"PAPERS_ALGORITHMS", "barrier=dissemination,reduce=flat"},
                                  {"PAPERS_SHM_FENCE", "asymmetric"},
                                  {"PAPERS_SPIN", "0"}});
}

TEST_P(ShmSuite, PassesWithDebugTags) { expect_clean_job(GetParam(), {{"PAPERS_DEBUG", "1"}}); }

INSTANTIATE_TEST_SUITE_P(Ranks, ShmSuite, ::testing::Values(1, 2, 3, 4, 5, 8),
                         [](const auto& info) { return "N" + std::to_string(info.param); });

TEST(ShmSolo, JobOfOneWithoutJobIdUsesPrivateMemory) {
    JobOptions opt;
    opt.set_job = false;
    auto res = run_job(ranks_of(1), suite_body, opt);
    EXPECT_EQ(res[0].exit_code, 0) << res[0].text;
}

}  // namespace
}  // namespace papers::test

namespace papers::test {
namespace {

// A program may finalize and initialise again under the same job id; the
// CPU binding of the first session is undone by papers_finalize.
int reinit_body(const RankSpec&, const std::function<void(const std::string&)>& report) {
    cpu_set_t before, during, after;
    sched_getaffinity(0, sizeof before, &before);
    for (int round = 0; round < 3; ++round) {
        if (int rc = papers_init(); rc) {
            report("init round " + std::to_string(round) + ": " + papers_errmsg() + "\n");
            return 2;
        }
        sched_getaffinity(0, sizeof during, &during);
        const int n = papers_size(), me = papers_rank();
        if (CPU_COUNT(&before) >= n && CPU_COUNT(&before) > 1 && CPU_COUNT(&during) != 1) {
            report("rank not bound to one CPU while ranks <= CPUs\n");
            return 3;
        }
        std::int64_t v = me + round * 100, s = 0;
        if (papers_reduce(&v, &s, 1, PAPERS_INT64, PAPERS_SUM) ||
            s != std::int64_t(n) * round * 100 + n * (n - 1) / 2) {
            report("reduce round " + std::to_string(round) + " wrong: " + std::to_string(s) + "\n");
            return 4;
        }
        if (papers_finalize()) return 5;
        sched_getaffinity(0, sizeof after, &after);
        if (!CPU_EQUAL(&before, &after)) {
            report("affinity not restored by papers_finalize\n");
            return 6;
        }
    }
    return 0;
}

TEST(ShmSession, InitFinalizeInitUnderTheSameJobId) {
    JobOptions opt;
    opt.job = unique_job_id("reinit");
    auto res = run_job(ranks_of(2), reinit_body, opt);
    for (auto& r : res) EXPECT_EQ(r.exit_code, 0) << r.text;
    EXPECT_FALSE(segment_exists(opt.job));
    remove_segment(opt.job);
}

}  // namespace
}  // namespace papers::test
