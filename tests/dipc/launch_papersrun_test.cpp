// launch_papersrun_test.cpp — whole papersrun --dipc jobs of
// launch_rank_probe: what every rank gets (its own IPC namespace, its host's
// socket, the preloaded library, PAPERS_RANK/SIZE, PAPERS_DIPC_KEYS), and
// that nothing is left behind (no process, socket, key or directory) after
// success, a rank's SIGKILL, SIGTERM to papersrun, --job-timeout, and
// daemons that fail, stay silent or die during the job.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>

#include "launch_processes.hpp"

using namespace launch_test;

namespace {

std::string real(const std::string& path) {
    char buf[4096];
    return realpath(path.c_str(), buf) ? buf : path;
}

// papersrun --dipc -np N on shm with the probe library, verbose, bounded.
std::vector<std::string> job(int np, const std::vector<std::string>& options = {},
                             const std::vector<std::string>& probe_args = {}) {
    std::vector<std::string> a{LAUNCH_PAPERSRUN, "--dipc", "--dipc-lib", LAUNCH_PRELOAD, "-np", std::to_string(np),
                               "--backend", "shm", "-v"};
    if (std::find(options.begin(), options.end(), "--job-timeout") == options.end())
        a.insert(a.end(), {"--job-timeout", "60"});
    a.insert(a.end(), options.begin(), options.end());
    a.push_back(LAUNCH_PROBE);
    a.insert(a.end(), probe_args.begin(), probe_args.end());
    return a;
}

// The daemons' pids from "dipc: daemons ready (referee pid P port X, ...)".
std::vector<pid_t> daemon_pids(const std::string& err) {
    std::vector<pid_t> pids;
    const auto at = err.find("dipc: daemons ready (");
    if (at == std::string::npos) return pids;
    const std::string line = err.substr(at, err.find('\n', at) - at);
    static const std::regex re("pid ([0-9]+)");
    for (std::sregex_iterator it(line.begin(), line.end(), re), end; it != end; ++it)
        pids.push_back(static_cast<pid_t>(std::stoi((*it)[1].str())));
    return pids;
}

bool alive(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(stat, text);
    const auto close = text.rfind(')');
    return close != std::string::npos && text.size() > close + 2 && text[close + 2] != 'Z';
}

// Nothing of job `job_id` remains: no process naming it, no daemon alive,
// no job directory (local or "remote"), no shm object.
void expect_nothing_left(const std::string& job_id, const std::vector<pid_t>& daemons = {}) {
    ASSERT_FALSE(job_id.empty()) << "no job id (papersrun -v)";
    EXPECT_TRUE(processes_mentioning(job_id).empty()) << "a process of job " << job_id << " survived";
    for (pid_t pid : daemons) EXPECT_FALSE(alive(pid)) << "daemon " << pid << " survived";
    const char* tmp = getenv("TMPDIR");
    EXPECT_TRUE(entries_containing(tmp && *tmp ? tmp : "/tmp", "papers-dipc-" + job_id).empty());
    EXPECT_TRUE(entries_containing("/tmp", "papers-dipc-" + job_id).empty());
    EXPECT_TRUE(entries_containing("/dev/shm", "papers-" + job_id).empty());
}

// The job directory a live daemon names (its host-1 socket).
std::string live_job_dir() {
    for (const auto& e : entries_containing("/tmp", "papers-dipc-")) {
        struct stat st {};
        if (stat((e + "/host-1.sock").c_str(), &st) == 0 && !processes_mentioning(e + "/host-1.sock").empty())
            return e;
    }
    return "";
}

std::vector<std::string> flaky(const std::string& name, const std::string& mode) {
    return {"FLAKY_NAME=" + name, "FLAKY_MODE=" + mode, std::string("REAL_DIPCD=") + LAUNCH_DIPCD};
}

}  // namespace

TEST(LaunchPapersrun, ThreeRanksEachWithTheirOwnHost) {
    // The ranks overlap (sleep), so that a freed namespace's number cannot
    // come back as another rank's.
    const Outcome r = run(job(3, {}, {"--sleep", "2"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto probes = probe_lines(r.out);
    ASSERT_EQ(probes.size(), 3u) << r.out;
    const std::string job_id = job_id_from(r.err);
    std::set<std::string> ipcs, sockets;
    for (const auto& [rank, p] : probes) {
        SCOPED_TRACE("rank " + std::to_string(rank));
        EXPECT_EQ(p.at("size"), "3");
        EXPECT_NE(p.at("ipc"), own_namespace("ipc")) << "rank shares papersrun's IPC namespace";
        ipcs.insert(p.at("ipc"));
        EXPECT_NE(p.at("socket").find("/papers-dipc-" + job_id + "-"), std::string::npos) << p.at("socket");
        EXPECT_NE(p.at("socket").find("/host-" + std::to_string(rank) + ".sock"), std::string::npos);
        sockets.insert(p.at("socket"));
        EXPECT_EQ(p.at("sock"), "ok") << "its daemon does not answer on " << p.at("socket");
        EXPECT_EQ(p.at("preloaded"), "1") << "LD_PRELOAD=" << p.at("preload") << " did not take effect";
        EXPECT_EQ(p.at("preload"), LAUNCH_PRELOAD_FIRST + real(LAUNCH_PRELOAD));
        EXPECT_EQ(p.at("keys"), "-") << "PAPERS_DIPC_KEYS appeared from nowhere";
    }
    EXPECT_EQ(ipcs.size(), 3u) << "two ranks share an IPC namespace";
    EXPECT_EQ(sockets.size(), 3u);
    // The exact daemon command lines (docs/papersrun.md).
    EXPECT_NE(r.err.find("--name referee --serve-referee --listen 127.0.0.1:0 --allow 127.0.0.0/8 -v --socket '' "
                         "--key-file "),
              std::string::npos)
        << r.err;
    EXPECT_EQ(count(r.err, " --referee 127.0.0.1:"), 3) << r.err;
    expect_nothing_left(job_id, daemon_pids(r.err));
    EXPECT_EQ(daemon_pids(r.err).size(), 4u) << r.err;
}

TEST(LaunchPapersrun, SigtermToPapersrunStopsEverything) {
    Running p(job(3, {}, {"--sleep", "60"}));
    ASSERT_TRUE(p.wait_for_stdout("sleeping", 3, 30));
    p.signal(SIGTERM);
    const Outcome r = p.finish(30);
    EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.err;
    EXPECT_NE(r.err.find("got SIGTERM; stopping the job"), std::string::npos) << r.err;
    EXPECT_EQ(probe_lines(r.out).size(), 3u) << r.out;
    expect_nothing_left(job_id_from(r.err), daemon_pids(r.err));
}

TEST(LaunchPapersrun, WhileRunningTheDirectoryIsPrivateAndKeyless) {
    Running p(job(2, {}, {"--sleep", "30"}));
    ASSERT_TRUE(p.wait_for_stdout("sleeping", 2, 30));
    const std::string dir = live_job_dir();
    ASSERT_FALSE(dir.empty()) << "no job directory with a live daemon in /tmp";
    struct stat st {};
    ASSERT_EQ(stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u) << dir;
    EXPECT_EQ(st.st_uid, geteuid());
    EXPECT_NE(stat((dir + "/cluster.key").c_str(), &st), 0) << "the key is still on disk once the daemons run";
    ASSERT_EQ(stat((dir + "/host-1.sock").c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    p.signal(SIGTERM);
    const Outcome r = p.finish(30);
    EXPECT_EQ(r.exit_code, 128 + SIGTERM);
    EXPECT_NE(stat(dir.c_str(), &st), 0) << dir << " survived the job";
    expect_nothing_left(job_id_from(r.err), daemon_pids(r.err));
}

// papersrun itself SIGKILLed cannot clean up: its daemons stop by
// themselves (PR_SET_PDEATHSIG) and remove their sockets, the key is long
// gone, and the next --dipc job removes the directory with the logs.
TEST(LaunchPapersrun, AfterPapersrunIsKilledTheNextJobSweepsItsDirectory) {
    std::string dir;
    {
        Running p(job(2, {}, {"--sleep", "30"}));
        ASSERT_TRUE(p.wait_for_stdout("sleeping", 2, 30));
        dir = live_job_dir();
        ASSERT_FALSE(dir.empty());
        p.signal(SIGKILL);
        p.finish(10);
    }
    for (int i = 0; i < 200 && !processes_mentioning(dir).empty(); ++i) usleep(50000);
    EXPECT_TRUE(processes_mentioning(dir).empty()) << "a daemon outlived papersrun";
    EXPECT_TRUE(entries_containing(dir, ".sock").empty()) << "a daemon left its socket";
    EXPECT_TRUE(entries_containing(dir, ".key").empty());
    const Outcome next = run(job(1));
    EXPECT_EQ(next.exit_code, 0) << next.err;
    EXPECT_NE(next.err.find("dipc: removed " + dir + " (its papersrun is gone)"), std::string::npos) << next.err;
    struct stat st {};
    EXPECT_NE(stat(dir.c_str(), &st), 0) << dir << " was not swept";
}

TEST(LaunchPapersrun, RankKilledWithSigkillStopsEverythingAndShowsTheLogs) {
    const Outcome r = run(job(3, {}, {"--kill-rank", "1", "--sleep", "30"}));
    EXPECT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
    EXPECT_NE(r.err.find("rank 1 was killed by signal 9"), std::string::npos) << r.err;
    // The daemons' logs, prefixed, because the job failed.
    EXPECT_NE(r.err.find("[papers-dipcd referee] "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[papers-dipcd rank-1] "), std::string::npos) << r.err;
    expect_nothing_left(job_id_from(r.err), daemon_pids(r.err));
}

TEST(LaunchPapersrun, SuccessPrintsNoDaemonLogs) {
    const Outcome r = run(job(2));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("[papers-dipcd "), std::string::npos) << r.err;
}

TEST(LaunchPapersrun, JobTimeoutStopsEverything) {
    const Outcome r = run(job(2, {"--job-timeout", "2"}, {"--sleep", "60"}));
    EXPECT_EQ(r.exit_code, 124) << r.err;
    expect_nothing_left(job_id_from(r.err), daemon_pids(r.err));
}

TEST(LaunchPapersrun, DaemonThatFailsToStartIsALaunchError) {
    const Outcome r = run(job(3, {"--dipcd", LAUNCH_FLAKY_DIPCD}), flaky("rank-1", "fail"));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("papers-dipcd rank-1 exited with status 3 before it was ready"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[papers-dipcd rank-1] flaky papers-dipcd rank-1: failing on purpose"), std::string::npos)
        << r.err;
    EXPECT_TRUE(probe_lines(r.out).empty()) << "ranks started: " << r.out;
    expect_nothing_left(job_id_from(r.err));
}

TEST(LaunchPapersrun, RefereeThatFailsToStartIsALaunchError) {
    const Outcome r = run(job(2, {"--dipcd", LAUNCH_FLAKY_DIPCD}), flaky("referee", "fail"));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("papers-dipcd referee exited with status 3 before it was ready"), std::string::npos) << r.err;
    expect_nothing_left(job_id_from(r.err));
}

TEST(LaunchPapersrun, SilentDaemonTimesOut) {
    const Outcome r =
        run(job(3, {"--dipcd", LAUNCH_FLAKY_DIPCD, "--dipc-ready-timeout", "1"}), flaky("rank-2", "silent"));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("papers-dipcd rank-2 did not report ready within 1 s (--dipc-ready-timeout)"),
              std::string::npos)
        << r.err;
    expect_nothing_left(job_id_from(r.err));
}

TEST(LaunchPapersrun, DaemonDyingDuringTheJobStopsIt) {
    const Outcome r = run(job(2, {"--dipcd", LAUNCH_FLAKY_DIPCD}, {"--sleep", "60"}), flaky("rank-0", "die-later"));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("papers-dipcd rank-0 exited with status 4 during the job"), std::string::npos) << r.err;
    expect_nothing_left(job_id_from(r.err), daemon_pids(r.err));
}

TEST(LaunchPapersrun, DipcKeysAreSetOrPassedThrough) {
    Outcome r = run(job(1, {"--dipc-keys", "all"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(probe_lines(r.out)[0]["keys"], "all");
    r = run(job(1), {"PAPERS_DIPC_KEYS=0x10,0x5000-0x50ff"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(probe_lines(r.out)[0]["keys"], "0x10,0x5000-0x50ff");
    r = run(job(1, {"--dipc-keys", "0x50-0x10"}));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--dipc-keys: '0x50-0x10' is not a key"), std::string::npos) << r.err;
    r = run(job(1), {"PAPERS_DIPC_KEYS=some"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("the exported PAPERS_DIPC_KEYS: 'some'"), std::string::npos) << r.err;
}

TEST(LaunchPapersrun, BadRequestsStartNothing) {
    struct Case {
        std::vector<std::string> args;
        int code;
        std::string message;
    };
    const std::vector<Case> cases{
        {{LAUNCH_PAPERSRUN, "--dipc-lib", LAUNCH_PRELOAD, "-np", "1", LAUNCH_PROBE}, 2,
         "--dipc-lib belongs to a DIPC job; it needs --dipc"},
        {{LAUNCH_PAPERSRUN, "--dipc", "--backend", "mpi", "-np", "1", LAUNCH_PROBE}, 2, "--backend mpi hands them to mpirun"},
        {{LAUNCH_PAPERSRUN, "--dipc", "--dipc-lib", "/nonexistent/lib.so", "--backend", "shm", "-np", "1", LAUNCH_PROBE},
         1, "--dipc-lib /nonexistent/lib.so: no such file"},
        {{LAUNCH_PAPERSRUN, "--dipc", "--dipcd", "/nonexistent/dipcd", "--dipc-lib", LAUNCH_PRELOAD, "--backend", "shm",
          "-np", "1", LAUNCH_PROBE},
         1, "--dipcd /nonexistent/dipcd: no such file"},
    };
    for (const auto& c : cases) {
        const Outcome r = run(c.args);
        EXPECT_EQ(r.exit_code, c.code) << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
    }
}

// Without --dipc-lib papersrun preloads libpapers_dipc.so from its libdir,
// or says where it looked.
TEST(LaunchPapersrun, DefaultLibraryIsNextToPapersrunsLibdir) {
    const std::string lib = std::string(LAUNCH_BUILD_DIR) + "/lib/libpapers_dipc.so";
    const Outcome r = run({LAUNCH_PAPERSRUN, "--dipc", "--backend", "shm", "-np", "1", LAUNCH_PROBE});
    struct stat st {};
    if (stat(lib.c_str(), &st) == 0) {
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(probe_lines(r.out)[0]["preload"], LAUNCH_PRELOAD_FIRST + real(lib));
    } else {
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_NE(r.err.find("libpapers_dipc.so"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("--dipc-lib PATH"), std::string::npos) << r.err;
    }
}

// --hosts: one daemon per distinct host, remote ones over "ssh" (a fake
// that runs the command here); the key never on a command line; ranks of
// one host share its daemon; the remote directories are removed.
TEST(LaunchPapersrun, HostsGetOneDaemonEachOverSsh) {
    const std::string log = testing::TempDir() + "launch_fake_ssh_" + std::to_string(getpid()) + ".log";
    std::remove(log.c_str());
    const Outcome r = run({LAUNCH_PAPERSRUN, "--dipc", "--dipc-lib", LAUNCH_PRELOAD, "--backend", "udp", "-v",
                           "--job-timeout", "60", "-np", "3", "--hosts", "127.0.0.2,127.0.0.3,127.0.0.2", LAUNCH_PROBE},
                          {std::string("PAPERS_SSH=") + LAUNCH_FAKE_SSH, "FAKE_SSH_LOG=" + log});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string job_id = job_id_from(r.err);
    auto probes = probe_lines(r.out);
    ASSERT_EQ(probes.size(), 3u) << r.out;
    EXPECT_EQ(probes[0]["socket"], "/tmp/papers-dipc-" + job_id + "-host-0/dipcd.sock");
    EXPECT_EQ(probes[2]["socket"], probes[0]["socket"]) << "ranks of one host share its daemon";
    EXPECT_EQ(probes[1]["socket"], "/tmp/papers-dipc-" + job_id + "-host-1/dipcd.sock");
    for (auto& [rank, p] : probes) {
        EXPECT_EQ(p["sock"], "ok") << "rank " << rank;
        EXPECT_EQ(p["preloaded"], "1") << "rank " << rank << ": LD_PRELOAD did not reach the remote rank";
        // A host's ranks share its kernel, as processes of a real host do.
        EXPECT_EQ(p["ipc"], own_namespace("ipc"));
    }
    std::ifstream in(log);
    const std::string logged((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(count(logged, "--serve-referee"), 1) << logged;
    EXPECT_NE(logged.find("BatchMode=yes -- 127.0.0.2 umask 077; d='/tmp/papers-dipc-" + job_id + "-referee'"),
              std::string::npos)
        << "the referee runs on the first host: " << logged;
    EXPECT_EQ(count(logged, "'--referee' '127.0.0.2:"), 2) << logged;
    EXPECT_FALSE(std::regex_search(logged, std::regex("[0-9a-f]{64}"))) << "a key on a command line: " << logged;
    expect_nothing_left(job_id);
    std::remove(log.c_str());
}

// Without root: the ranks get a user namespace owning their IPC namespace.
TEST(LaunchPapersrun, WithoutRootRanksStillGetTheirOwnIpcNamespace) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to an unprivileged user for the test";
    if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "setpriv(1) is not installed";
    const Outcome userns = run({"/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                                "/usr/bin/unshare", "--user", "--ipc", "true"});
    if (userns.exit_code != 0) GTEST_SKIP() << "unprivileged user namespaces are not allowed here: " << userns.err;
    std::vector<std::string> args{"/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"};
    // The ranks stay a while: the kernel reuses a gone namespace's number, so two ranks that
    // did not live at the same time could show the same one.
    const auto j = job(2, {}, {"--sleep", "1"});
    args.insert(args.end(), j.begin(), j.end());
    const Outcome r = run(args, {"TMPDIR=/tmp", "HOME=/nonexistent"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto probes = probe_lines(r.out);
    ASSERT_EQ(probes.size(), 2u) << r.out;
    EXPECT_NE(probes.at(0).at("ipc"), probes.at(1).at("ipc"));
    EXPECT_NE(probes.at(0).at("ipc"), own_namespace("ipc"));
    EXPECT_EQ(probes.at(0).at("sock"), "ok");
    expect_nothing_left(job_id_from(r.err), daemon_pids(r.err));
}
