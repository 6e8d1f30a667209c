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
