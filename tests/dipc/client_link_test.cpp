// The daemon link's life: ENOLINK with one stderr line per process when the
// daemon is absent or dies mid-call (decision 11); per-thread links; fork
// gives the child its own link (the daemon sees the child's pid through
// SO_PEERCRED) and leaves the parent's alone; links are close-on-exec.
#include <dirent.h>
#include <fcntl.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

#include "client_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST(ClientLinkAbsent, NoDaemonAtTheConfiguredSocketIsEnolinkWithOneLine) {
    setenv("PAPERS_DIPC_SOCKET", "/tmp/dipc-client-test-nowhere/dipcd.sock", 1);
    reset_client();
    StderrCapture err;
    errno = 0;
    EXPECT_EQ(semget(0x10, 1, IPC_CREAT | proto::kIpcDipc | 0600), -1);
    EXPECT_EQ(errno, ENOLINK);
    errno = 0;
    EXPECT_EQ(semctl(proto::make_id(1, 1), 0, GETVAL), -1);
    EXPECT_EQ(errno, ENOLINK);
    struct sembuf op{0, 1, 0};
    EXPECT_EQ(semop(proto::make_id(1, 1), &op, 1), -1);
    EXPECT_EQ(errno, ENOLINK);
    EXPECT_EQ(msgget(0x10, IPC_CREAT | proto::kIpcDipc), -1);
    EXPECT_EQ(errno, ENOLINK);
    // Local structures still work.
    int k = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    EXPECT_GE(k, 0);
    semctl(k, 0, IPC_RMID);
    std::string text = err.text();
    EXPECT_EQ(count_lines(text), 1) << text;
    EXPECT_NE(text.find("/tmp/dipc-client-test-nowhere/dipcd.sock"), std::string::npos) << text;
    EXPECT_NE(text.find("No such file or directory"), std::string::npos) << text;
    unsetenv("PAPERS_DIPC_SOCKET");
    reset_client();
}

using ClientLink = DaemonTest;

TEST_F(ClientLink, DaemonDyingMidCallIsEnolinkAndTheNextCallReconnects) {
    fake->on_request([](const Request& r) -> std::optional<proto::Reply> {
        if (r.op == proto::Op::semop) return std::nullopt;
        return ok_reply(8);
    });
    StderrCapture err;
    long ret = 0;
    int e = 0;
    std::thread t([&] {
        struct sembuf op{0, -1, 0};
        ret = semop(dipc_id(), &op, 1);
        e = errno;
    });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::semop));
    fake->kill_connections();
    t.join();
    EXPECT_EQ(ret, -1);
    EXPECT_EQ(e, ENOLINK);
    std::string text = err.text();
    EXPECT_EQ(count_lines(text), 1) << text;
    EXPECT_NE(text.find(fake->path()), std::string::npos) << text;
    EXPECT_NE(text.find("closed by the daemon"), std::string::npos) << text;
    // A daemon that is back (here: still listening) gets a new connection.
    EXPECT_EQ(semctl(dipc_id(), 0, GETVAL), 8);
    EXPECT_EQ(fake->connections().size(), 2u);
}

TEST_F(ClientLink, IdleLinkClosedByTheDaemonIsReopenedWithoutAnError) {
    fake->on_request([](const Request&) { return ok_reply(4); });
    ASSERT_EQ(semctl(dipc_id(), 0, GETVAL), 4);
    fake->kill_connections();  // e.g. the daemon restarted between two calls
    ASSERT_TRUE(fake->wait_closed(1));
    StderrCapture err;
    EXPECT_EQ(semctl(dipc_id(), 0, GETVAL), 4);
    EXPECT_EQ(err.text(), "");
    EXPECT_EQ(fake->connections().size(), 2u);
}

TEST_F(ClientLink, ThreadsUseTheirOwnLinksAndCloseThemOnExit) {
    fake->on_request([](const Request& r) -> std::optional<proto::Reply> {
        if (r.op == proto::Op::semop) return std::nullopt;
        return ok_reply(6);
    });
    long blocked_ret = -100;
    std::thread a([&] {
        struct sembuf op{0, -1, 0};
        blocked_ret = semop(dipc_id(), &op, 1);
    });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::semop));
    // While a's call waits, b's calls are answered on b's own link.
    long b_ret = 0;
    std::thread b([&] { b_ret = semctl(dipc_id(), 0, GETVAL) + semctl(dipc_id(), 0, GETNCNT); });
    b.join();
    EXPECT_EQ(b_ret, 12);
    auto sem = fake->requests(proto::Op::semop).at(0);
    auto ctls = fake->requests(proto::Op::semctl);
    ASSERT_EQ(ctls.size(), 2u);
    EXPECT_NE(ctls[0].conn, sem.conn);
    EXPECT_EQ(ctls[0].conn, ctls[1].conn);
    EXPECT_TRUE(fake->wait_closed(ctls[0].conn));  // b exited: its link closed
    fake->reply(sem, ok_reply(0));
    a.join();
    EXPECT_EQ(blocked_ret, 0);
    EXPECT_TRUE(fake->wait_closed(sem.conn));
    for (const auto& c : fake->connections()) EXPECT_EQ(c.pid, getpid());
}

TEST_F(ClientLink, ForkChildGetsItsOwnLinkAndTheParentKeepsItsOwn) {
    fake->on_request([](const Request& r) { return ok_reply(r.pid); });
    ASSERT_EQ(semctl(dipc_id(), 0, GETPID), getpid());
    ASSERT_EQ(fake->connections().size(), 1u);
    int parent_conn = fake->connections()[0].id;
    pid_t child = fork();
    if (child == 0) {
        // The daemon answers with the pid it saw: the child's own.
        int r = semctl(dipc_id(), 0, GETPID);
        int r2 = semctl(dipc_id(), 0, GETPID);
        _exit(r == getpid() && r2 == getpid() ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    auto conns = fake->connections();
    ASSERT_EQ(conns.size(), 2u);
    EXPECT_EQ(conns[1].pid, child);
    EXPECT_TRUE(fake->wait_closed(conns[1].id));  // the child's, closed at its exit
    // The parent's link is untouched by the child closing its inherited copy.
    EXPECT_FALSE(fake->connections()[0].closed);
    EXPECT_EQ(semctl(dipc_id(), 0, GETPID), getpid());
    EXPECT_EQ(fake->requests().back().conn, parent_conn);
    EXPECT_EQ(fake->connections().size(), 2u);
}

TEST_F(ClientLink, ForkDropsOtherThreadsLinksInTheChild) {
    fake->on_request([](const Request& r) -> std::optional<proto::Reply> {
        if (r.op == proto::Op::semop) return std::nullopt;
        return ok_reply(r.pid);
    });
    std::thread a([&] {
        struct sembuf op{0, -1, 0};
        semop(dipc_id(), &op, 1);
    });
    ASSERT_TRUE(fake->wait_for_op(proto::Op::semop));
    int a_conn = fake->requests(proto::Op::semop).at(0).conn;
    pid_t child = fork();
    if (child == 0) {
        // Holding a copy of a's descriptor would keep a's connection open
        // after the parent's thread closes it; the child closed it at fork.
        sleep(60);
        _exit(0);
    }
    fake->reply(fake->requests(proto::Op::semop).at(0), ok_reply(0));
    a.join();  // a exits: its link closes in the parent
    EXPECT_TRUE(fake->wait_closed(a_conn, 5000)) << "the child still holds the thread's connection";
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
}

TEST_F(ClientLink, LinksAreCloseOnExec) {
    ASSERT_EQ(semctl(dipc_id(), 0, GETVAL), 0);
    int found = 0;
    DIR* d = opendir("/proc/self/fd");
    ASSERT_NE(d, nullptr);
    while (dirent* e = readdir(d)) {
        int fd = atoi(e->d_name);
        if (fd <= 2 || fd == dirfd(d)) continue;
        sockaddr_un peer{};
        socklen_t len = sizeof peer;
        if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0 || peer.sun_family != AF_UNIX) continue;
        if (fake->path() != peer.sun_path) continue;
        ++found;
        EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC) << "fd " << fd;
    }
    closedir(d);
    EXPECT_EQ(found, 1);
}

TEST_F(ClientLink, WelcomeOfAnotherProtocolVersionIsEnolink) {
    // A daemon speaking another version: a raw listener answering by hand.
    std::string path = fake->path() + ".v2";
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(lfd, 4), 0);
    std::thread server([&] {
        int c = accept(lfd, nullptr, nullptr);
        std::uint8_t buf[64];
        ssize_t n = recv(c, buf, sizeof buf, 0);
        (void)n;
        proto::Welcome w;
        w.version = proto::kProtocolVersion + 1;
        std::vector<std::uint8_t> out;
        proto::encode_frame(proto::Op::welcome, 1, w, out);
        ssize_t k = send(c, out.data(), out.size(), MSG_NOSIGNAL);
        (void)k;
        usleep(200000);
        close(c);
    });
    setenv("PAPERS_DIPC_SOCKET", path.c_str(), 1);
    reset_client();
    StderrCapture err;
    errno = 0;
    EXPECT_EQ(semctl(dipc_id(), 0, GETVAL), -1);
    EXPECT_EQ(errno, ENOLINK);
    server.join();
    close(lfd);
    unlink(path.c_str());
    EXPECT_NE(err.text().find("protocol"), std::string::npos);
}
