// Distributed shared memory end to end (issue 12): real daemons, processes
// on several hosts (each its own IPC namespace) loading and storing plain
// memory of a segment attached with shmat. ctest -L dipc.
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

std::string agent() { return DSM_AGENT; }

ClusterOptions options(int hosts, bool netns = false) {
    ClusterOptions o;
    o.hosts = hosts;
    o.network_namespaces = netns;
    o.daemon_args = {"--heartbeat-ms", "100", "--peer-timeout-ms", "1500"};
    o.referee_args = o.daemon_args;
    return o;
}

// Runs the same scenario on hosts 0..n-1 with roles 0..n-1; returns role 0's output.
std::string run_roles(DipcCluster& c, int n, const std::vector<std::string>& before_role,
                      const std::vector<std::string>& after_role, double timeout = 180) {
    std::vector<HostProcess> ps;
    for (int r = 0; r < n; ++r) {
        std::vector<std::string> argv{agent()};
        argv.insert(argv.end(), before_role.begin(), before_role.end());
        argv.push_back(std::to_string(r));
        argv.insert(argv.end(), after_role.begin(), after_role.end());
        ps.push_back(c.run_on_host(r, argv));
    }
    std::string out0;
    for (int r = 0; r < n; ++r) {
        auto res = ps[r].wait(timeout);
        EXPECT_EQ(res.exit_code, 0) << "role " << r << "\n" << res.out << res.err << "\n" << c.all_logs();
        if (r == 0) out0 = res.out;
    }
    return out0;
}

std::string run_one(DipcCluster& c, int host, std::vector<std::string> args, double timeout = 60) {
    args.insert(args.begin(), agent());
    auto r = c.run_on_host(host, args).wait(timeout);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err << c.all_logs();
    return r.out;
}

}  // namespace

TEST(DsmLitmus, MessagePassing) {
    auto c = DipcCluster::start(options(2));
    EXPECT_EQ(run_roles(*c, 2, {"litmus", "mp"}, {"2", "150", "0x6001"}).rfind("forbidden 0 of 150", 0), 0u);
}

TEST(DsmLitmus, StoreBuffering) {
    auto c = DipcCluster::start(options(2));
    EXPECT_EQ(run_roles(*c, 2, {"litmus", "sb"}, {"2", "150", "0x6003"}).rfind("forbidden 0 of 150", 0), 0u);
}

TEST(DsmLitmus, IndependentReadsOfIndependentWrites) {
    auto c = DipcCluster::start(options(4));
    EXPECT_EQ(run_roles(*c, 4, {"litmus", "iriw"}, {"4", "100", "0x6005"}).rfind("forbidden 0 of 100", 0), 0u);
}

TEST(DsmLitmus, WriteToReadCausality) {
    auto c = DipcCluster::start(options(3));
    EXPECT_EQ(run_roles(*c, 3, {"litmus", "wrc"}, {"3", "100", "0x6007"}).rfind("forbidden 0 of 100", 0), 0u);
}

TEST(DsmLitmus, StoreBufferingOverNetworkNamespaces) {
    if (geteuid() != 0) GTEST_SKIP() << "network namespaces need root";
    auto c = DipcCluster::start(options(2, true));
    EXPECT_EQ(run_roles(*c, 2, {"litmus", "sb"}, {"2", "60", "0x6009"}).rfind("forbidden 0 of 60", 0), 0u);
}

TEST(DsmHosts, CounterUnderASemaphoreEndsAtNTimesK) {
    auto c = DipcCluster::start(options(3));
    EXPECT_EQ(run_roles(*c, 3, {"counter"}, {"3", "200", "0x6101"}), "counter 600\n");
}

TEST(DsmHosts, MatrixMultiplyOverThreeHostsEqualsTheSerialProduct) {
    auto c = DipcCluster::start(options(3));
    EXPECT_EQ(run_roles(*c, 3, {"matmul"}, {"3", "96", "0x6201"}), "matmul 96x96 over 3 hosts: identical\n");
}

TEST(DsmHosts, A256MiBSegmentOnThreeHosts) {
    auto c = DipcCluster::start(options(3));
    const std::string bytes = std::to_string(256u << 20);
    run_one(*c, 0, {"create", "0x6301", bytes});
    // Host 1 writes every 64th page, hosts 0 and 2 read them all back.
    EXPECT_EQ(run_one(*c, 1, {"sweep", "0x6301", bytes, "64", "1"}, 300), "touched 1024 wrong 0\n");
    EXPECT_EQ(run_one(*c, 2, {"sweep", "0x6301", bytes, "64", "0"}, 300), "touched 1024 wrong 0\n");
    EXPECT_EQ(run_one(*c, 0, {"sweep", "0x6301", bytes, "64", "0"}, 300), "touched 1024 wrong 0\n");
}

// What programs do besides loads and stores (their own SIGSEGV handler,
// SIGSEGV blocked, mprotect, read(2) into a page not present), on a host
// with none of the pages; the other host then sees every store made there.
TEST(DsmHosts, AProgramsOwnSignalsMprotectAndSystemCallsWorkWithRealDaemons) {
    auto c = DipcCluster::start(options(2));
    const std::string key = "0x6601", bytes = std::to_string(4 * 4096);
    run_one(*c, 0, {"create", key, bytes});
    for (int p = 0; p < 4; ++p) run_one(*c, 0, {"write", key, bytes, std::to_string(p), std::to_string(100 + p)});
    const std::string out = run_one(*c, 1, {"app", key, bytes});
    EXPECT_NE(out.find("app ok\n"), std::string::npos) << out;
    for (int p = 1; p < 4; ++p)
        EXPECT_EQ(run_one(*c, 0, {"read", key, bytes, std::to_string(p)}), "value " + std::to_string(200 + p) + "\n");
}

TEST(DsmFaults, AKilledWriterProcessLosesNothing) {
    auto c = DipcCluster::start(options(2));
    run_one(*c, 0, {"create", "0x6401", "65536"});
    auto w = c->run_on_host(1, {agent(), "write", "0x6401", "65536", "3", "77", "hold"});
    ASSERT_TRUE(w.wait_for_output("written\n", 60)) << c->all_logs();
    w.signal(SIGKILL);
    w.wait(30);
    // Host 1 still holds the page (its daemon's copy): host 0 reads the store.
    EXPECT_EQ(run_one(*c, 0, {"read", "0x6401", "65536", "3"}), "value 77\n");
}

TEST(DsmFaults, PagesOfAKilledDaemonAreLostTheOthersKeepWorking) {
    auto c = DipcCluster::start(options(3));
    run_one(*c, 0, {"create", "0x6501", "65536"});
    run_one(*c, 1, {"write", "0x6501", "65536", "2", "55"});  // only host 1 has page 2 now
    run_one(*c, 2, {"write", "0x6501", "65536", "5", "66"});
    c->kill_daemon(1, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // the peer timeout
    auto r = c->run_on_host(2, {agent(), "read", "0x6501", "65536", "2"}).wait(60);
    EXPECT_EQ(r.wait_status & 0x7f, SIGBUS) << r.out << r.err << c->all_logs();
    EXPECT_NE(r.err.find("lost"), std::string::npos) << r.err;
    EXPECT_EQ(run_one(*c, 0, {"read", "0x6501", "65536", "5"}), "value 66\n");
}
