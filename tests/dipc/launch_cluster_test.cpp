// launch_cluster_test.cpp — the DIPC test harness (cluster.hpp) itself:
// hosts get their own IPC namespace shared by their processes, sockets and
// preloading reach the processes, daemons can be killed, and network
// namespaces are made, used and removed.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "cluster.hpp"
#include "launch_processes.hpp"

using papers::dipc_test::ClusterOptions;
using papers::dipc_test::DipcCluster;
using namespace launch_test;

namespace {

// One probe line's fields.
std::map<std::string, std::string> probe(DipcCluster& c, int host, const std::vector<std::string>& args = {}) {
    std::vector<std::string> argv{LAUNCH_PROBE};
    argv.insert(argv.end(), args.begin(), args.end());
    auto p = c.run_on_host(host, argv, {"PAPERS_RANK=" + std::to_string(host)});
    const auto r = p.wait(30);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto lines = probe_lines(r.out);
    EXPECT_EQ(lines.size(), 1u) << r.out;
    return lines.empty() ? std::map<std::string, std::string>{} : lines.begin()->second;
}

ClusterOptions with_probe_preload(ClusterOptions o) {
    o.preload = std::string(LAUNCH_PRELOAD_FIRST) + LAUNCH_PRELOAD;
    return o;
}

bool ip_available() { return access("/usr/sbin/ip", X_OK) == 0 || access("/sbin/ip", X_OK) == 0; }

std::string netns_list() { return run({"/usr/bin/env", "ip", "netns", "list"}).out; }

}  // namespace

TEST(LaunchCluster, HostsHaveTheirOwnIpcNamespaceSharedByTheirProcesses) {
    auto c = DipcCluster::start(with_probe_preload({.hosts = 3}));
    ASSERT_EQ(c->hosts(), 3);
    std::set<std::string> ipcs;
    for (int h = 0; h < 3; ++h) {
        SCOPED_TRACE("host " + std::to_string(h));
        const auto p = probe(*c, h);
        EXPECT_EQ(p.at("socket"), c->socket_path(h));
        EXPECT_EQ(p.at("sock"), "ok");
        EXPECT_EQ(p.at("preloaded"), "1");
        EXPECT_NE(p.at("ipc"), own_namespace("ipc"));
        EXPECT_EQ(p.at("net"), own_namespace("net"));
        ipcs.insert(p.at("ipc"));
        EXPECT_EQ(probe(*c, h).at("ipc"), p.at("ipc")) << "two processes of one host in different namespaces";
        EXPECT_GT(c->daemon_port(h), 0);
    }
    EXPECT_EQ(ipcs.size(), 3u);
    EXPECT_GT(c->referee_port(), 0);
    const std::string dir = c->dir();
    std::vector<pid_t> daemons{c->referee_pid()};
    for (int h = 0; h < 3; ++h) daemons.push_back(c->daemon_pid(h));
    c->stop();
    struct stat st {};
    EXPECT_NE(stat(dir.c_str(), &st), 0) << dir << " survived stop()";
    EXPECT_TRUE(processes_mentioning(dir).empty());
    for (pid_t pid : daemons) EXPECT_NE(kill(pid, 0), 0) << "daemon " << pid << " survived stop()";
}

TEST(LaunchCluster, DaemonsAndTheRefereeCanBeKilled) {
    auto c = DipcCluster::start(with_probe_preload({.hosts = 2, .daemon_args = {"-v"}}));
    EXPECT_FALSE(c->daemon_log(0).empty()) << "a verbose daemon logs its start";
    EXPECT_FALSE(c->referee_log().empty());
    c->kill_daemon(1, SIGKILL);
    EXPECT_TRUE(c->daemon_exited(1, 10));
    EXPECT_NE(probe(*c, 1).at("sock"), "ok") << "a killed daemon still answers";
    EXPECT_EQ(probe(*c, 0).at("sock"), "ok");
    EXPECT_FALSE(c->referee_exited(0));
    c->kill_referee(SIGTERM);
    EXPECT_TRUE(c->referee_exited(10));
    EXPECT_NE(c->all_logs().find("[host-0] "), std::string::npos);
}

TEST(LaunchCluster, ProcessesCanBeWatchedAndSignalled) {
    auto c = DipcCluster::start({.hosts = 1});
    auto p = c->run_on_host(0, {LAUNCH_PROBE, "--sleep", "30"}, {"PAPERS_RANK=0"});
    EXPECT_TRUE(p.wait_for_output("sleeping", 20)) << p.out();
    p.signal(SIGTERM);
    const auto r = p.wait(10);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 128 + SIGTERM);
    auto slow = c->run_on_host(0, {LAUNCH_PROBE, "--sleep", "30"});
    const auto t = slow.wait(0.5);
    EXPECT_TRUE(t.timed_out);
    EXPECT_EQ(t.exit_code, -1);
}

TEST(LaunchCluster, AFailingDaemonMakesStartThrowWithItsLog) {
    setenv("FLAKY_NAME", "host-1", 1);
    setenv("FLAKY_MODE", "fail", 1);
    setenv("REAL_DIPCD", LAUNCH_DIPCD, 1);
    const auto before = entries_containing("/tmp", "pdipc-test-");
    try {
        DipcCluster::start({.hosts = 2, .dipcd = LAUNCH_FLAKY_DIPCD});
        ADD_FAILURE() << "start() did not throw";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("papers-dipcd host-1 exited with status 3 before it was ready"), std::string::npos) << what;
        EXPECT_NE(what.find("[host-1] flaky papers-dipcd host-1: failing on purpose"), std::string::npos) << what;
    }
    for (const char* var : {"FLAKY_NAME", "FLAKY_MODE", "REAL_DIPCD"}) unsetenv(var);
    EXPECT_EQ(entries_containing("/tmp", "pdipc-test-"), before) << "start() left its directory behind";
}

TEST(LaunchCluster, NetworkNamespacesCarryTheTrafficAndAreRemoved) {
    if (geteuid() != 0) GTEST_SKIP() << "network namespaces need root";
    if (!ip_available()) GTEST_SKIP() << "ip(8) is not installed";
    std::vector<std::string> names;
    {
        auto c = DipcCluster::start(with_probe_preload({.hosts = 2, .network_namespaces = true}));
        names = c->namespace_names();
        ASSERT_EQ(names.size(), 4u);  // switch, referee, 2 hosts
        const std::string listed = netns_list();
        for (const auto& n : names) EXPECT_NE(listed.find(n), std::string::npos) << n << " missing:\n" << listed;
        EXPECT_EQ(c->host_address(1), "10.77.0.11");
        EXPECT_EQ(c->referee_address(), "10.77.0.1");
        // Host 0 reaches host 1's daemon over the bridge, not over a loopback
        // it does not share.
        const auto over_bridge = probe(*c, 0, {"--tcp", "10.77.0.11", std::to_string(c->daemon_port(1))});
        EXPECT_EQ(over_bridge.at("tcp"), "ok");
        const auto loopback = probe(*c, 0, {"--tcp", "127.0.0.1", std::to_string(c->daemon_port(1))});
        EXPECT_NE(loopback.at("tcp"), "ok") << "host 1's daemon answered on host 0's loopback";
        EXPECT_NE(over_bridge.at("net"), own_namespace("net"));
        struct stat ns {};
        ASSERT_EQ(stat(("/run/netns/" + c->netns_name(0)).c_str(), &ns), 0);
        EXPECT_EQ(over_bridge.at("net"), "net:[" + std::to_string(ns.st_ino) + "]");
        EXPECT_EQ(over_bridge.at("sock"), "ok") << "the host's Unix socket works across network namespaces";
        EXPECT_EQ(over_bridge.at("preloaded"), "1");
    }
    const std::string listed = netns_list();
    for (const auto& n : names) EXPECT_EQ(listed.find(n), std::string::npos) << n << " survived:\n" << listed;
}

TEST(LaunchCluster, NamespacesOfADeadTestRunAreRemoved) {
    if (geteuid() != 0) GTEST_SKIP() << "network namespaces need root";
    if (!ip_available()) GTEST_SKIP() << "ip(8) is not installed";
    const pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, nullptr, 0);
    const std::string stale = "pdipc-" + std::to_string(dead) + "-0-sw";
    ASSERT_EQ(run({"/usr/bin/env", "ip", "netns", "add", stale}).exit_code, 0);
    {
        auto c = DipcCluster::start({.hosts = 1, .network_namespaces = true});
        EXPECT_EQ(netns_list().find(stale), std::string::npos) << "the stale namespace is still there";
    }
    run({"/usr/bin/env", "ip", "netns", "del", stale});  // in case the sweep failed
}
