// launch_dipcd_test.cpp — the papers-dipcd program itself: --gen-key,
// --print-config, exit codes, the --ready-fd contract and SIGTERM, and the
// installed systemd unit (systemd-analyze verify).
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "dipc_daemons.hpp"
#include "launch_processes.hpp"

using namespace launch_test;

namespace {

std::string temp_dir() {
    std::string t = testing::TempDir() + "launch_dipcd_XXXXXX";
    if (!mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
    return t;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool tcp_connects(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
}

}  // namespace

TEST(LaunchDipcd, GenKeyWritesAPrivateKeyAndNeverOverwrites) {
    const std::string dir = temp_dir();
    const std::string key = dir + "/cluster.key";
    Outcome r = run({LAUNCH_DIPCD, "--gen-key", key});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    struct stat st {};
    ASSERT_EQ(stat(key.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    const std::string text = slurp(key);
    EXPECT_EQ(text.size(), 65u);
    EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), 64u);
    r = run({LAUNCH_DIPCD, "--gen-key", key});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("papers-dipcd: key file " + key + ": it already exists"), std::string::npos) << r.err;
    EXPECT_EQ(slurp(key), text) << "the key was overwritten";
    std::filesystem::remove_all(dir);
}

TEST(LaunchDipcd, BadCommandLineExitsTwoNamingTheOption) {
    Outcome r = run({LAUNCH_DIPCD, "--listen", "127.0.0.1:99999"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("papers-dipcd: --listen '127.0.0.1:99999': port 99999 is out of range"), std::string::npos)
        << r.err;
    r = run({LAUNCH_DIPCD, "--serve-referee", "--socket", "", "--key-file", "/nonexistent/key"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--key-file /nonexistent/key: does not exist"), std::string::npos) << r.err;
    r = run({LAUNCH_DIPCD, "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("--semopm"), std::string::npos);
    EXPECT_NE(r.out.find("Privileges:"), std::string::npos);
}

TEST(LaunchDipcd, PrintConfigOfAFileReadsBack) {
    const std::string dir = temp_dir();
    const std::string conf = dir + "/d.conf";
    std::ofstream(conf) << "name = \"n1\"\nreferee = \"10.0.0.1:7751\"\nallow = [\"10.0.0.0/24\"]\nsemopm = 32\n";
    Outcome r = run({LAUNCH_DIPCD, "--config", conf, "--print-config", "--heartbeat-ms", "125"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\nname = \"n1\"\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nheartbeat-ms = 125\n"), std::string::npos);
    EXPECT_NE(r.out.find("\nsemopm = 32\n"), std::string::npos);
    EXPECT_NE(r.err.find("warning: --semopm ignored"), std::string::npos) << r.err;
    std::ofstream(dir + "/printed.conf") << r.out;
    const Outcome again = run({LAUNCH_DIPCD, "--config", dir + "/printed.conf", "--print-config"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.out, r.out);
    std::filesystem::remove_all(dir);
}

// The --ready-fd contract papersrun and the harness rely on, through the
// shared start/await/stop code.
TEST(LaunchDipcd, ReportsReadyServesAndStopsCleanlyOnSigterm) {
    const std::string dir = temp_dir();
    papersrun::DirectChildWatch watch;
    papersrun::generate_cluster_key(LAUNCH_DIPCD, dir + "/k", watch);
    papersrun::DaemonSpec spec;
    spec.label = "solo";
    spec.dipcd = LAUNCH_DIPCD;
    spec.log_path = dir + "/solo.log";
    spec.args = {"--name", "solo", "--serve-referee", "--listen", "127.0.0.1:0", "--socket", dir + "/solo.sock",
                 "--key-file", dir + "/k", "--allow", "127.0.0.1"};
    papersrun::Daemon d = papersrun::start_daemon(spec);
    papersrun::await_ready({&d}, 30, "the test's bound", watch);
    EXPECT_GT(d.port, 0);
    EXPECT_TRUE(tcp_connects(d.port));
    struct stat st {};
    EXPECT_EQ(stat((dir + "/solo.sock").c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    ASSERT_TRUE(papersrun::stop_daemons({&d}, 10, watch));
    EXPECT_EQ(WIFEXITED(watch.status(d.pid)) ? WEXITSTATUS(watch.status(d.pid)) : -1, 0)
        << "SIGTERM is a clean stop: " << slurp(spec.log_path);
    EXPECT_NE(stat((dir + "/solo.sock").c_str(), &st), 0) << "the daemon left its socket behind";
    std::filesystem::remove_all(dir);
}

// cmake --install of the dipc component into a scratch prefix: the unit
// names the installed binary and passes systemd-analyze verify.
TEST(LaunchDipcd, InstalledSystemdUnitVerifies) {
    const std::string prefix = temp_dir();
    const Outcome inst = run({"/usr/bin/env", "cmake", "--install", LAUNCH_BUILD_DIR, "--prefix", prefix,
                              "--component", "dipc"});
    ASSERT_EQ(inst.exit_code, 0) << inst.out << inst.err;
    const std::string unit = prefix + "/lib/systemd/system/papers-dipcd.service";
    const std::string text = slurp(unit);
    ASSERT_FALSE(text.empty()) << unit << " was not installed";
    EXPECT_NE(text.find("ExecStart=" + prefix + "/bin/papers-dipcd --config /etc/papers-dipc/dipcd.conf\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("RuntimeDirectory=papers-dipc\n"), std::string::npos);
    // The installed example is the reference, and it parses.
    const std::string example = prefix + "/share/doc/papers/examples/dipcd.conf";
    const Outcome parsed = run({LAUNCH_DIPCD, "--config", example, "--print-config"});
    EXPECT_EQ(parsed.exit_code, 0) << parsed.err;
    const Outcome reference = run({LAUNCH_DIPCD, "--print-config", "--reference"});
    EXPECT_EQ(slurp(example), reference.out);
    std::string analyze;
    for (const char* p : {"/usr/bin/systemd-analyze", "/bin/systemd-analyze"})
        if (access(p, X_OK) == 0) analyze = p;
    if (analyze.empty()) {
        std::filesystem::remove_all(prefix);
        GTEST_SKIP() << "systemd-analyze is not installed: the unit was checked by content only";
    }
    const Outcome verify = run({analyze, "verify", unit});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    EXPECT_EQ(verify.err.find(unit), std::string::npos) << "warnings about the unit: " << verify.err;
    std::filesystem::remove_all(prefix);
}
