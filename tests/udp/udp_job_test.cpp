// udp_job_test — the udp backend with real processes on loopback: the full
// operation suite for N in {1,2,3,4,5,8}, the same under injected faults,
// long fragmented messages, a hostile sender, a dead peer, and bad set-ups.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "rogue_sender.hpp"
#include "udp_job.hpp"

using namespace udptest;

namespace {

JobSpec suite_job(int n, int repeat) {
    JobSpec s;
    s.n = n;
    s.program = PAPERS_SUITE_BIN;
    s.args = {"--repeat", std::to_string(repeat)};
    s.env["PAPERS_TIMEOUT"] = "10";
    s.env["PAPERS_UDP_REPORT"] = "1";
    s.deadline_s = 60;
    return s;
}

void expect_suite_passed(const std::vector<RankResult>& res) {
    for (std::size_t r = 0; r < res.size(); ++r) {
        EXPECT_EQ(res[r].status, 0) << describe(res);
        EXPECT_NE(res[r].output.find(" 0 failures"), std::string::npos) << describe(res);
    }
}

}  // namespace

// ---- the operation suite -----------------------------------------------------

class UdpSuite : public testing::TestWithParam<int> {};

TEST_P(UdpSuite, FullOperationSuitePasses) {
    const auto res = run_job(suite_job(GetParam(), 2));
    expect_suite_passed(res);
    if (GetParam() > 1) {
        EXPECT_GT(report_sum(res, "sent"), 0u);
        EXPECT_EQ(report_sum(res, "bad_mac"), 0u) << describe(res);
        EXPECT_EQ(report_sum(res, "malformed"), 0u) << describe(res);
    }
}

INSTANTIATE_TEST_SUITE_P(Ranks, UdpSuite, testing::Values(1, 2, 3, 4, 5, 8));

// Every shape of the barrier/vote algorithm, whatever this machine's core
// count picks: groups of 1 (dissemination), 2 and 3 (two levels, with a
// leader alone in the last group), 5 (star).
TEST(UdpSuiteAlgorithms, EveryGroupSizePasses) {
    for (const char* algo : {"barrier=star", "barrier=dissemination", "barrier=groups:2",
                             "barrier=groups:3,reduce=rabenseifner,putget=direct"}) {
        SCOPED_TRACE(algo);
        JobSpec s = suite_job(5, 1);
        s.env["PAPERS_ALGORITHMS"] = algo;
        s.env["PAPERS_UDP_FAULTS"] = "drop=0.1,reorder=0.1,seed=3";
        const auto res = run_job(s);
        expect_suite_passed(res);
    }
}

// ---- injected faults ------------------------------------------------------------

struct FaultCase {
    int n;
    const char* faults;
    const char* must_inject;  // report counter that must be > 0
};

class UdpFaults : public testing::TestWithParam<FaultCase> {};

TEST_P(UdpFaults, SuiteStillCorrect) {
    const FaultCase c = GetParam();
    JobSpec s = suite_job(c.n, 1);
    s.env["PAPERS_UDP_FAULTS"] = c.faults;
    const auto res = run_job(s);
    expect_suite_passed(res);
    EXPECT_GT(report_sum(res, c.must_inject), 0u) << describe(res);
    EXPECT_GT(report_sum(res, "reqs_sent"), 0u) << describe(res);
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, UdpFaults,
    testing::Values(FaultCase{2, "drop=0.3,seed=11", "injected_drop"},
                    FaultCase{3, "dup=0.3,reorder=0.3,seed=12", "injected_reorder"},
                    FaultCase{4, "delay=0.3,delay_ms=4,seed=13", "injected_delay"},
                    FaultCase{5, "drop=0.1,dup=0.1,delay=0.1,reorder=0.1,seed=14", "injected_dup"},
                    FaultCase{8, "drop=0.2,dup=0.1,delay=0.1,reorder=0.1,seed=15", "injected_drop"}),
    [](const testing::TestParamInfo<FaultCase>& i) { return "N" + std::to_string(i.param.n); });

// ---- long messages ----------------------------------------------------------------

TEST(UdpLarge, FragmentedMessagesCorrect) {
    JobSpec s;
    s.n = 3;
    s.program = UDP_TEST_RANK_BIN;
    s.args = {"--mode", "large"};
    s.env["PAPERS_TIMEOUT"] = "10";
    const auto res = run_job(s);
    for (const auto& r : res) EXPECT_EQ(r.status, 0) << describe(res);
}

TEST(UdpSessions, InitFinalizeThreeTimesInOneProcess) {
    JobSpec s;
    s.n = 3;
    s.program = UDP_TEST_RANK_BIN;
    s.args = {"--mode", "reinit"};
    s.env["PAPERS_TIMEOUT"] = "10";
    s.env["PAPERS_UDP_FAULTS"] = "dup=0.3,delay=0.3,seed=4";  // strays into the next session
    const auto res = run_job(s);
    for (const auto& r : res) EXPECT_EQ(r.status, 0) << describe(res);
}

TEST(UdpLarge, SmallDatagramsUnderFaults) {
    JobSpec s;
    s.n = 4;
    s.program = UDP_TEST_RANK_BIN;
    s.args = {"--mode", "large"};
    s.env["PAPERS_TIMEOUT"] = "10";
    s.env["PAPERS_UDP_MTU"] = "1200";  // hundreds of fragments per message, several windows
    s.env["PAPERS_UDP_FAULTS"] = "drop=0.1,dup=0.1,delay=0.05,reorder=0.1,seed=21";
    s.env["PAPERS_UDP_REPORT"] = "1";
    const auto res = run_job(s);
    for (const auto& r : res) EXPECT_EQ(r.status, 0) << describe(res);
    EXPECT_GT(report_sum(res, "resent"), 0u) << describe(res);
}

// ---- hostile input ------------------------------------------------------------------

TEST(UdpHostile, DroppedCountedAndResultsCorrect) {
    const int n = 4;
    const Job job = make_job(n);
    Rogue rogue(job.ports, job.job_id, job.key);
    rogue.start();
    JobSpec s = suite_job(n, 12);
    const auto res = run_job(s, job);
    const RogueStats st = rogue.stop();
    expect_suite_passed(res);
    EXPECT_GT(report_sum(res, "unknown_source"), 0u) << describe(res);
    if (!st.raw) {
        std::printf("raw sockets unavailable (no CAP_NET_RAW): spoofing and replay not tested\n");
        return;
    }
    std::printf("rogue: %lu unknown-source, %lu spoofed random, %lu truncated, %lu wrong-key, "
                "%lu captured, %lu replayed\n",
                st.unknown, st.spoofed_random, st.truncated, st.wrong_key, st.captured, st.replayed);
    EXPECT_GT(report_sum(res, "malformed"), 0u) << describe(res);
    EXPECT_GT(report_sum(res, "bad_mac"), 0u) << describe(res);
    EXPECT_GT(st.replayed, 0u);
    EXPECT_GT(report_sum(res, "late"), 0u) << describe(res);
}

// ---- failures -------------------------------------------------------------------------

TEST(UdpDeadPeer, OthersTimeOutNamingIt) {
    const int n = 4, victim = 2;
    const Job job = make_job(n);
    JobSpec s;
    s.n = n;
    s.program = UDP_TEST_RANK_BIN;
    s.args = {"--mode", "dead", "--victim", std::to_string(victim), "--after", "5"};
    s.env["PAPERS_TIMEOUT"] = "1.5";
    s.deadline_s = 30;
    const auto res = run_job(s, job);
    const std::string name = "rank 2 (127.0.0.1:" + std::to_string(job.ports[victim]) + ")";
    for (int r = 0; r < n; ++r) {
        if (r == victim) continue;
        EXPECT_EQ(res[r].status, 0) << describe(res);
        EXPECT_NE(res[r].output.find("timed out"), std::string::npos) << describe(res);
        EXPECT_NE(res[r].output.find(name), std::string::npos) << "rank " << r << " does not name "
                                                                << name << "\n" << describe(res);
        EXPECT_LT(res[r].seconds, 1.5 + 4.0) << describe(res);
    }
}

// A rank that binds its port late loses the handshake datagrams sent to
// it before; the others return from papers_init and compute for longer
// than PAPERS_TIMEOUT, answering nothing. papers_init must not return
// while a peer still needs one of its handshake datagrams.
TEST(UdpStartup, LateRankAndComputingPeersStillMeet) {
    for (int late : {3, 0}) {
        SCOPED_TRACE("late rank " + std::to_string(late));
        JobSpec s;
        s.n = 4;
        s.program = UDP_TEST_RANK_BIN;
        s.args = {"--mode", "late", "--victim", std::to_string(late), "--after", "300"};
        s.env["PAPERS_TIMEOUT"] = "1";
        s.env["PAPERS_UDP_REPORT"] = "1";
        s.deadline_s = 30;
        const auto res = run_job(s);
        for (const auto& r : res) {
            EXPECT_EQ(r.status, 0) << describe(res);
            EXPECT_NE(r.output.find("checks=1 failures=0"), std::string::npos) << describe(res);
        }
    }
}

// Both ranks compute longer than PAPERS_TIMEOUT after every barrier, and
// rank 0 loses half its datagrams: rank 1 often waits for a barrier
// datagram rank 0 sent and lost while rank 0 computes. Rank 0's progress
// thread must answer rank 1's requests, or rank 1 times out.
TEST(UdpProgress, LostDatagramAnsweredWhileTheSenderComputes) {
    JobSpec s;
    s.n = 2;
    s.program = UDP_TEST_RANK_BIN;
    s.args = {"--mode", "compute", "--after", "4"};
    s.env["PAPERS_TIMEOUT"] = "1";
    s.env["PAPERS_UDP_REPORT"] = "1";
    s.rank_env[0]["PAPERS_UDP_FAULTS"] = "drop=0.5,seed=7";
    s.deadline_s = 40;
    const auto res = run_job(s);
    for (const auto& r : res) {
        EXPECT_EQ(r.status, 0) << describe(res);
        EXPECT_NE(r.output.find("checks=0 failures=0"), std::string::npos) << describe(res);
    }
    EXPECT_GT(report_sum(res, "injected_drop"), 0u) << describe(res);
    EXPECT_GT(report_sum(res, "resent"), 0u) << describe(res);
}

TEST(UdpSetup, MissingKeyIsAClearError) {
    JobSpec s;
    s.n = 2;
    s.program = UDP_TEST_RANK_BIN;
    s.env["PAPERS_KEY"] = "";
    s.env["PAPERS_TIMEOUT"] = "1";
    const auto res = run_job(s);
    for (const auto& r : res) {
        EXPECT_EQ(r.status, 3) << describe(res);
        EXPECT_NE(r.output.find("PAPERS_KEY is not set"), std::string::npos) << describe(res);
    }
}

// Without a job id two runs by hand with one exported key would accept each
// other's datagrams (issue 15, finding 5).
TEST(UdpSetup, MissingJobIdIsAClearError) {
    JobSpec s;
    s.n = 2;
    s.program = UDP_TEST_RANK_BIN;
    s.env["PAPERS_JOB"] = "";
    s.env["PAPERS_TIMEOUT"] = "1";
    const auto res = run_job(s);
    for (const auto& r : res) {
        EXPECT_EQ(r.status, 3) << describe(res);
        EXPECT_NE(r.output.find("PAPERS_JOB is not set"), std::string::npos) << describe(res);
    }
}

// PAPERS_UDP_RTO is two plain numbers: no signs, spaces or anything after
// (issue 15, finding 8).
TEST(UdpSetup, LooseRetransmitTimeoutsAreRefused) {
    for (const char* rto : {" 1000,2000", "+1000,2000", "1000, 2000", "1000,2000 ", "1000,2000x",
                            "1000", "1000,-2000", "99999999999999999999,1"}) {
        JobSpec s;
        s.n = 2;
        s.program = UDP_TEST_RANK_BIN;
        s.env["PAPERS_UDP_RTO"] = rto;
        s.env["PAPERS_TIMEOUT"] = "1";
        const auto res = run_job(s);
        for (const auto& r : res) {
            EXPECT_EQ(r.status, 3) << rto << "\n" << describe(res);
            EXPECT_NE(r.output.find("PAPERS_UDP_RTO must be"), std::string::npos) << describe(res);
        }
    }
}

// The key leaves the rank's environment at papers_init (issue 15, finding 9).
TEST(UdpSetup, KeyLeavesTheEnvironment) {
    const Job job = make_job(2);
    JobSpec s;
    s.n = 2;
    s.program = UDP_TEST_RANK_BIN;
    s.args = {"--mode", "key-gone", job.key};
    const auto res = run_job(s, job);
    for (const auto& r : res) {
        EXPECT_EQ(r.status, 0) << describe(res);
        EXPECT_NE(r.output.find("failures=0"), std::string::npos) << describe(res);
    }
}

TEST(UdpSetup, BadAlgorithmChoiceIsAClearError) {
    const std::pair<const char*, const char*> cases[] = {
        {"barrier=groups:0", "'barrier=groups:0': the parameter after ':' must be a number >= 1"},
        {"barrier=groups:x", "'barrier=groups:x': the parameter after ':' must be a number >= 1"},
        {"barrier=groups:3", "barrier=groups:3: the group size must be from 1 to 2"},
        {"barrier=ring", "barrier=ring: on the udp backend it is not one of its barrier "
                         "algorithms (groups, dissemination, star)"},
        {"bcast=binomial", "bcast=binomial: on the udp backend it has no choice of bcast "
                           "algorithm (it chooses for: barrier, reduce, putget)"},
        {"barrier=star:2", "barrier=star: on the udp backend it takes no parameter"},
    };
    for (const auto& [bad, message] : cases) {
        JobSpec s;
        s.n = 2;
        s.program = UDP_TEST_RANK_BIN;
        s.env["PAPERS_TIMEOUT"] = "1";
        s.env["PAPERS_ALGORITHMS"] = bad;
        const auto res = run_job(s);
        for (const auto& r : res) {
            EXPECT_EQ(r.status, 3) << describe(res);
            EXPECT_NE(r.output.find(std::string("PAPERS_ALGORITHMS: ") + message), std::string::npos)
                << describe(res);
        }
    }
}

TEST(UdpSetup, WrongKeyOnOneRankIsNamed) {
    JobSpec s;
    s.n = 2;
    s.program = UDP_TEST_RANK_BIN;
    s.env["PAPERS_TIMEOUT"] = "1";
    s.rank_env[1]["PAPERS_KEY"] = std::string(64, 'a');
    const auto res = run_job(s);
    for (const auto& r : res) {
        EXPECT_EQ(r.status, 3) << describe(res);
        EXPECT_NE(r.output.find("failed the MAC check"), std::string::npos) << describe(res);
    }
}

TEST(UdpSetup, HostListMustMatchSize) {
    const Job job = make_job(2);
    JobSpec s;
    s.n = 2;
    s.program = UDP_TEST_RANK_BIN;
    s.env["PAPERS_TIMEOUT"] = "1";
    s.rank_env[1]["PAPERS_HOSTS"] = "127.0.0.1:" + std::to_string(job.ports[0]);
    const auto res = run_job(s, job);
    EXPECT_EQ(res[1].status, 3) << describe(res);
    EXPECT_NE(res[1].output.find("lists 1 host(s) but PAPERS_SIZE is 2"), std::string::npos)
        << describe(res);
    EXPECT_EQ(res[0].status, 3) << describe(res);  // its partner never came
}

TEST(UdpSetup, MismatchedCollectivesDetected) {
    JobSpec s;
    s.n = 3;
    s.program = UDP_TEST_RANK_BIN;
    s.args = {"--mode", "mismatch"};
    s.env["PAPERS_TIMEOUT"] = "1";
    const auto res = run_job(s);
    EXPECT_EQ(res[0].status, 0) << describe(res);
    EXPECT_NE(res[0].output.find("rc=-9"), std::string::npos) << describe(res);  // PAPERS_EMISMATCH
    EXPECT_NE(res[0].output.find("different collectives"), std::string::npos) << describe(res);
}

// ---- papersrun --backend udp ---------------------------------------------------------

TEST(UdpPapersrun, LocalJobGetsPortsAndKey) {
    const auto r = run_command({PAPERSRUN_BIN, "-np", "3", "--backend", "udp", "--timeout", "10",
                                PAPERS_SUITE_BIN},
                               {{"PAPERS_KEY", ""}}, 60);
    EXPECT_EQ(r.status, 0) << r.output;
    std::size_t passed = 0;
    for (std::size_t p = 0; (p = r.output.find(" 0 failures", p)) != std::string::npos; ++p) ++passed;
    EXPECT_EQ(passed, 3u) << r.output;
}

TEST(UdpPapersrun, RemoteRanksGetTheKeyOnStdinNotTheCommandLine) {
    // 127.0.0.2 and 127.0.0.3 are not addresses of an interface, so
    // papersrun treats them as remote and goes through "ssh" (a fake that
    // logs its command line and runs the command here).
    const Job job = make_job(3);
    const std::string log = testing::TempDir() + "udp_fake_ssh.log";
    std::remove(log.c_str());
    const std::string hosts = "127.0.0.2:" + std::to_string(job.ports[0]) + ",127.0.0.3:" +
                              std::to_string(job.ports[1]) + ",127.0.0.1:" + std::to_string(job.ports[2]);
    const auto r = run_command({PAPERSRUN_BIN, "-np", "3", "--backend", "udp", "--timeout", "10",
                                "--hosts", hosts, PAPERS_SUITE_BIN},
                               {{"PAPERS_KEY", job.key}, {"PAPERS_SSH", FAKE_SSH}, {"FAKE_SSH_LOG", log}},
                               60);
    EXPECT_EQ(r.status, 0) << r.output;
    std::size_t passed = 0;
    for (std::size_t p = 0; (p = r.output.find(" 0 failures", p)) != std::string::npos; ++p) ++passed;
    EXPECT_EQ(passed, 3u) << r.output;
    std::ifstream in(log);
    std::stringstream lines;
    lines << in.rdbuf();
    const std::string logged = lines.str();
    EXPECT_NE(logged.find("BatchMode=yes -- 127.0.0.2 "), std::string::npos) << logged;
    EXPECT_NE(logged.find("BatchMode=yes -- 127.0.0.3 "), std::string::npos) << logged;
    EXPECT_EQ(logged.find("127.0.0.1 read"), std::string::npos) << "the local rank went through ssh";
    EXPECT_EQ(logged.find(job.key), std::string::npos) << "the key is on a command line: " << logged;
}
