// papersrun with a hub simulator: first against fake_hubsim (the contract,
// and a simulator that misbehaves), then against the real papers-hubsim.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher_harness.hpp"

using namespace papersrun_test;
using Args = std::vector<std::string>;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string temp_path(const std::string& stem) {
    return "/tmp/papersrun-test-" + std::to_string(getpid()) + "-" + stem;
}

Args fake_sim_job(int np, const Args& script, const Args& extra = {}) {
    Args a{"-v", "--hubsim", FAKE_HUBSIM_EXE, "--job-timeout", "20", "-np", std::to_string(np)};
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

}  // namespace

TEST(PapersrunFakeSim, StartsTheSimulatorWithTheContractArguments) {
    std::string log = temp_path("hubsim.log");
    unlink(log.c_str());
    Outcome o = run(fake_sim_job(3, {"env", "sim-exists"}, {"--trace", "hub.vcd"}),
                    {"FAKE_HUBSIM_LOG=" + log});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    std::string id = job_id_from_verbose(o.err);
    std::string name = "/papers-" + id;
    std::string calls = read_file(log);
    unlink(log.c_str());
    EXPECT_NE(calls.find(" --max-ports\n"), std::string::npos) << calls;
    EXPECT_NE(calls.find(" --ports 3 --name " + name + " --mode hub --ready-fd "), std::string::npos)
        << calls;
    // The raw VCD goes to a scratch directory next to FILE; papersrun merges the PEs' notes
    // into FILE after the job (trace_output.hpp) and removes the scratch.
    EXPECT_TRUE(std::regex_search(calls, std::regex(R"( --trace hub\.vcd\.papers-\w{6}/hub\.raw\.vcd)")))
        << calls;
    EXPECT_NE(read_file("hub.vcd").find("$scope module papers"), std::string::npos);
    unlink("hub.vcd");
    unlink("hub.gtkw");
    EXPECT_EQ(count_lines(o.out, "env PAPERS_SIM=" + name), 3) << o.out;
    EXPECT_EQ(count_lines(o.out, "env PAPERS_BACKEND=sim"), 3) << o.out;
    EXPECT_EQ(count_lines(o.out, " sim yes"), 3) << o.out;  // the object exists while ranks run
    expect_job_left_nothing(o, {});
}

TEST(PapersrunFakeSim, CapersRunsTheSimulatorAsALapLinkCable) {
    std::string log = temp_path("capers.log");
    unlink(log.c_str());
    Outcome o = run(fake_sim_job(2, {"env"}, {"--backend", "capers"}), {"FAKE_HUBSIM_LOG=" + log});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    std::string calls = read_file(log);
    unlink(log.c_str());
    EXPECT_NE(calls.find(" --ports 2 --name /papers-"), std::string::npos) << calls;
    EXPECT_NE(calls.find(" --mode laplink "), std::string::npos) << calls;
    EXPECT_EQ(count_lines(o.out, "env PAPERS_BACKEND=capers"), 2) << o.out;
}

TEST(PapersrunFakeSim, MoreRanksThanHubPortsIsRefused) {
    Outcome o = run(fake_sim_job(9, {"env"}), {"FAKE_HUBSIM_PORTS=8"});
    EXPECT_EQ(o.exit_code, 2);
    EXPECT_NE(o.err.find("-np 9: the hub has 8 ports"), std::string::npos) << o.err;
    EXPECT_TRUE(o.out.empty());
}

TEST(PapersrunFakeSim, SimulatorThatNeverGetsReadyTimesOut) {
    Outcome o = run(fake_sim_job(2, {"env"}, {"--sim-ready-timeout", "0.5"}),
                    {"FAKE_HUBSIM_MODE=never-ready"});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_NE(o.err.find("did not report ready within 0.5 s"), std::string::npos) << o.err;
    EXPECT_LT(o.seconds, 4.0);
    EXPECT_TRUE(o.out.empty());  // no rank started
    expect_job_left_nothing(o, {});
}

TEST(PapersrunFakeSim, StuckSimulatorScriptLeavesNoProcessBehind) {
    // A shell-script simulator that starts a background child and hangs.
    std::string script = temp_path("stuck-hubsim.sh");
    {
        std::ofstream f(script);
        f << "#!/bin/sh\ncase \"$*\" in *--max-ports*) echo 4; exit 0;; esac\n"
             "sleep 300 &\necho \"rank 9 child $!\"\nexec sleep 300\n";
    }
    chmod(script.c_str(), 0755);
    Outcome o = run({"-v", "--hubsim", script, "--sim-ready-timeout", "0.5", "-np", "2", FAKE_RANK_EXE});
    unlink(script.c_str());
    EXPECT_EQ(o.exit_code, 1) << o.err;
    auto pids = printed_pids(o.err);  // the simulator's stdout goes to stderr
    EXPECT_EQ(pids.size(), 1u) << o.err;
    expect_job_left_nothing(o, pids);
}

TEST(PapersrunFakeSim, SimulatorThatFailsToStartIsReported) {
    Outcome o = run(fake_sim_job(2, {"env"}), {"FAKE_HUBSIM_MODE=fail-early"});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_NE(o.err.find("broken on purpose"), std::string::npos) << o.err;  // its own message
    EXPECT_NE(o.err.find("papers-hubsim exited with status 1 before it was ready"), std::string::npos)
        << o.err;
    EXPECT_TRUE(o.out.empty());
}

TEST(PapersrunFakeSim, GarbledPortCountIsReported) {
    Outcome o = run(fake_sim_job(2, {"env"}), {"FAKE_HUBSIM_MODE=garbage-ports"});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_NE(o.err.find("not a port count"), std::string::npos) << o.err;
}

TEST(PapersrunFakeSim, SimulatorDyingMidJobStopsTheJobAndItsShmIsRemoved) {
    Outcome o = run(fake_sim_job(2, {"pid", "sleep-forever"}), {"FAKE_HUBSIM_MODE=die-after-ready"});
    EXPECT_EQ(o.exit_code, 1) << o.err;
    EXPECT_NE(o.err.find("papers-hubsim exited with status 3 during the job"), std::string::npos) << o.err;
    EXPECT_LT(o.seconds, 5.0);
    expect_job_left_nothing(o, printed_pids(o.out));  // the leaked object is swept
}

TEST(PapersrunFakeSim, SimulatorForgettingToUnlinkIsCoveredByTheBackstop) {
    Outcome o = run(fake_sim_job(2, {"sim-exists"}), {"FAKE_HUBSIM_MODE=leak-shm"});
    EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(count_lines(o.out, " sim yes"), 2) << o.out;
    expect_job_left_nothing(o, {});
}

TEST(PapersrunFakeSim, MissingSimulatorIsAClearError) {
    Outcome o = run({"--hubsim", "/nonexistent/papers-hubsim", "-np", "2", FAKE_RANK_EXE});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_NE(o.err.find("/nonexistent/papers-hubsim"), std::string::npos) << o.err;
}

// --- the real simulator (sim-verilog/hubsim), found next to papersrun -------

#ifdef PAPERSRUN_REAL_HUBSIM
#define REQUIRE_REAL_HUBSIM()                                                            \
    do {                                                                                 \
        struct stat st_;                                                                 \
        ASSERT_EQ(stat(PAPERSRUN_REAL_HUBSIM, &st_), 0) << "not built: " PAPERSRUN_REAL_HUBSIM; \
    } while (0)
#else
#define REQUIRE_REAL_HUBSIM() GTEST_SKIP() << "papers-hubsim is not part of this build"
#define PAPERSRUN_REAL_HUBSIM_NAME "papers-hubsim"
#endif

namespace {

int real_max_ports() {
#ifdef PAPERSRUN_REAL_HUBSIM
    FILE* p = popen(PAPERSRUN_REAL_HUBSIM " --max-ports", "r");
    int n = 0;
    if (p && fscanf(p, "%d", &n) != 1) n = 0;
    if (p) pclose(p);
    return n;
#else
    return 0;
#endif
}

Args real_sim_job(int np, const Args& script, const Args& extra = {}) {
    Args a{"-v", "--job-timeout", "20", "-np", std::to_string(np)};
    a.insert(a.end(), extra.begin(), extra.end());
    a.push_back(FAKE_RANK_EXE);
    a.insert(a.end(), script.begin(), script.end());
    return a;
}

}  // namespace

TEST(PapersrunRealSim, RanksSeeTheSimulatorsWireAndItIsGoneAfterwards) {
    REQUIRE_REAL_HUBSIM();
    Outcome o = run(real_sim_job(4, {"env", "sim-exists"}));
    ASSERT_EQ(o.exit_code, 0) << o.err;
    std::string id = job_id_from_verbose(o.err);
    EXPECT_EQ(count_lines(o.out, "env PAPERS_SIM=/papers-" + id), 4) << o.out;
    EXPECT_EQ(count_lines(o.out, "env PAPERS_BACKEND=sim"), 4) << o.out;
    EXPECT_EQ(count_lines(o.out, " sim yes"), 4) << o.out;
    EXPECT_NE(o.err.find(PAPERSRUN_REAL_HUBSIM_NAME), std::string::npos) << o.err;  // found by default
    expect_job_left_nothing(o, {});
}

TEST(PapersrunRealSim, RankCountBeyondTheHubsPortsIsRefused) {
    REQUIRE_REAL_HUBSIM();
    int ports = real_max_ports();
    ASSERT_GT(ports, 0);
    Outcome o = run(real_sim_job(999, {"env"}));
    EXPECT_EQ(o.exit_code, 2);
    EXPECT_NE(o.err.find("-np 999: the hub has " + std::to_string(ports) + " ports"), std::string::npos)
        << o.err;
    Outcome one_more = run(real_sim_job(ports + 1, {"env"}));
    EXPECT_EQ(one_more.exit_code, 2) << one_more.err;
}

TEST(PapersrunRealSim, FailingRankStopsSleepersAndTheSimulator) {
    REQUIRE_REAL_HUBSIM();
    Outcome o = run(real_sim_job(3, {"pid", "child", "barrier", "exit-on", "2", "9", "sleep-forever"}));
    EXPECT_EQ(o.exit_code, 9) << o.err;
    EXPECT_LT(o.seconds, 5.0);
    auto pids = printed_pids(o.out);
    EXPECT_EQ(pids.size(), 6u) << o.out;
    expect_job_left_nothing(o, pids);
    EXPECT_EQ(o.err.find("while stopping"), std::string::npos) << o.err;  // simulator exited 0
}

TEST(PapersrunRealSim, SigintStopsRanksAndSimulator) {
    REQUIRE_REAL_HUBSIM();
    Launch l(real_sim_job(2, {"pid", "sim-exists", "sleep-forever"}));
    ASSERT_TRUE(l.wait_for_stdout([](const std::string& out) { return count_lines(out, " sim ") == 2; }, 10))
        << l.out();
    l.send_signal(SIGINT);
    Outcome o = l.finish(10);
    EXPECT_EQ(o.exit_code, 130) << o.err;
    EXPECT_EQ(count_lines(o.out, " sim yes"), 2) << o.out;
    expect_job_left_nothing(o, printed_pids(o.out));
}

TEST(PapersrunRealSim, CapersWithTwoRanks) {
    REQUIRE_REAL_HUBSIM();
    Outcome o = run(real_sim_job(2, {"env", "sim-exists"}, {"--backend", "capers"}));
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(count_lines(o.out, "env PAPERS_BACKEND=capers"), 2) << o.out;
    EXPECT_EQ(count_lines(o.out, " sim yes"), 2) << o.out;
    expect_job_left_nothing(o, {});
}

TEST(PapersrunRealSim, TraceFileIsWritten) {
    REQUIRE_REAL_HUBSIM();
    std::string vcd = temp_path("hub.vcd");
    unlink(vcd.c_str());
    Outcome o = run(real_sim_job(2, {"sleep-ms", "100"}, {"--trace", vcd}));
    ASSERT_EQ(o.exit_code, 0) << o.err;
    std::string text = read_file(vcd);
    unlink(vcd.c_str());
    EXPECT_NE(text.find("$enddefinitions"), std::string::npos) << "VCD header missing";
}
