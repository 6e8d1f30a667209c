// udp_launch_test — the pure parts of papersrun's udp launcher: host lists,
// hostfiles, shell quoting of the remote command.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "launch_error.hpp"
#include "udp_launch.hpp"

using namespace papersrun;

TEST(UdpLaunch, SplitsHostLists) {
    EXPECT_EQ(split_hosts("a, b:5 ,[::1]:7"), (std::vector<std::string>{"a", "b:5", "[::1]:7"}));
    EXPECT_THROW(split_hosts("a,,b"), LaunchError);
    EXPECT_EQ(host_part("node1"), "node1");
    EXPECT_EQ(host_part("node1:4000"), "node1");
    EXPECT_EQ(host_part("[fe80::1]:4000"), "fe80::1");
}

// A host reaches ssh's command line: one that ssh would read as an option
// (or anything that is not a host name or address) is refused (issue 15,
// finding 6).
TEST(UdpLaunch, HostsThatAreNotHostNamesAreRefused) {
    for (const char* bad : {"-oProxyCommand=touch /tmp/pwned", "-p", "a b", "node;rm", "node$(x)",
                            "user@node", "node:", "node:0", "node:65536", "node:12x", "[::1",
                            "[::1]x", "[fe80::1%eth0]", "[]:5", "::g", ""}) {
        EXPECT_NE(host_entry_problem(bad), "") << bad;
    }
    for (const char* good : {"node1", "node-2.example.org:43000", "10.0.0.7", "10.0.0.7:1",
                             "[::1]:7", "[fe80::1]", "fe80::1", "n_3:65535"})
        EXPECT_EQ(host_entry_problem(good), "") << good;
    try {
        split_hosts("node1,-oProxyCommand=sh");
        ADD_FAILURE() << "no error";
    } catch (const LaunchError& e) {
        EXPECT_NE(std::string(e.what()).find("'-oProxyCommand=sh' is not host[:port]"),
                  std::string::npos)
            << e.what();
    }
    const std::string path = testing::TempDir() + "udp_hostfile_bad.txt";
    {
        std::ofstream f(path);
        f << "node1\n-oProxyCommand=sh\n";
    }
    EXPECT_THROW(read_hostfile(path), LaunchError);
    std::remove(path.c_str());
}

// One notion of "this machine": an address of one of its interfaces or its
// names. papersrun's auto choice used to call every 127.x.y.z local while the
// launcher sent 127.0.0.2 through ssh.
TEST(UdpLaunch, LocalHostsAreTheMachinesOwnAddressesAndNames) {
    EXPECT_TRUE(is_local_rank_host("127.0.0.1"));
    EXPECT_TRUE(is_local_rank_host("localhost"));
    EXPECT_FALSE(is_local_rank_host("127.0.0.2"));  // no interface has it: through ssh
    EXPECT_FALSE(is_local_rank_host("127.example.org"));
    EXPECT_FALSE(is_local_rank_host("192.0.2.1"));
}

TEST(UdpLaunch, ReadsHostfiles) {
    const std::string path = testing::TempDir() + "udp_hostfile.txt";
    {
        std::ofstream f(path);
        f << "# two nodes\nnode1\n\n  node2:43000  # second\n";
    }
    EXPECT_EQ(read_hostfile(path), (std::vector<std::string>{"node1", "node2:43000"}));
    {
        std::ofstream f(path);
        f << "node1 node2\n";
    }
    EXPECT_THROW(read_hostfile(path), LaunchError);
    std::remove(path.c_str());
    EXPECT_THROW(read_hostfile(path), LaunchError);
}

TEST(UdpLaunch, RemoteCommandQuotesEverythingAndCarriesNoKey) {
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    const std::string cmd =
        remote_command({"PAPERS_RANK=1", "PAPERS_HOSTS=a:1,b:2"}, "/opt/my prog", {"--x", "$HOME"}, "/w");
    EXPECT_EQ(cmd,
              "read -r PAPERS_KEY && export PAPERS_KEY && { cd '/w' 2>/dev/null || :; } && exec env "
              "'PAPERS_RANK=1' 'PAPERS_HOSTS=a:1,b:2' '/opt/my prog' '--x' '$HOME'");
}
