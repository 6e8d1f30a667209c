// The interposer's calls on structures of another host go over direct links
// (docs/dipc-design.md, decision 13), end to end: real daemons (cluster.hpp),
// a set created on host 0 by layer_agent, and client_remote_agent on host 1
// (preloaded with libpapers_dipc.so) counting its TCP connections to host 0's
// daemon. Checked: calls need no local daemon once the link is open, EINTR
// with cancel and verdict, a wait longer than the peer timeout, EIDRM when
// the owner dies or goes silent (then EINVAL), a fork child's own link,
// close-on-exec, a signal handler's call while the link is busy, and
// credentials changed between calls (on both paths).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "cluster.hpp"

using papers::dipc_test::ClusterOptions;
using papers::dipc_test::DipcCluster;
using papers::dipc_test::HostProcess;

namespace {

ClusterOptions options(int peer_timeout_ms = 1000) {
    ClusterOptions o;
    o.hosts = 2;
    o.daemon_args = {"--heartbeat-ms", std::to_string(peer_timeout_ms / 10), "--peer-timeout-ms",
                     std::to_string(peer_timeout_ms)};
    o.referee_args = o.daemon_args;
    return o;
}

// layer_agent on `host`, which must exit 0; its stdout.
std::string layer(DipcCluster& c, int host, std::vector<std::string> args) {
    args.insert(args.begin(), LAYER_AGENT);
    auto r = c.run_on_host(host, args).wait(60);
    EXPECT_EQ(r.exit_code, 0) << args[1] << "\n" << r.out << r.err << c.all_logs();
    return r.out;
}

// A set of one semaphore on host 0 with `value`: its id.
std::string make_set(DipcCluster& c, const std::string& key, int value, const std::string& mode = "0666") {
    std::string out = layer(c, 0, {"create-sem", key, "1", mode, std::to_string(value)});
    return out.size() > 3 ? std::to_string(std::stoi(out.substr(3))) : "0";
}

HostProcess agent(DipcCluster& c, int host, const std::string& scenario, const std::string& id,
                  std::vector<std::string> more = {}) {
    std::vector<std::string> args{REMOTE_AGENT, scenario, id, std::to_string(c.daemon_port(0))};
    args.insert(args.end(), more.begin(), more.end());
    return c.run_on_host(host, args);
}

std::string finish(DipcCluster& c, HostProcess& p) {
    auto r = p.wait(60);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err << c.all_logs();
    return r.out;
}

}  // namespace

TEST(DipcClientRemote, CallsGoOnTheProcesssOwnLinkAndNeedNoLocalDaemonOnceItIsOpen) {
    auto c = DipcCluster::start(options(5000));  // the stopped daemon is not lost meanwhile
    std::string id = make_set(*c, "0x7201", 0);
    auto p = agent(*c, 1, "direct", id);
    ASSERT_TRUE(p.wait_for_output("ready\n", 30)) << p.out() << c->all_logs();
    // The calls from here on cannot go through host 1's daemon.
    c->kill_daemon(1, SIGSTOP);
    p.signal(SIGUSR1);
    auto r = p.wait(30);
    c->kill_daemon(1, SIGCONT);
    EXPECT_EQ(r.out, "semop 0 OK\nlinks 1\ngetpid self\nready\nsemop 0 OK\ngetval 0 OK\nlinks 1\n")
        << r.err << c->all_logs();
    EXPECT_EQ(layer(*c, 0, {"getval", "0x7201", "1", "0"}), "value 0\n");
}

TEST(DipcClientRemote, SignalCancelsTheCallOnTheDirectLinkAndThePDoesNotHappenLater) {
    auto c = DipcCluster::start(options());
    std::string id = make_set(*c, "0x7202", 0);
    auto p = agent(*c, 1, "eintr", id);
    EXPECT_EQ(finish(*c, p), "links 0\nsemop -1 EINTR\nlinks 1\n");
    // The owner dropped the cancelled P: a V stays.
    layer(*c, 0, {"setval", "0x7202", "1", "0", "1"});
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(layer(*c, 0, {"getval", "0x7202", "1", "0"}), "value 1\n");
}

TEST(DipcClientRemote, AWaitLongerThanThePeerTimeoutLastsWhileTheOwnerLives) {
    auto c = DipcCluster::start(options(1000));
    std::string id = make_set(*c, "0x7203", 0);
    auto p = agent(*c, 1, "long-wait", id);
    ASSERT_TRUE(p.wait_for_output("blocking\n", 30)) << c->all_logs();
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    layer(*c, 0, {"setval", "0x7203", "1", "0", "1"});
    EXPECT_EQ(finish(*c, p), "blocking\nsemop 0 OK\nlinks 1\n");
}

TEST(DipcClientRemote, AKilledOwnerFailsTheWaitingCallWithEidrmThenItsIdsAreInvalid) {
    auto c = DipcCluster::start(options());
    std::string a = make_set(*c, "0x7204", 0), b = make_set(*c, "0x7205", 3);
    auto p = agent(*c, 1, "lost", a, {b});
    ASSERT_TRUE(p.wait_for_output("blocking\n", 30)) << c->all_logs();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto t0 = std::chrono::steady_clock::now();
    c->kill_daemon(0, SIGKILL);
    auto out = finish(*c, p);
    EXPECT_EQ(out, "getval-b 3 OK\nblocking\nsemop -1 EIDRM\nlinks 0\nlater EINVAL\nlater EINVAL\n");
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 30.0);
}

TEST(DipcClientRemote, ASilentOwnerFailsTheWaitingCallWithEidrmAfterThePeerTimeout) {
    auto c = DipcCluster::start(options(1000));
    std::string a = make_set(*c, "0x7206", 0), b = make_set(*c, "0x7207", 3);
    auto p = agent(*c, 1, "lost", a, {b});
    ASSERT_TRUE(p.wait_for_output("blocking\n", 30)) << c->all_logs();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto t0 = std::chrono::steady_clock::now();
    c->kill_daemon(0, SIGSTOP);  // its sockets stay open: only silence tells
    ASSERT_TRUE(p.wait_for_output("semop -1 EIDRM\n", 30)) << p.out() << c->all_logs();
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_GE(waited, 0.9);   // not before the peer timeout (1 s)
    EXPECT_LT(waited, 10.0);  // generous for a loaded machine
    EXPECT_EQ(finish(*c, p), "getval-b 3 OK\nblocking\nsemop -1 EIDRM\nlinks 0\nlater EINVAL\nlater EINVAL\n");
    c->kill_daemon(0, SIGKILL);
}

TEST(DipcClientRemote, AForkChildCallsOnALinkOfItsOwnAndTheParentsGoesOn) {
    auto c = DipcCluster::start(options());
    std::string id = make_set(*c, "0x7208", 0);
    auto p = agent(*c, 1, "fork", id);
    EXPECT_EQ(finish(*c, p),
              "semop 0 OK\nlinks 1\n"
              "child links 0\nchild semop 0 OK\nchild getpid self\nchild links 1\n"
              "semop 0 OK\ngetpid self\nlinks 1\n");
    EXPECT_EQ(layer(*c, 0, {"getval", "0x7208", "1", "0"}), "value 1\n");
}

TEST(DipcClientRemote, ExecClosesTheLinkAndTheNewImageOpensItsOwn) {
    auto c = DipcCluster::start(options());
    std::string id = make_set(*c, "0x7209", 4);
    auto p = agent(*c, 1, "exec", id);
    EXPECT_EQ(finish(*c, p), "getval 4 OK\nlinks 1\nlinks 0\ngetval 4 OK\nlinks 1\n");
}

TEST(DipcClientRemote, ASignalHandlersCallWhileTheLinkIsBusyGoesThroughTheLocalDaemon) {
    auto c = DipcCluster::start(options());
    std::string id = make_set(*c, "0x720a", 0);
    auto p = agent(*c, 1, "nested", id);
    // The handler's V released the P it interrupted: the P's verdict is its
    // real result, and no second link to the owner was opened.
    EXPECT_EQ(finish(*c, p), "getval 0 OK\nsemop 0 OK\nhandler 0 OK\ngetval 0 OK\nlinks 1\n");
}

TEST(DipcClientRemote, ACallAfterTheCredentialsChangedIsMadeUnderTheNewOnes) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to act as another user";
    auto c = DipcCluster::start(options());
    std::string id = make_set(*c, "0x720b", 2, "0600");
    const std::string want = "root 2 OK\nuser -1 EACCES\nroot 2 OK\n";
    // On a direct link (host 1) and on the local daemon's socket (host 0).
    auto remote = agent(*c, 1, "creds", id, {"4242"});
    EXPECT_EQ(finish(*c, remote), want + "links 1\n");
    auto local = agent(*c, 0, "creds", id, {"4242"});
    EXPECT_EQ(finish(*c, local), want + "links 0\n");
}
