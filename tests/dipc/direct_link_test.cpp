// Direct links (docs/dipc-design.md, decision 13): a process asks its daemon
// for a link to the owner's daemon, gets the socket and the session state,
// and makes its calls on it; the owner attributes them to the process its
// daemon declared. Real daemons (cluster.hpp); this test process plays the
// interposer's part with client::DirectLink.
#include <gtest/gtest.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cluster.hpp"
#include "direct_link.hpp"

using papers::dipc_test::DipcCluster;
namespace proto = papers::dipc::proto;

namespace {

// A minimal client of a daemon's Unix socket: frames, and one descriptor.
struct UnixClient {
    int fd = -1;
    std::uint64_t next = 1;
    explicit UnixClient(const std::string& path) {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
        if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) ADD_FAILURE() << strerror(errno);
    }
    ~UnixClient() { ::close(fd); }
    template <class T>
    void send(proto::Op op, const T& msg) {
        std::vector<std::uint8_t> f;
        proto::encode_frame(op, next++, msg, f);
        ASSERT_EQ(::write(fd, f.data(), f.size()), static_cast<ssize_t>(f.size()));
    }
    // One frame, and the descriptor that came with it (or -1).
    std::vector<std::uint8_t> receive(int* passed = nullptr) {
        std::uint8_t len[4];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        iovec iov{len, 4};
        msghdr m{};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = control;
        m.msg_controllen = sizeof control;
        EXPECT_EQ(recvmsg(fd, &m, MSG_WAITALL), 4);
        if (passed) {
            *passed = -1;
            if (cmsghdr* c = CMSG_FIRSTHDR(&m); c && c->cmsg_type == SCM_RIGHTS) std::memcpy(passed, CMSG_DATA(c), sizeof(int));
        }
        std::uint32_t n = len[0] | len[1] << 8 | len[2] << 16 | std::uint32_t(len[3]) << 24;
        std::vector<std::uint8_t> body(n);
        EXPECT_EQ(recv(fd, body.data(), n, MSG_WAITALL), static_cast<ssize_t>(n));
        return body;
    }
    proto::Reply reply(int* passed = nullptr) {
        auto b = receive(passed);
        proto::Reply r;
        EXPECT_TRUE(proto::decode_payload(b.data() + proto::kHeaderBytes, b.size() - proto::kHeaderBytes, r));
        return r;
    }
};

std::string agent() { return LAYER_AGENT; }

}  // namespace

TEST(DipcDirectLink, CallsOnAHandedOverLinkAreTheDeclaredProcesssOwn) {
    auto c = DipcCluster::start({.hosts = 2});
    auto made = c->run_on_host(0, {agent(), "create-sem", "0x7101", "1", "0666", "3"}).wait(30);
    ASSERT_EQ(made.exit_code, 0) << made.out << made.err << c->all_logs();
    int id = std::stoi(made.out.substr(3));

    UnixClient u(c->socket_path(1));
    u.send(proto::Op::client_hello, proto::ClientHello{});
    proto::Welcome w;
    auto wb = u.receive();
    ASSERT_TRUE(proto::decode_payload(wb.data() + proto::kHeaderBytes, wb.size() - proto::kHeaderBytes, w));
    u.send(proto::Op::whereis, proto::TableRef{proto::Kind::sem, id});
    proto::Reply where = u.reply();
    ASSERT_EQ(where.err, 0);
    ASSERT_NE(where.ret, static_cast<std::int64_t>(w.host));  // owned by the other host

    u.send(proto::Op::link_open, proto::LinkOpen{static_cast<std::uint32_t>(where.ret)});
    int fd = -1;
    proto::Reply opened = u.reply(&fd);
    ASSERT_EQ(opened.err, 0) << c->all_logs();
    ASSERT_GE(fd, 0);
    proto::LinkHandover handover;
    ASSERT_TRUE(proto::decode_payload(opened.payload, handover));
    papers::dipc::client::DirectLink link;
    std::string why;
    ASSERT_TRUE(link.adopt(fd, static_cast<std::uint32_t>(where.ret), handover, w.peer_timeout_ms, why)) << why;

    proto::SemopReq p;
    p.id = id;
    p.sops = {{0, -1, 0}};
    proto::Reply r;
    ASSERT_TRUE(link.call(proto::Op::semop, p, true, r, why)) << why;
    EXPECT_EQ(r.err, 0);
    proto::SemctlReq get;
    get.id = id;
    get.cmd = GETVAL;
    ASSERT_TRUE(link.call(proto::Op::semctl, get, false, r, why)) << why;
    EXPECT_EQ(r.ret, 2);
    get.cmd = GETPID;  // the owner recorded this process as the last to operate
    ASSERT_TRUE(link.call(proto::Op::semctl, get, false, r, why)) << why;
    EXPECT_EQ(r.ret, getpid());
    // The other host's processes see the same set.
    auto seen = c->run_on_host(1, {agent(), "getval", "0x7101", "1", "0"}).wait(30);
    EXPECT_EQ(seen.out, "value 2\n") << seen.err;

    // The link survives a pause longer than the peer timeout (the owner lets
    // a process's link stay silent, and heartbeats keep it informed).
    sleep(3);
    ASSERT_TRUE(link.call(proto::Op::semctl, get, false, r, why)) << why;
    EXPECT_EQ(r.ret, getpid());

    // A lost owner: the link reports it instead of waiting forever.
    c->kill_daemon(0, SIGKILL);
    p.sops = {{0, -5, 0}};  // would block
    EXPECT_FALSE(link.call(proto::Op::semop, p, true, r, why));
    EXPECT_FALSE(link.is_open());
}
