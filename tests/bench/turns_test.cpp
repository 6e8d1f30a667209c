// turns_test — the turn-taking of bench/turns.h with threads standing in for
// the ranks of two jobs: nothing plays before every rank is ready, blocks
// alternate strictly (job 0 block b, job 1 block b, job 0 block b+1, ...),
// every rank of a job plays each of its turns, and a wait gives up.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "turns.h"

namespace {

struct Shared {
    std::string name = "/papers-turns-test-" + std::to_string(getpid());
    bench_turns* t = nullptr;
    Shared(unsigned r0, unsigned r1) : t(bench_turns_create(name.c_str(), r0, r1)) {
        EXPECT_NE(t, nullptr);
    }
    ~Shared() {
        munmap(t, sizeof(bench_turns));
        shm_unlink(name.c_str());
    }
};

}  // namespace

TEST(BenchTurns, JobsAlternateBlockByBlock) {
    Shared sh(3, 2);
    setenv("PAPERS_BENCH_TURNS", sh.name.c_str(), 1);
    const int blocks = 5;
    std::mutex m;
    std::vector<std::pair<int, int>> log;  // (job, block) at the start of each play
    auto rank = [&](int job) {
        int j = -1;
        bench_turns* t = nullptr;
        {
            std::lock_guard<std::mutex> g(m);  // attach reads PAPERS_BENCH_JOB
            setenv("PAPERS_BENCH_JOB", job ? "1" : "0", 1);
            t = bench_turns_attach(&j);
        }
        ASSERT_NE(t, nullptr);
        ASSERT_EQ(j, job);
        bench_turns_ready(t);
        for (int b = 0; b < blocks; ++b) {
            ASSERT_EQ(bench_turns_wait(t, 2 * b + job, 10), 0);
            {
                std::lock_guard<std::mutex> g(m);
                log.emplace_back(job, b);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            bench_turns_done(t, job);
        }
        munmap(t, sizeof(bench_turns));
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) threads.emplace_back(rank, 0);
    for (int i = 0; i < 2; ++i) threads.emplace_back(rank, 1);
    for (auto& th : threads) th.join();
    unsetenv("PAPERS_BENCH_TURNS");
    unsetenv("PAPERS_BENCH_JOB");
    ASSERT_EQ(log.size(), std::size_t(blocks * 5));
    std::size_t i = 0;
    for (int b = 0; b < blocks; ++b)
        for (int job = 0; job < 2; ++job)
            for (unsigned k = 0; k < sh.t->ranks[job]; ++k, ++i)
                EXPECT_EQ(log[i], std::make_pair(job, b)) << "entry " << i;
    EXPECT_EQ(sh.t->turn, std::uint32_t(2 * blocks));
}

TEST(BenchTurns, NothingPlaysUntilAllAreReadyAndWaitsGiveUp) {
    Shared sh(1, 1);
    bench_turns_ready(sh.t);  // job 0's only rank; job 1 never comes
    EXPECT_EQ(sh.t->turn, BENCH_TURNS_STARTING);
    EXPECT_EQ(bench_turns_wait(sh.t, 0, 0.2), -1);
    bench_turns_ready(sh.t);
    EXPECT_EQ(bench_turns_wait(sh.t, 0, 0.2), 0);
}

TEST(BenchTurns, BlocksShareTheIterations) {
    int total = 0;
    for (int b = 0; b < 7; ++b) total += bench_block_iters(100, 7, b);
    EXPECT_EQ(total, 100);
    EXPECT_EQ(bench_block_iters(100, 7, 0), 15);
    EXPECT_EQ(bench_block_iters(100, 7, 6), 14);
}

// A turns page someone else created first, open to others, is refused:
// the benchmark runs without taking turns instead of sharing it (issue 15,
// finding 2).
TEST(BenchTurns, PageOpenToOthersIsRefused) {
    const std::string name = "/papers-turns-foreign-" + std::to_string(getpid());
    const int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(fchmod(fd, 0666), 0);
    ASSERT_EQ(ftruncate(fd, sizeof(bench_turns)), 0);
    close(fd);
    setenv("PAPERS_BENCH_TURNS", name.c_str(), 1);
    setenv("PAPERS_BENCH_JOB", "0", 1);
    int job = -1;
    EXPECT_EQ(bench_turns_attach(&job), nullptr);
    shm_unlink(name.c_str());
    // The driver's own page (0600) is accepted.
    Shared s(1, 1);
    setenv("PAPERS_BENCH_TURNS", s.name.c_str(), 1);
    bench_turns* t = bench_turns_attach(&job);
    EXPECT_NE(t, nullptr);
    if (t) munmap(t, sizeof(bench_turns));
    unsetenv("PAPERS_BENCH_TURNS");
    unsetenv("PAPERS_BENCH_JOB");
}
