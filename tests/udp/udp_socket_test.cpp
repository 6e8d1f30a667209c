// udp_socket_test — the transport's sockets on loopback, in one process:
// a rank's port cannot be joined once it runs, its datagrams leave from that
// port, and the kernel steers a peer's datagrams to the peer's link while
// anything from an unknown address reaches the main socket (counted as
// unknown_source, not malformed).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "papers/papers.h"
#include "udp/transport.hpp"

using namespace papers::udp;

namespace {

sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    return a;
}

// A plain UDP socket on loopback, port 0 = any; -1 with errno on failure.
int udp_socket(int port, bool reuse_port) {
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    if (reuse_port) ::setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    const sockaddr_in a = loopback(port);
    if (::bind(s, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
        const int e = errno;
        ::close(s);
        errno = e;
        return -1;
    }
    return s;
}

int port_of(int s) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
}

// Rank 0 of a 2-rank job whose rank 1 is the test's own socket `peer`.
struct Fixture {
    int peer = udp_socket(0, false);
    int rank0_port = 0;
    std::unique_ptr<Transport> t;

    Fixture() {
        const int probe = udp_socket(0, false);  // a free port for rank 0
        rank0_port = port_of(probe);
        ::close(probe);
        TransportSetup s;
        s.rank = 0;
        s.size = 2;
        s.timeout_s = 0.3;
        s.job = 42;
        for (int port : {rank0_port, port_of(peer)}) {
            Peer p;
            p.endpoint = {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)};
            p.label = "127.0.0.1:" + std::to_string(port);
            s.peers.push_back(p);
        }
        int code = 0;
        t = Transport::open(s, &code);
    }
    ~Fixture() { ::close(peer); }

    // Sends junk to rank 0 from `from`.
    void junk_from(int from) const {
        const sockaddr_in a = loopback(rank0_port);
        const char junk[64] = "not a papers datagram";
        ::sendto(from, junk, sizeof junk, 0, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    }
};

}  // namespace

TEST(UdpSockets, PortCannotBeJoinedWhileTheRankRuns) {
    Fixture f;
    ASSERT_TRUE(f.t) << papers_errmsg();
    EXPECT_EQ(udp_socket(f.rank0_port, true), -1);
    EXPECT_EQ(errno, EADDRINUSE);
    EXPECT_EQ(udp_socket(f.rank0_port, false), -1);
    EXPECT_EQ(errno, EADDRINUSE);
}

TEST(UdpSockets, DatagramsLeaveFromTheRanksPort) {
    ASSERT_EQ(sodium_init() >= 0, true);
    Fixture f;
    ASSERT_TRUE(f.t) << papers_errmsg();
    auto op = f.t->begin_op(OpKind::barrier, "test");
    f.t->post(0, 1, Bytes{1, 2, 3});
    sockaddr_in from{};
    socklen_t len = sizeof from;
    std::uint8_t buf[256];
    ssize_t n = -1;
    for (int i = 0; i < 1000 && n < 0; ++i) {
        n = ::recvfrom(f.peer, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (n < 0) ::usleep(1000);
    }
    ASSERT_GT(n, 0);
    EXPECT_EQ(ntohs(from.sin_port), f.rank0_port);
    EXPECT_EQ(n, ssize_t(kHeaderBytes + 3 + kMacBytes));
}

TEST(UdpSockets, PeerAndStrangerDatagramsAreToldApart) {
    ASSERT_EQ(sodium_init() >= 0, true);
    Fixture f;
    ASSERT_TRUE(f.t) << papers_errmsg();
    const int stranger = udp_socket(0, false);
    for (int i = 0; i < 3; ++i) f.junk_from(f.peer);  // from rank 1's endpoint: its link
    for (int i = 0; i < 2; ++i) f.junk_from(stranger);   // from nobody: the main socket
    auto op = f.t->begin_op(OpKind::barrier, "test");
    // Nothing valid comes: the wait times out, having handled the junk.
    EXPECT_EQ(f.t->wait_one(1, 0, 0), PAPERS_ETIMEDOUT);
    EXPECT_NE(std::string(papers_errmsg()).find("rank 1 (127.0.0.1:"), std::string::npos)
        << papers_errmsg();
    EXPECT_EQ(f.t->counters().malformed, 3u);
    EXPECT_EQ(f.t->counters().unknown_source, 2u);
    ::close(stranger);
}
