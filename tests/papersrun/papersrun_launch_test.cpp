// papersrun end to end, on backends that need no simulator (mostly shm):
// the environment of each rank, exit statuses, killing a failed job
// quickly and completely, signals, output forwarding, and error messages.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>
#include <regex>
#include <map>
#include <set>
#include <sstream>

#include "launcher_harness.hpp"

using namespace papersrun_test;
using Args = std::vector<std::string>;

namespace {

// papersrun -v --backend shm -np N <extra...> fake_rank <script...>
Args job(int np, const Args& script, const Args& extra = {}) {
    Args a{"-v", "--backend", "shm", "--job-timeout", "20", "-np", std::to_string(np)};
    a.insert(a.end(), extra.begin(), extra.end());
    a.push_back(FAKE_RANK_EXE);
    a.insert(a.end(), script.begin(), script.end());
    return a;
}

void expect_job_left_nothing(const Outcome& o, const std::vector<pid_t>& pids) {
    for (pid_t p : pids) EXPECT_FALSE(alive(p)) << "pid " << p << " survived papersrun";
    std::string id = job_id_from_verbose(o.err);
    ASSERT_FALSE(id.empty()) << o.err;
    EXPECT_TRUE(shm_objects_of(id).empty()) << "stale shm of job " << id;
}

std::string env_of(const std::string& out, int rank, const std::string& name) {
    std::string prefix = "rank " + std::to_string(rank) + " env " + name + "=";
    auto lines = lines_starting(out, prefix);
    return lines.size() == 1 ? lines[0].substr(prefix.size()) : "<" + std::to_string(lines.size()) + " lines>";
}

}  // namespace

TEST(PapersrunEnv, EachRankGetsItsRankSizeBackendAndJob) {
    Outcome o = run(job(3, {"env"}, {"--timeout", "2.5"}));
    ASSERT_EQ(o.exit_code, 0) << o.err;
    std::string id = job_id_from_verbose(o.err);
    ASSERT_TRUE(std::regex_match(id, std::regex("[0-9]+-[0-9a-f]{8}"))) << id;
    for (int r = 0; r < 3; ++r) {
        EXPECT_EQ(env_of(o.out, r, "PAPERS_RANK"), std::to_string(r));
        EXPECT_EQ(env_of(o.out, r, "PAPERS_SIZE"), "3");
        EXPECT_EQ(env_of(o.out, r, "PAPERS_BACKEND"), "shm");
        EXPECT_EQ(env_of(o.out, r, "PAPERS_JOB"), id);
        EXPECT_EQ(env_of(o.out, r, "PAPERS_TIMEOUT"), "2.5");
        EXPECT_EQ(env_of(o.out, r, "PAPERS_SIM"), "<0 lines>");  // no simulator on shm
    }
}

TEST(PapersrunEnv, ExportedValuesStayUnlessAnOptionIsGiven) {
    Args extra_env{"PAPERS_TIMEOUT=7", "PAPERS_SPIN=100", "PAPERS_BACKEND=shm"};
    Outcome kept = run({"-np", "1", FAKE_RANK_EXE, "env"}, extra_env);
    ASSERT_EQ(kept.exit_code, 0) << kept.err;
    EXPECT_EQ(env_of(kept.out, 0, "PAPERS_TIMEOUT"), "7");
    EXPECT_EQ(env_of(kept.out, 0, "PAPERS_SPIN"), "100");
    EXPECT_EQ(env_of(kept.out, 0, "PAPERS_BACKEND"), "shm");  // the exported choice is used
    Outcome overridden = run({"-np", "1", "--timeout", "3", "--backend", "udp", FAKE_RANK_EXE, "env"},
                             extra_env);
    ASSERT_EQ(overridden.exit_code, 0) << overridden.err;
    EXPECT_EQ(env_of(overridden.out, 0, "PAPERS_TIMEOUT"), "3");
    EXPECT_EQ(env_of(overridden.out, 0, "PAPERS_BACKEND"), "udp");
}

TEST(PapersrunEnv, HubBackendSetsPortAndNeedsOne) {
    Outcome o = run({"-np", "2", "--backend", "hub", "--port", "0x378", FAKE_RANK_EXE, "env"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    for (int r = 0; r < 2; ++r) {
        EXPECT_EQ(env_of(o.out, r, "PAPERS_BACKEND"), "hub");
        EXPECT_EQ(env_of(o.out, r, "PAPERS_PORT"), "0x378");
    }
    Outcome exported = run({"-np", "1", "--backend", "hub", FAKE_RANK_EXE, "env"},
                           {"PAPERS_PORT=/dev/parport1"});
    EXPECT_EQ(env_of(exported.out, 0, "PAPERS_PORT"), "/dev/parport1");
    Outcome missing = run({"-np", "1", "--backend", "hub", FAKE_RANK_EXE, "env"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("--port"), std::string::npos) << missing.err;
    EXPECT_TRUE(missing.out.empty());  // nothing was started
}

TEST(PapersrunExit, AllRanksSucceedMeansZero) {
    Outcome o = run(job(4, {"lines", "3"}));
    EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(count_lines(o.out, " line "), 12);
}

TEST(PapersrunExit, FirstFailingRanksStatusPropagates) {
    // rank 2 fails at once; rank 1 would fail later with another code.
    Outcome o = run(job(4, {"barrier", "exit-on", "2", "7", "sleep-ms", "400", "exit-on", "1", "5"}));
    EXPECT_EQ(o.exit_code, 7) << o.err;
    EXPECT_NE(o.err.find("rank 2 exited with status 7"), std::string::npos) << o.err;
}

TEST(PapersrunExit, RankKilledBySignalGives128PlusSignal) {
    Outcome o = run(job(2, {"signal-on", "1", std::to_string(SIGUSR1), "sleep-forever"}));
    EXPECT_EQ(o.exit_code, 128 + SIGUSR1) << o.err;
    EXPECT_NE(o.err.find("rank 1 was killed by signal " + std::to_string(SIGUSR1)), std::string::npos)
        << o.err;
}

TEST(PapersrunKill, FailingRankKillsTheOthersQuicklyAndLeavesNothing) {
    // Every rank prints its pid and leaves a grandchild in its own session;
    // rank 1 then fails while the others sleep forever.
    Outcome o = run(job(3, {"pid", "child", "barrier", "exit-on", "1", "3", "sleep-forever"}));
    EXPECT_EQ(o.exit_code, 3) << o.err;
    EXPECT_LT(o.seconds, 5.0);
    auto pids = printed_pids(o.out);
    EXPECT_EQ(pids.size(), 6u) << o.out;
    expect_job_left_nothing(o, pids);
}

TEST(PapersrunKill, RankIgnoringSigtermIsKilledAfterTheGrace) {
    Outcome o = run(job(2, {"pid", "ignore-term", "barrier", "exit-on", "0", "4", "sleep-forever"}));
    EXPECT_EQ(o.exit_code, 4) << o.err;
    EXPECT_GE(o.seconds, 1.5);  // waited for the 2 s grace...
    EXPECT_LT(o.seconds, 5.0);  // ...then SIGKILL
    EXPECT_NE(o.err.find("killing them"), std::string::npos) << o.err;
    expect_job_left_nothing(o, printed_pids(o.out));
}

TEST(PapersrunKill, OrphansAreKilledEvenWhenEveryRankSucceeds) {
    Outcome o = run(job(2, {"child"}));
    EXPECT_EQ(o.exit_code, 0) << o.err;
    auto pids = printed_pids(o.out);
    EXPECT_EQ(pids.size(), 2u) << o.out;
    expect_job_left_nothing(o, pids);
}

TEST(PapersrunKill, JobTimeoutKillsTheJobWith124) {
    Args a{"-v", "--backend", "shm", "--job-timeout", "1", "-np", "2", FAKE_RANK_EXE, "pid", "sleep-forever"};
    Outcome o = run(a);
    EXPECT_EQ(o.exit_code, 124) << o.err;
    EXPECT_GE(o.seconds, 0.9);
    EXPECT_LT(o.seconds, 4.0);
    EXPECT_NE(o.err.find("--job-timeout"), std::string::npos) << o.err;
    expect_job_left_nothing(o, printed_pids(o.out));
}

TEST(PapersrunKill, LeftoverSharedMemoryOfTheJobIsRemoved) {
    Outcome o = run(job(2, {"shm-job-create", "crashed-transport", "barrier", "exit-on", "1", "6"}));
    EXPECT_EQ(o.exit_code, 6) << o.err;
    EXPECT_EQ(count_lines(o.out, "created /papers-"), 2) << o.out;
    expect_job_left_nothing(o, {});
}

namespace {
void stop_with_signal(int sig, int expected_exit) {
    Launch l(job(3, {"pid", "child", "sleep-forever"}));
    ASSERT_TRUE(l.wait_for_stdout([](const std::string& out) { return printed_pids(out).size() == 6; }, 10))
        << l.out();
    double t0 = now_s();
    l.send_signal(sig);
    Outcome o = l.finish(10);
    EXPECT_EQ(o.exit_code, expected_exit) << o.err;
    EXPECT_LT(now_s() - t0, 5.0);
    expect_job_left_nothing(o, printed_pids(o.out));
}
}  // namespace

TEST(PapersrunSignal, SigintStopsEverythingWith130) { stop_with_signal(SIGINT, 130); }
TEST(PapersrunSignal, SigtermStopsEverythingWith143) { stop_with_signal(SIGTERM, 143); }

TEST(PapersrunSignal, SecondSigintSkipsTheGracePeriod) {
    Launch l(job(2, {"pid", "ignore-term", "sleep-forever"}));
    ASSERT_TRUE(l.wait_for_stdout([](const std::string& out) { return printed_pids(out).size() == 2; }, 10))
        << l.out();
    double t0 = now_s();
    l.send_signal(SIGINT);
    usleep(200 * 1000);  // the ranks ignore the SIGTERM papersrun sends them
    l.send_signal(SIGINT);
    Outcome o = l.finish(10);
    EXPECT_EQ(o.exit_code, 130) << o.err;
    EXPECT_LT(now_s() - t0, 1.5);  // well inside the 2 s grace
    EXPECT_NE(o.err.find("again"), std::string::npos) << o.err;
    expect_job_left_nothing(o, printed_pids(o.out));
}

TEST(PapersrunErrors, BadRankCountsAreRejectedByName) {
    Outcome zero = run({"--backend", "shm", "-np", "0", FAKE_RANK_EXE});
    EXPECT_EQ(zero.exit_code, 2);
    EXPECT_NE(zero.err.find("-np 0"), std::string::npos) << zero.err;
    Outcome negative = run({"--backend", "shm", "-np", "-1", FAKE_RANK_EXE});
    EXPECT_EQ(negative.exit_code, 2);
    EXPECT_NE(negative.err.find("-np -1"), std::string::npos) << negative.err;
    Outcome absurd = run({"--backend", "shm", "-np", "100000", FAKE_RANK_EXE});
    EXPECT_EQ(absurd.exit_code, 2);
    EXPECT_NE(absurd.err.find("-np 100000"), std::string::npos) << absurd.err;
    Outcome none = run({"--backend", "shm", FAKE_RANK_EXE});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_NE(none.err.find("-np N is required"), std::string::npos) << none.err;
}

TEST(PapersrunErrors, MissingOrUnrunnableProgramIsNamedBeforeAnythingStarts) {
    Outcome missing = run({"--backend", "shm", "-np", "2", "no-such-program-papers"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("'no-such-program-papers'"), std::string::npos) << missing.err;
    EXPECT_NE(missing.err.find("not found in PATH"), std::string::npos) << missing.err;
    std::string plain = "/tmp/papersrun-test-noexec-" + std::to_string(getpid());
    {
        std::ofstream(plain) << "not a program\n";
    }
    chmod(plain.c_str(), 0644);
    Outcome not_exec = run({"--backend", "shm", "-np", "2", plain});
    unlink(plain.c_str());
    EXPECT_EQ(not_exec.exit_code, 2);
    EXPECT_NE(not_exec.err.find(plain), std::string::npos) << not_exec.err;
    EXPECT_NE(not_exec.err.find("ermission denied"), std::string::npos) << not_exec.err;
    // The simulator backend checks the program first, too: no simulator is needed to say so.
    Outcome sim = run({"-np", "2", "./definitely/missing"});
    EXPECT_EQ(sim.exit_code, 2);
    EXPECT_NE(sim.err.find("./definitely/missing"), std::string::npos) << sim.err;
}

TEST(PapersrunErrors, BackendRequirements) {
    Outcome capers = run({"--backend", "capers", "-np", "3", FAKE_RANK_EXE});
    EXPECT_EQ(capers.exit_code, 2);
    EXPECT_NE(capers.err.find("-np 2"), std::string::npos) << capers.err;
    Outcome trace = run({"--backend", "shm", "--trace", "x.vcd", "-np", "1", FAKE_RANK_EXE});
    EXPECT_EQ(trace.exit_code, 2);
    EXPECT_NE(trace.err.find("--trace"), std::string::npos) << trace.err;
    Outcome unknown = run({"--backend", "telepathy", "-np", "1", FAKE_RANK_EXE});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("telepathy"), std::string::npos) << unknown.err;
}

TEST(PapersrunOutput, TagOutputPrefixesEveryLineOfBothStreams) {
    Outcome o = run(job(3, {"lines", "2", "err", "oops", "partial", "no-newline"}, {"--tag-output"}));
    ASSERT_EQ(o.exit_code, 0) << o.err;
    for (int r = 0; r < 3; ++r) {
        std::string tag = "[" + std::to_string(r) + "] ";
        EXPECT_EQ(lines_starting(o.out, tag + "rank " + std::to_string(r) + " line ").size(), 2u) << o.out;
        EXPECT_EQ(lines_starting(o.out, tag + "no-newline").size(), 1u) << o.out;
        EXPECT_EQ(lines_starting(o.err, tag + "oops").size(), 1u) << o.err;
    }
    EXPECT_EQ(count_lines(o.out, "rank"), 6);
}

TEST(PapersrunOutput, LinesOfManyRanksNeverMix) {
    // 4 ranks x 3000 lines at once through pipes: every line must arrive whole.
    Outcome o = run(job(4, {"lines", "3000"}));
    ASSERT_EQ(o.exit_code, 0) << o.err;
    std::map<int, int> per_rank;
    static const std::regex line_re(R"(rank (\d) line (\d+))");
    std::istringstream in(o.out);
    int bad = 0;
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_match(line, m, line_re)) ++per_rank[std::stoi(m[1])];
        else ++bad;
    }
    EXPECT_EQ(bad, 0);
    for (int r = 0; r < 4; ++r) EXPECT_EQ(per_rank[r], 3000) << "rank " << r;
}

TEST(PapersrunOutput, ProgramArgumentsReachTheProgram) {
    Outcome o = run({"--backend", "shm", "-np", "2", "--tag-output", "echo", "-np", "5", "--backend", "x"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(count_lines(o.out, "] -np 5 --backend x"), 2) << o.out;
}
