// The DIPC layer end to end: real daemons, a referee, and processes on
// several "hosts" (each in its own IPC namespace, so nothing can be shared
// through the local kernel), running layer_agent scenarios. ctest -L dipc.
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

std::string agent() { return LAYER_AGENT; }

// Runs a scenario on a host and waits for it; fails the test with every log
// if it does not exit 0.
std::string run_ok(DipcCluster& c, int host, std::vector<std::string> args, double timeout = 60) {
    args.insert(args.begin(), agent());
    auto p = c.run_on_host(host, args);
    auto r = p.wait(timeout);
    EXPECT_EQ(r.exit_code, 0) << "host " << host << " " << args[1] << "\nstdout:\n" << r.out << "\nstderr:\n"
                              << r.err << "\nlogs:\n" << c.all_logs();
    return r.out;
}

HostProcess start(DipcCluster& c, int host, std::vector<std::string> args) {
    args.insert(args.begin(), agent());
    return c.run_on_host(host, args);
}

ClusterOptions options(int hosts, bool netns = false) {
    ClusterOptions o;
    o.hosts = hosts;
    o.network_namespaces = netns;
    // Failures detected within about a second (the tests of lost hosts).
    o.daemon_args = {"--heartbeat-ms", "100", "--peer-timeout-ms", "1000"};
    o.referee_args = o.daemon_args;
    return o;
}

void producers_and_typed_consumer(DipcCluster& c) {
    run_ok(c, 0, {"create-msg", "0x7001", "0666"});
    auto p1 = start(c, 1, {"produce", "0x7001", "1", "40"});
    auto p2 = start(c, 2, {"produce", "0x7001", "2", "40"});
    auto r1 = p1.wait(60), r2 = p2.wait(60);
    ASSERT_EQ(r1.exit_code, 0) << r1.out << r1.err << c.all_logs();
    ASSERT_EQ(r2.exit_code, 0) << r2.out << r2.err << c.all_logs();
    // Type 2 first, then type 1: each exactly in the order its producer sent it.
    std::string two = run_ok(c, 0, {"consume", "0x7001", "2", "40"});
    std::string one = run_ok(c, 0, {"consume", "0x7001", "1", "40"});
    std::string want_two, want_one;
    for (int i = 0; i < 40; ++i) {
        want_two += "got 2 2:" + std::to_string(i) + "\n";
        want_one += "got 1 1:" + std::to_string(i) + "\n";
    }
    EXPECT_EQ(two, want_two);
    EXPECT_EQ(one, want_one);
}

}  // namespace

TEST(DipcHosts, ProducersAndConsumerWithTypedReceive) {
    auto c = DipcCluster::start(options(3));
    producers_and_typed_consumer(*c);
}

TEST(DipcHosts, ProducersAndConsumerOverNetworkNamespaces) {
    if (geteuid() != 0) GTEST_SKIP() << "network namespaces need root";
    auto c = DipcCluster::start(options(3, true));
    EXPECT_EQ(c->host_address(1), "10.77.0.11");
    producers_and_typed_consumer(*c);
}

TEST(DipcHosts, LowestTypeFirstAndExcept) {
    auto c = DipcCluster::start(options(2));
    run_ok(*c, 0, {"create-msg", "0x7002", "0666"});
    for (const char* t : {"5", "3", "9", "4"}) run_ok(*c, 1, {"produce", "0x7002", t, "1"});
    // msgtyp -6: the lowest type <= 6 first.
    EXPECT_EQ(run_ok(*c, 1, {"consume", "0x7002", "-6", "2"}), "got 3 3:0\ngot 4 4:0\n");
    // MSG_EXCEPT 9: the first message whose type is not 9.
    EXPECT_EQ(run_ok(*c, 0, {"consume", "0x7002", "9", "1", std::to_string(020000)}), "got 5 5:0\n");
    EXPECT_EQ(run_ok(*c, 0, {"consume", "0x7002", "0", "1"}), "got 9 9:0\n");
}

TEST(DipcHosts, CriticalSectionAcrossThreeHosts) {
    auto c = DipcCluster::start(options(3));
    run_ok(*c, 0, {"create-sem", "0x7003", "3", "0666", "0"});
    run_ok(*c, 0, {"setval", "0x7003", "3", "0", "1"});  // the mutex is open
    std::vector<HostProcess> ps;
    for (int h = 0; h < 3; ++h) ps.push_back(start(*c, h, {"critical", "0x7003", "30"}));
    for (auto& p : ps) {
        auto r = p.wait(120);
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err << c->all_logs();
    }
    EXPECT_EQ(run_ok(*c, 1, {"getval", "0x7003", "3", "1"}), "value 90\n");  // no update lost
    EXPECT_EQ(run_ok(*c, 2, {"getval", "0x7003", "3", "0"}), "value 1\n");   // the mutex is free
}

TEST(DipcHosts, BarrierOfSemaphoresAcrossThreeHosts) {
    auto c = DipcCluster::start(options(3));
    run_ok(*c, 0, {"create-sem", "0x7004", "3", "0666", "0"});
    run_ok(*c, 0, {"setval", "0x7004", "3", "0", "3"});
    run_ok(*c, 0, {"setval", "0x7004", "3", "1", "3"});
    std::vector<HostProcess> ps;
    for (int h = 0; h < 3; ++h) ps.push_back(start(*c, h, {"barrier", "0x7004", "3", "8"}));
    for (auto& p : ps) {
        auto r = p.wait(120);
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err << c->all_logs();
        EXPECT_EQ(r.out, "ok 8 rounds\n");
    }
}

TEST(DipcHosts, SignalInterruptsARemotelyBlockedSemopWhichDoesNotCompleteLater) {
    auto c = DipcCluster::start(options(2));
    run_ok(*c, 0, {"create-sem", "0x7005", "1", "0666", "0"});
    for (const char* restart : {"0", "1"}) {  // SA_RESTART changes nothing for semop
        auto p = start(*c, 1, {"block-semop", "0x7005", restart});
        ASSERT_TRUE(p.wait_for_output("blocking\n", 30)) << c->all_logs();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it reach the owner
        p.signal(SIGUSR1);
        auto r = p.wait(30);
        EXPECT_EQ(r.out, "blocking\nsemop -1 EINTR\n") << r.err << c->all_logs();
        // The cancelled P did not happen behind the caller's back.
        run_ok(*c, 0, {"setval", "0x7005", "1", "0", "1"});
        EXPECT_EQ(run_ok(*c, 0, {"getval", "0x7005", "1", "0"}), "value 1\n");
        run_ok(*c, 0, {"setval", "0x7005", "1", "0", "0"});
    }
}

TEST(DipcHosts, RemovalWakesARemoteWaiterWithEidrm) {
    auto c = DipcCluster::start(options(3));
    std::string id = run_ok(*c, 0, {"create-msg", "0x7006", "0666"});
    auto p = start(*c, 1, {"block-msgrcv", "0x7006"});
    ASSERT_TRUE(p.wait_for_output("blocking\n", 30));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    run_ok(*c, 2, {"rmid-msg", "0x7006"});
    auto r = p.wait(30);
    EXPECT_EQ(r.out, "blocking\nmsgrcv -1 EIDRM\n") << r.err << c->all_logs();
}

TEST(DipcFaults, SemUndoOfAKilledProcessIsAppliedAtTheOwner) {
    auto c = DipcCluster::start(options(3));
    run_ok(*c, 0, {"create-sem", "0x7007", "1", "0666", "1"});
    auto holder = start(*c, 1, {"hold-undo", "0x7007"});
    ASSERT_TRUE(holder.wait_for_output("held\n", 30)) << c->all_logs();
    EXPECT_EQ(run_ok(*c, 2, {"getval", "0x7007", "1", "0"}), "value 0\n");
    holder.signal(SIGKILL);
    holder.wait(30);
    // Host 2 can take it: the undo (+1) was applied when the holder died.
    EXPECT_EQ(run_ok(*c, 2, {"take", "0x7007", "0", "10"}), "take 0 OK\n");
}

TEST(DipcFaults, KilledOwnerDaemonFailsRemoteWaitersWithEidrmAndOthersGoOn) {
    auto c = DipcCluster::start(options(3));
    std::string out = run_ok(*c, 0, {"create-sem", "0x7008", "1", "0666", "0"});
    int id = std::stoi(out.substr(3));
    run_ok(*c, 2, {"create-sem", "0x7009", "1", "0666", "5"});
    auto waiter = start(*c, 1, {"block-semop", "0x7008", "0"});
    ASSERT_TRUE(waiter.wait_for_output("blocking\n", 30));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto t0 = std::chrono::steady_clock::now();
    c->kill_daemon(0, SIGKILL);
    auto r = waiter.wait(30);
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.out, "blocking\nsemop -1 EIDRM\n") << r.err << c->all_logs();
    EXPECT_LT(waited, 10.0);  // peer timeout 1 s; generous for a loaded machine
    // The lost owner's structures are gone everywhere; the others work.
    EXPECT_EQ(run_ok(*c, 1, {"by-id", std::to_string(id)}), "getval -1 EINVAL\n");
    EXPECT_EQ(run_ok(*c, 1, {"getval", "0x7009", "1", "0"}), "value 5\n");
    EXPECT_NE(c->referee_log().find("lost"), std::string::npos) << c->referee_log();
}

TEST(DipcFaults, WithoutTheRefereeExistingStructuresWorkAndCreationFailsWithEnolink) {
    auto c = DipcCluster::start(options(2));
    std::string out = run_ok(*c, 0, {"create-sem", "0x700a", "1", "0666", "2"});
    int id = std::stoi(out.substr(3));
    c->kill_referee(SIGKILL);
    ASSERT_TRUE(c->referee_exited(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the daemons notice
    EXPECT_EQ(run_ok(*c, 1, {"by-id", std::to_string(id)}), "getval 2 OK\n");
    EXPECT_EQ(run_ok(*c, 1, {"call", "0x700b", "create"}), "create -1 ENOLINK\n");
}

TEST(DipcSecurity, AUserWithoutPermissionOnAnotherHostGetsEacces) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to act as another user";
    auto c = DipcCluster::start(options(2));
    run_ok(*c, 0, {"create-sem", "0x700c", "1", "0600", "1"});
    run_ok(*c, 0, {"create-sem", "0x700d", "1", "0666", "1"});
    EXPECT_EQ(run_ok(*c, 1, {"as-user", "4242", "call", "0x700c", "getval"}), "getval -1 EACCES\n");
    EXPECT_EQ(run_ok(*c, 1, {"as-user", "4242", "call", "0x700d", "getval"}), "getval 1 OK\n");
}

TEST(DipcProcesses, ForkDoesNotInheritUndoAndExecKeepsIt) {
    auto c = DipcCluster::start(options(2));
    run_ok(*c, 0, {"create-sem", "0x700e", "1", "0666", "1"});
    std::string out = run_ok(*c, 1, {"fork-undo", "0x700e"});
    EXPECT_EQ(out, "ok fork\nok exec value 0\n");
    // The exec'd image exited: the adjustment made before exec was applied.
    EXPECT_EQ(run_ok(*c, 0, {"getval", "0x700e", "1", "0"}), "value 1\n");
}

TEST(DipcProcesses, ThreadsBlockIndependently) {
    auto c = DipcCluster::start(options(2));
    run_ok(*c, 0, {"create-sem", "0x700f", "4", "0666", "0"});
    EXPECT_EQ(run_ok(*c, 1, {"threads", "0x700f", "4"}), "ok 4 threads\n");
}
