// Kernel-mode accesses (docs/dipc-design.md): a system call whose buffer is
// a page that is not present gets EFAULT from the kernel (shown here with
// raw system calls, which the layer cannot see); through the wrapped calls
// the buffers are fetched first and the call works, also when a revoke
// races it, and the layer's own System V copies do the same. What the
// program's own protection forbids stays the kernel's EFAULT.
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "client_dsm_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

extern "C" ssize_t __read_chk(int fd, void* buf, size_t n, size_t buflen);

namespace {

using Faults = std::vector<std::pair<std::uint64_t, bool>>;

struct Pipe {
    int rd = -1, wr = -1;
    Pipe() {
        int fds[2];
        if (pipe(fds) == 0) {
            rd = fds[0];
            wr = fds[1];
        }
    }
    ~Pipe() {
        close(rd);
        close(wr);
    }
};

}  // namespace

TEST(ClientDsmSyscall, ReadIntoAPageThatIsNotPresentGetsTheData) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(4 * 4096);
        Pipe pp;
        ASSERT_EQ(write(pp.wr, "data!", 5), 5);
        // The kernel's answer without the layer: EFAULT, nothing consumed.
        errno = 0;
        EXPECT_EQ(syscall(SYS_read, pp.rd, p + 100, 5), -1);
        EXPECT_EQ(errno, EFAULT);
        EXPECT_TRUE(faults(env.fake).empty());
        // Through read(2): the unit is fetched for writing first.
        EXPECT_EQ(read(pp.rd, p + 100, 5), 5);
        EXPECT_EQ(std::memcmp(env.host + 100, "data!", 5), 0);
        EXPECT_EQ(faults(env.fake), (Faults{{0, true}}));
        // A vector across two units, and a buffer across a page boundary.
        ASSERT_EQ(write(pp.wr, "0123456789", 10), 10);
        struct iovec iov[2] = {{p + 2 * 4096 - 2, 4}, {p + 3 * 4096 + 7, 6}};
        EXPECT_EQ(readv(pp.rd, iov, 2), 10);
        EXPECT_EQ(std::memcmp(env.host + 2 * 4096 - 2, "0123", 4), 0);
        EXPECT_EQ(std::memcmp(env.host + 3 * 4096 + 7, "456789", 6), 0);
        EXPECT_EQ(faults(env.fake), (Faults{{0, true}, {1, true}, {2, true}, {3, true}}));
        // The fortified read (_FORTIFY_SOURCE) too.
        ASSERT_EQ(write(pp.wr, "xy", 2), 2);
        env.fake.revoke(getpid(), env.fake.handles().begin()->first, DsmEnv::kShmid, 0, 0);
        EXPECT_EQ(__read_chk(pp.rd, p + 8, 2, 2), 2);
        EXPECT_EQ(env.host[8], 'x');
    }));
}

TEST(ClientDsmSyscall, WriteAndSendFromPagesThatAreNotPresent) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(3 * 4096);
        std::memcpy(env.host + 4096, "abc", 3);
        std::memcpy(env.host + 2 * 4096, "defg", 4);
        Pipe pp;
        EXPECT_EQ(syscall(SYS_write, pp.wr, p + 4096, 3), -1);  // the kernel alone
        EXPECT_EQ(errno, EFAULT);
        EXPECT_EQ(write(pp.wr, p + 4096, 3), 3);
        char got[8] = {};
        EXPECT_EQ(read(pp.rd, got, 3), 3);
        EXPECT_EQ(std::string(got), "abc");
        EXPECT_EQ(faults(env.fake), (Faults{{1, false}}));  // a read view is enough
        int sv[2];
        ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        EXPECT_EQ(send(sv[0], p + 2 * 4096, 4, 0), 4);
        // recvmsg with the header itself, its vector and the buffer in the segment.
        auto* hdr = reinterpret_cast<struct msghdr*>(p);
        auto* iov = reinterpret_cast<struct iovec*>(p + 512);
        env.fake.revoke(getpid(), env.fake.handles().begin()->first, DsmEnv::kShmid, 0, 0);
        std::memset(env.host, 0, 1024);
        struct msghdr m {};
        struct iovec v {p + 600, 4};
        std::memcpy(env.host, &m, sizeof m);
        std::memcpy(env.host + 512, &v, sizeof v);
        reinterpret_cast<struct msghdr*>(env.host)->msg_iov = iov;
        reinterpret_cast<struct msghdr*>(env.host)->msg_iovlen = 1;
        EXPECT_EQ(real_prot(p), "--");
        EXPECT_EQ(recvmsg(sv[1], hdr, 0), 4);
        EXPECT_EQ(std::memcmp(env.host + 600, "defg", 4), 0);
        close(sv[0]);
        close(sv[1]);
    }));
}

TEST(ClientDsmSyscall, RevokeRacingABlockedReadIsRetried) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(4096);
        Pipe pp;
        ssize_t got = 0;
        std::thread reader([&] { got = read(pp.rd, p + 40, 4); });
        // The read fetched its unit, then blocked in the kernel for data;
        // the unit is taken away meanwhile.
        ASSERT_TRUE(env.fake.wait_for_op(proto::Op::fault, 1));
        usleep(50000);
        ASSERT_NE(env.fake.revoke(getpid(), env.fake.handles().begin()->first, DsmEnv::kShmid, 0, 0), 0u);
        ASSERT_EQ(write(pp.wr, "late", 4), 4);
        reader.join();
        EXPECT_EQ(got, 4);
        EXPECT_EQ(std::memcmp(env.host + 40, "late", 4), 0);
        EXPECT_EQ(faults(env.fake), (Faults{{0, true}, {0, true}}));  // fetched again for the retry
    }));
}

TEST(ClientDsmSyscall, DatagramReceivedWhileItsPageIsRevokedIsNotLost) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(4096);
        int sv[2];
        ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
        // The kernel alone: EFAULT drops the datagram ("a" is lost, "b" comes next).
        ASSERT_EQ(send(sv[0], "a", 1, 0), 1);
        ASSERT_EQ(send(sv[0], "b", 1, 0), 1);
        EXPECT_EQ(syscall(SYS_recvfrom, sv[1], p, 1, 0, nullptr, nullptr), -1);
        EXPECT_EQ(errno, EFAULT);
        char c = 0;
        EXPECT_EQ(recv(sv[1], &c, 1, 0), 1);
        EXPECT_EQ(c, 'b');
        // Through the layer: a receive waiting while its page is taken away.
        ssize_t got = 0;
        std::thread receiver([&] { got = recv(sv[1], p + 100, 16, 0); });
        usleep(50000);
        store(p, 1);  // the page is present now ...
        ASSERT_NE(env.fake.revoke(getpid(), env.fake.handles().begin()->first, DsmEnv::kShmid, 0, 0), 0u);
        ASSERT_EQ(real_prot(p), "--");  // ... and gone again
        ASSERT_EQ(send(sv[0], "first", 5, 0), 5);
        ASSERT_EQ(send(sv[0], "second", 6, 0), 6);
        receiver.join();
        EXPECT_EQ(got, 5);
        EXPECT_EQ(std::memcmp(env.host + 100, "first", 5), 0);
        // recvfrom and recvmsg the same way, with the sender's name.
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        EXPECT_EQ(recvfrom(sv[1], p + 200, 16, 0, reinterpret_cast<struct sockaddr*>(&from), &fromlen), 6);
        EXPECT_EQ(std::memcmp(env.host + 200, "second", 6), 0);
        ASSERT_EQ(send(sv[0], "third", 5, 0), 5);
        struct iovec iov {p + 300, 2};
        struct msghdr m {};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        EXPECT_EQ(recvmsg(sv[1], &m, 0), 2);
        EXPECT_TRUE(m.msg_flags & MSG_TRUNC);  // the datagram's rest is gone, as with the kernel
        EXPECT_EQ(std::memcmp(env.host + 300, "th", 2), 0);
        close(sv[0]);
        close(sv[1]);
    }));
}

TEST(ClientDsmSyscall, WhatTheProgramForbidsIsTheKernelsEfault) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(4096, SHM_RDONLY);
        Pipe pp;
        ASSERT_EQ(write(pp.wr, "zz", 2), 2);
        errno = 0;
        EXPECT_EQ(read(pp.rd, p, 2), -1);
        EXPECT_EQ(errno, EFAULT);
        EXPECT_TRUE(faults(env.fake).empty());  // nothing asked: the program may not write there
        // A bad pointer outside any attachment: EFAULT at once, not retried.
        void* volatile bad = reinterpret_cast<void*>(8);
        EXPECT_EQ(read(pp.rd, bad, 2), -1);
        EXPECT_EQ(errno, EFAULT);
        char two[2];
        EXPECT_EQ(read(pp.rd, two, 2), 2);  // the data is still there
    }));
}

TEST(ClientDsmSyscall, TheLayersOwnSysvCopiesFetchTheirBuffers) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        env.fake.on_request([](const Request& r) {
            if (r.op == proto::Op::msgrcv) {
                proto::MsgText t;
                t.mtype = 6;
                t.text = {'m', 's', 'g'};
                return Action::answer(ok_reply(3, t));
            }
            return Action::standard();
        });
        std::uint8_t* p = env.attach(2 * 4096);
        struct sembuf ops[2] = {{1, -2, SEM_UNDO}, {0, 3, 0}};
        std::memcpy(env.host, ops, sizeof ops);
        const int sem = proto::make_id(1, 1);
        EXPECT_EQ(semop(sem, reinterpret_cast<struct sembuf*>(p), 2), 0);
        auto sent = env.fake.requests(proto::Op::semop).at(0).as<proto::SemopReq>();
        ASSERT_EQ(sent.sops.size(), 2u);
        EXPECT_EQ(sent.sops[0].num, 1);
        EXPECT_EQ(sent.sops[0].op, -2);
        EXPECT_EQ(sent.sops[1].op, 3);
        // msgrcv's copy-out into a page that is not present.
        EXPECT_EQ(msgrcv(proto::make_id(2, 1), p + 4096, 16, 0, 0), 3);
        long mtype;
        std::memcpy(&mtype, env.host + 4096, sizeof mtype);
        EXPECT_EQ(mtype, 6);
        EXPECT_EQ(std::memcmp(env.host + 4096 + sizeof(long), "msg", 3), 0);
        EXPECT_EQ(faults(env.fake), (Faults{{0, false}, {1, true}}));
    }));
}
