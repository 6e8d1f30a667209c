// Which calls reach the daemon (decisions 1 and 2): the key policy for
// gets, is_dipc_id for ids and *_STAT indices, *_INFO with a daemon; and
// with no daemon configured, everything goes to the kernel.
#include <fcntl.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "client_state.hpp"
#include "client_test_support.hpp"
#include "real_calls.hpp"
#include "routing.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;
constexpr int kDipc = proto::kIpcDipc;

namespace {

// The fake names every created structure with a DIPC id.
void answer_gets(FakeDaemon& fake) {
    fake.on_request([](const Request& r) -> std::optional<proto::Reply> {
        if (r.op == proto::Op::get) return ok_reply(proto::make_id(r.as<proto::GetReq>().kind == proto::Kind::sem ? 1 : 2, 5));
        return ok_reply(0);
    });
}

}  // namespace

TEST(ClientNoDaemon, EveryCallGoesToTheKernelFlagsAndPolicyIgnored) {
    if (!private_namespaces()) GTEST_SKIP() << "needs root (private IPC namespace and /run)";
    unsetenv("PAPERS_DIPC_SOCKET");
    setenv("PAPERS_DIPC_KEYS", "not a policy", 1);  // never read without a daemon
    reset_client();
    StderrCapture err;
    int id = semget(IPC_PRIVATE, 2, IPC_CREAT | kDipc | 0600);
    ASSERT_GE(id, 0) << strerror(errno);
    EXPECT_FALSE(proto::is_dipc_id(id));
    EXPECT_EQ(semctl(id, 1, SETVAL, 5), 0);
    EXPECT_EQ(semctl(id, 1, GETVAL), 5);
    struct seminfo info;
    EXPECT_GE(semctl(0, 0, SEM_INFO, &info), 0);
    EXPECT_EQ(info.semusz, 1);  // the kernel's own count: our one set
    // A DIPC-looking id is the kernel's business too (it does not know it).
    errno = 0;
    EXPECT_EQ(semctl(proto::make_id(4, 1), 0, GETVAL), -1);
    EXPECT_EQ(errno, EINVAL);
    int q = msgget(0x4242, IPC_CREAT | kDipc | 0600);
    ASSERT_GE(q, 0);
    EXPECT_EQ(msgctl(q, IPC_RMID, nullptr), 0);
    EXPECT_EQ(semctl(id, 0, IPC_RMID), 0);
    EXPECT_EQ(err.text(), "");
    unsetenv("PAPERS_DIPC_KEYS");
    reset_client();
}

TEST(ClientNoDaemon, DefaultSocketPathConfiguresTheDaemon) {
    if (!private_namespaces()) GTEST_SKIP() << "needs root (private /run)";
    unsetenv("PAPERS_DIPC_SOCKET");
    ASSERT_EQ(mkdir("/run/papers-dipc", 0755), 0);
    {
        FakeDaemon fake("/run/papers-dipc/dipcd.sock");
        answer_gets(fake);
        reset_client();
        EXPECT_EQ(semget(0x77, 1, IPC_CREAT | kDipc | 0600), proto::make_id(1, 5));
        EXPECT_EQ(fake.requests(proto::Op::get).size(), 1u);
    }
    // The fake is gone (and its socket file): no daemon at the default path.
    reset_client();
    int id = semget(0x77, 1, IPC_CREAT | kDipc | 0600);
    EXPECT_GE(id, 0);
    EXPECT_FALSE(proto::is_dipc_id(id));
    semctl(id, 0, IPC_RMID);
    rmdir("/run/papers-dipc");
    reset_client();
}

TEST(ClientNoDaemon, KernelFlagsUntouchedWithoutDaemonStrippedWithOne) {
    unsetenv("PAPERS_DIPC_SOCKET");
    reset_client();
    if (!client::config().daemon_configured) {
        EXPECT_EQ(client::kernel_flags(kDipc | 0600), kDipc | 0600);
    }
    setenv("PAPERS_DIPC_SOCKET", "/nonexistent/dipcd.sock", 1);
    reset_client();
    EXPECT_EQ(client::kernel_flags(kDipc | IPC_CREAT | 0600), IPC_CREAT | 0600);
    unsetenv("PAPERS_DIPC_SOCKET");
    reset_client();
}

using ClientRouting = DaemonTest;

TEST_F(ClientRouting, FlagPolicyDistributesFlaggedGetsOnly) {
    answer_gets(*fake);
    int local = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    ASSERT_GE(local, 0);
    EXPECT_FALSE(proto::is_dipc_id(local));
    EXPECT_EQ(fake->requests().size(), 0u);
    EXPECT_EQ(semget(IPC_PRIVATE, 2, IPC_CREAT | kDipc | 0600), proto::make_id(1, 5));
    EXPECT_EQ(msgget(0x99, IPC_CREAT | kDipc | 0640), proto::make_id(2, 5));
    auto gets = fake->requests(proto::Op::get);
    ASSERT_EQ(gets.size(), 2u);
    auto g0 = gets[0].as<proto::GetReq>();
    EXPECT_EQ(g0.kind, proto::Kind::sem);
    EXPECT_EQ(g0.key, IPC_PRIVATE);
    EXPECT_EQ(g0.flags, IPC_CREAT | 0600);  // IPC_DIPC stripped
    EXPECT_EQ(g0.size, 2u);
    auto g1 = gets[1].as<proto::GetReq>();
    EXPECT_EQ(g1.kind, proto::Kind::msg);
    EXPECT_EQ(g1.key, 0x99);
    EXPECT_EQ(g1.flags, IPC_CREAT | 0640);
    EXPECT_EQ(g1.size, 0u);
    semctl(local, 0, IPC_RMID);
}

TEST_F(ClientRouting, AllPolicyDistributesEveryGetIncludingPrivate) {
    setenv("PAPERS_DIPC_KEYS", "all", 1);
    reset_client();
    answer_gets(*fake);
    EXPECT_EQ(semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), proto::make_id(1, 5));
    EXPECT_EQ(msgget(0x1234, 0), proto::make_id(2, 5));
    EXPECT_EQ(fake->requests(proto::Op::get).size(), 2u);
}

TEST_F(ClientRouting, ListPolicyDistributesListedKeysAndFlaggedCalls) {
    setenv("PAPERS_DIPC_KEYS", "0x1234,0x5000-0x50ff", 1);
    reset_client();
    answer_gets(*fake);
    EXPECT_EQ(semget(0x1234, 1, IPC_CREAT | 0600), proto::make_id(1, 5));
    EXPECT_EQ(msgget(0x5080, IPC_CREAT | 0600), proto::make_id(2, 5));
    EXPECT_EQ(semget(0x7777, 1, IPC_CREAT | kDipc | 0600), proto::make_id(1, 5));
    EXPECT_EQ(fake->requests(proto::Op::get).size(), 3u);
    int local = semget(0x5100, 1, IPC_CREAT | 0600);
    int priv = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    EXPECT_GE(local, 0);
    EXPECT_GE(priv, 0);
    EXPECT_FALSE(proto::is_dipc_id(local));
    EXPECT_FALSE(proto::is_dipc_id(priv));
    EXPECT_EQ(fake->requests(proto::Op::get).size(), 3u);
    semctl(local, 0, IPC_RMID);
    semctl(priv, 0, IPC_RMID);
}

TEST_F(ClientRouting, MalformedPolicyFailsDipcCallsWithEinvalAndOneLine) {
    setenv("PAPERS_DIPC_KEYS", "0x12,zz", 1);
    reset_client();
    StderrCapture err;
    errno = 0;
    EXPECT_EQ(semget(0x12, 1, IPC_CREAT | kDipc | 0600), -1);
    EXPECT_EQ(errno, EINVAL);
    errno = 0;
    EXPECT_EQ(msgget(0x44, IPC_CREAT | 0600), -1);  // no get can tell whether it was meant to be distributed
    EXPECT_EQ(errno, EINVAL);
    errno = 0;
    EXPECT_EQ(semctl(dipc_id(), 0, GETVAL), -1);
    EXPECT_EQ(errno, EINVAL);
    struct msginfo mi;
    EXPECT_EQ(msgctl(0, MSG_INFO, reinterpret_cast<struct msqid_ds*>(&mi)), -1);
    // A kernel id is the kernel's, whatever the policy says.
    errno = 0;
    EXPECT_EQ(semctl(12345, 0, GETVAL), -1);
    EXPECT_EQ(errno, EINVAL);
    std::string text = err.text();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    EXPECT_NE(text.find("PAPERS_DIPC_KEYS"), std::string::npos) << text;
    EXPECT_NE(text.find("zz"), std::string::npos) << text;
    EXPECT_EQ(fake->requests().size(), 0u);
}

TEST_F(ClientRouting, KernelIdsNeverReachTheDaemon) {
    fake->on_request([](const Request& r) {
        if (r.op == proto::Op::semctl && r.as<proto::SemctlReq>().cmd == SEM_STAT_ANY)
            return ok_reply(proto::make_id(9, 4), proto::SemDsRec{});
        return ok_reply(11);
    });
    int k = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    ASSERT_GE(k, 0);
    ASSERT_EQ(semctl(k, 1, SETVAL, 3), 0);
    EXPECT_EQ(semctl(k, 1, GETVAL), 3);
    struct sembuf op{1, -1, IPC_NOWAIT};
    EXPECT_EQ(semop(k, &op, 1), 0);
    EXPECT_EQ(semctl(k, 1, GETVAL), 2);
    struct semid_ds ds;
    EXPECT_EQ(semctl(k, 0, IPC_STAT, &ds), 0);
    EXPECT_EQ(ds.sem_nsems, 2u);
    int index = proto::index_of(k);
    EXPECT_EQ(semctl(index, 0, SEM_STAT, &ds), k);
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    struct {
        long mtype;
        char text[4];
    } m{5, {'a', 'b', 'c', 'd'}}, in{};
    EXPECT_EQ(msgsnd(q, &m, 4, 0), 0);
    EXPECT_EQ(msgrcv(q, &in, 4, 0, 0), 4);
    EXPECT_EQ(msgctl(q, IPC_RMID, nullptr), 0);
    errno = 0;
    EXPECT_EQ(semctl(-1, 0, GETVAL), -1);  // negative: the kernel's EINVAL
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(semctl(k, 0, IPC_RMID), 0);
    EXPECT_EQ(fake->requests().size(), 0u);
    // The DIPC ids and indices go to the daemon.
    EXPECT_EQ(semctl(dipc_id(), 0, GETVAL), 11);
    EXPECT_EQ(semctl(proto::kFirstIndex + 9, 0, SEM_STAT_ANY, &ds), proto::make_id(9, 4));
    EXPECT_EQ(msgctl(dipc_id(7, 2), IPC_RMID, nullptr), 11);
    EXPECT_EQ(fake->requests().size(), 3u);
}

TEST_F(ClientRouting, InfoWithADaemonIsTheLayersAndReturnsTheHigherIndex) {
    if (!private_namespaces()) GTEST_SKIP() << "needs a private IPC namespace (kernel index counts)";
    int a = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), b = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600),
        c = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    struct seminfo kernel_view;
    int kernel_max = client::real_calls().semctl(0, 0, SEM_INFO, &kernel_view);
    ASSERT_GE(kernel_max, proto::index_of(c));
    std::int64_t daemon_max = 0;
    fake->on_request([&](const Request&) {
        proto::SemInfoRec rec;
        rec.semmni = 768;
        rec.semusz = 4;
        return ok_reply(daemon_max, rec);
    });
    struct seminfo info;
    EXPECT_EQ(semctl(0, 0, SEM_INFO, &info), kernel_max);  // no DIPC structures: the kernel's index
    EXPECT_EQ(info.semmni, 768);                          // but the layer's record
    EXPECT_EQ(info.semusz, 4);
    daemon_max = proto::kFirstIndex + 17;
    EXPECT_EQ(semctl(0, 0, SEM_INFO, &info), proto::kFirstIndex + 17);
    EXPECT_EQ(semctl(0, 0, IPC_INFO, &info), proto::kFirstIndex + 17);
    auto ctls = fake->requests(proto::Op::semctl);
    ASSERT_EQ(ctls.size(), 3u);
    EXPECT_EQ(ctls[0].as<proto::SemctlReq>().cmd, SEM_INFO);
    EXPECT_EQ(ctls[2].as<proto::SemctlReq>().cmd, IPC_INFO);
    for (int id : {a, b, c}) semctl(id, 0, IPC_RMID);
}
