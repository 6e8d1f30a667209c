// Bad user pointers give EFAULT and never crash (decision 7): copy-in
// failures send nothing, copy-out failures come after the daemon's answer
// (msgrcv's message is consumed anyway, as in the kernel). A buffer that
// ends exactly at an inaccessible page is compared against the kernel's
// own answer for the same placement. semctl's fourth argument is never read
// for the commands that take none.
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>

#include <cstring>

#include "client_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

void* const kUnmapped = reinterpret_cast<void*>(8);

class ClientMemory : public DaemonTest {
protected:
    void SetUp() override {
        DaemonTest::SetUp();
        fake->on_request([](const Request& r) -> std::optional<proto::Reply> {
            if (r.op == proto::Op::msgrcv) {
                proto::MsgText t;
                t.mtype = 3;
                t.text = {'x', 'y', 'z'};
                return ok_reply(3, t);
            }
            if (r.op != proto::Op::semctl) return ok_reply(0);
            switch (r.as<proto::SemctlReq>().cmd) {
                case IPC_STAT: return ok_reply(0, proto::SemDsRec{});
                case SEM_STAT_ANY: {
                    proto::SemDsRec rec;
                    rec.nsems = 4;
                    return ok_reply(proto::make_id(3, 1), rec);
                }
                case GETALL: {
                    proto::SemValues v;
                    v.values = {1, 2, 3, 4};
                    return ok_reply(0, v);
                }
                case IPC_INFO: case SEM_INFO: return ok_reply(0, proto::SemInfoRec{});
                default: return ok_reply(0);
            }
        });
    }
    std::size_t sent(proto::Op op) { return fake->requests(op).size(); }
};

}  // namespace

TEST_F(ClientMemory, SemopBadSopsIsEfaultAndSendsNothing) {
    errno = 0;
    EXPECT_EQ(semop(dipc_id(), nullptr, 1), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(semop(dipc_id(), static_cast<struct sembuf*>(kUnmapped), 2), -1);
    EXPECT_EQ(errno, EFAULT);
    GuardedBuffer buf(2 * sizeof(struct sembuf));
    auto* sops = static_cast<struct sembuf*>(buf.data());
    std::memset(sops, 0, 2 * sizeof *sops);
    EXPECT_EQ(semop(dipc_id(), sops, 3), -1);  // the third runs into the guard page
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(sent(proto::Op::semop), 0u);
    EXPECT_EQ(semop(dipc_id(), sops, 2), 0);  // exactly the accessible two
    EXPECT_EQ(sent(proto::Op::semop), 1u);
}

TEST_F(ClientMemory, MsgsndBadBufferIsEfaultAndSendsNothing) {
    errno = 0;
    EXPECT_EQ(msgsnd(dipc_id(), nullptr, 4, 0), -1);
    EXPECT_EQ(errno, EFAULT);
    GuardedBuffer buf(sizeof(long) + 4);
    long one = 1;
    std::memcpy(buf.data(), &one, sizeof one);
    EXPECT_EQ(msgsnd(dipc_id(), buf.data(), 5, 0), -1);  // text crosses into the guard page
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(msgsnd(dipc_id(), buf.tail(4), 0, 0), -1);  // mtype itself not readable
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(sent(proto::Op::msgsnd), 0u);
    EXPECT_EQ(msgsnd(dipc_id(), buf.data(), 4, 0), 0);
}

TEST_F(ClientMemory, MsgrcvBadBufferConsumesTheMessageThenEfault) {
    errno = 0;
    EXPECT_EQ(msgrcv(dipc_id(), kUnmapped, 16, 0, 0), -1);
    EXPECT_EQ(errno, EFAULT);
    GuardedBuffer buf(sizeof(long) + 2);  // mtype fits, the text does not
    std::memset(buf.data(), 0, sizeof(long) + 2);
    EXPECT_EQ(msgrcv(dipc_id(), buf.data(), 16, 0, 0), -1);
    EXPECT_EQ(errno, EFAULT);
    long mtype;  // written before the text failed, as the kernel's do_msg_fill does
    std::memcpy(&mtype, buf.data(), sizeof mtype);
    EXPECT_EQ(mtype, 3);
    EXPECT_EQ(sent(proto::Op::msgrcv), 2u);  // both were asked for (and consumed) first
    GuardedBuffer exact(sizeof(long) + 3);
    EXPECT_EQ(msgrcv(dipc_id(), exact.data(), 16, 0, 0), 3);
}

TEST_F(ClientMemory, MsgCopyReadsTheBufferFirstAsTheKernel) {
    errno = 0;
    EXPECT_EQ(msgrcv(dipc_id(), kUnmapped, 16, 0, MSG_COPY | IPC_NOWAIT), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(sent(proto::Op::msgrcv), 0u);
}

TEST_F(ClientMemory, SemctlBuffersAreEfaultInTheKernelsOrder) {
    const int id = dipc_id(3, 1);
    errno = 0;
    // Copy-out after the answer: the request went out.
    EXPECT_EQ(semctl(id, 0, IPC_STAT, kUnmapped), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(semctl(id, 0, GETALL, kUnmapped), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(semctl(0, 0, SEM_INFO, kUnmapped), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(sent(proto::Op::semctl), 3u);
    // Copy-in first: IPC_SET sends nothing; SETALL only its SEM_STAT_ANY.
    EXPECT_EQ(semctl(id, 0, IPC_SET, kUnmapped), -1);
    EXPECT_EQ(errno, EFAULT);
    GuardedBuffer three(3 * sizeof(unsigned short));  // the set has 4
    EXPECT_EQ(semctl(id, 0, SETALL, three.data()), -1);
    EXPECT_EQ(errno, EFAULT);
    auto ctls = fake->requests(proto::Op::semctl);
    ASSERT_EQ(ctls.size(), 4u);
    EXPECT_EQ(ctls[3].as<proto::SemctlReq>().cmd, SEM_STAT_ANY);
    GuardedBuffer four(4 * sizeof(unsigned short));
    EXPECT_EQ(semctl(id, 0, SETALL, four.data()), 0);
    EXPECT_EQ(semctl(id, 0, GETALL, four.data()), 0);
    errno = 0;
    EXPECT_EQ(semctl(id, 0, GETALL, three.data()), -1);
    EXPECT_EQ(errno, EFAULT);
}

TEST_F(ClientMemory, MsgctlBuffersAreEfault) {
    fake->on_request([](const Request& r) {
        auto c = r.as<proto::MsgctlReq>();
        if (c.cmd == IPC_STAT) return ok_reply(0, proto::MsgDsRec{});
        return ok_reply(0, proto::MsgInfoRec{});
    });
    errno = 0;
    EXPECT_EQ(msgctl(dipc_id(), IPC_STAT, static_cast<struct msqid_ds*>(kUnmapped)), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(msgctl(0, IPC_INFO, static_cast<struct msqid_ds*>(kUnmapped)), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(msgctl(dipc_id(), IPC_SET, static_cast<struct msqid_ds*>(kUnmapped)), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(sent(proto::Op::msgctl), 2u);
}

// The structures are exactly as large as the kernel's: a buffer ending at
// the guard page works for both, one byte less fails for both.
TEST_F(ClientMemory, StatBufferSizesMatchTheKernels) {
    int k = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    ASSERT_GE(k, 0);
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    ASSERT_GE(q, 0);
    GuardedBuffer sem_buf(sizeof(struct semid_ds)), msg_buf(sizeof(struct msqid_ds));
    GuardedBuffer seminfo_buf(sizeof(struct seminfo)), msginfo_buf(sizeof(struct msginfo));
    fake->on_request([](const Request& r) {
        if (r.op == proto::Op::semctl) {
            int cmd = r.as<proto::SemctlReq>().cmd;
            return cmd == SEM_INFO ? ok_reply(0, proto::SemInfoRec{}) : ok_reply(0, proto::SemDsRec{});
        }
        int cmd = r.as<proto::MsgctlReq>().cmd;
        return cmd == MSG_INFO ? ok_reply(0, proto::MsgInfoRec{}) : ok_reply(0, proto::MsgDsRec{});
    });
    for (int id : {k, dipc_id()}) {
        EXPECT_EQ(semctl(id, 0, IPC_STAT, sem_buf.data()), 0) << id;
        errno = 0;
        EXPECT_EQ(semctl(id, 0, IPC_STAT, sem_buf.tail(sizeof(struct semid_ds) - 1)), -1) << id;
        EXPECT_EQ(errno, EFAULT);
    }
    for (int id : {q, dipc_id()}) {
        EXPECT_EQ(msgctl(id, IPC_STAT, static_cast<struct msqid_ds*>(msg_buf.data())), 0) << id;
        errno = 0;
        EXPECT_EQ(msgctl(id, IPC_STAT, static_cast<struct msqid_ds*>(msg_buf.tail(sizeof(struct msqid_ds) - 1))), -1);
        EXPECT_EQ(errno, EFAULT);
    }
    // *_INFO: the kernel's answer (no daemon) and the layer's (daemon) fill the same bytes.
    EXPECT_GE(semctl(0, 0, SEM_INFO, seminfo_buf.data()), 0);
    EXPECT_EQ(semctl(0, 0, SEM_INFO, seminfo_buf.tail(sizeof(struct seminfo) - 1)), -1);
    EXPECT_GE(msgctl(0, MSG_INFO, static_cast<struct msqid_ds*>(msginfo_buf.data())), 0);
    EXPECT_EQ(msgctl(0, MSG_INFO, static_cast<struct msqid_ds*>(msginfo_buf.tail(sizeof(struct msginfo) - 1))), -1);
    unsetenv("PAPERS_DIPC_SOCKET");
    reset_client();
    EXPECT_GE(semctl(0, 0, SEM_INFO, seminfo_buf.data()), 0);
    EXPECT_EQ(semctl(0, 0, SEM_INFO, seminfo_buf.tail(sizeof(struct seminfo) - 1)), -1);
    EXPECT_GE(msgctl(0, MSG_INFO, static_cast<struct msqid_ds*>(msginfo_buf.data())), 0);
    EXPECT_EQ(msgctl(0, MSG_INFO, static_cast<struct msqid_ds*>(msginfo_buf.tail(sizeof(struct msginfo) - 1))), -1);
    semctl(k, 0, IPC_RMID);
    msgctl(q, IPC_RMID, nullptr);
}

TEST_F(ClientMemory, SemtimedopBadTimeoutIsEfault) {
    struct sembuf op{};
    errno = 0;
    EXPECT_EQ(semtimedop(dipc_id(), &op, 1, static_cast<struct timespec*>(kUnmapped)), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(sent(proto::Op::semop), 0u);
}

// For GETVAL GETPID GETNCNT GETZCNT IPC_RMID the argument may be missing or
// garbage: it is neither read nor used, on the daemon's side or the kernel's.
TEST_F(ClientMemory, SemctlArgumentIsNotReadForCommandsWithoutOne) {
    for (int cmd : {GETVAL, GETPID, GETNCNT, GETZCNT}) {
        EXPECT_EQ(semctl(dipc_id(), 0, cmd), 0) << cmd;
        EXPECT_EQ(semctl(dipc_id(), 0, cmd, kUnmapped), 0) << cmd;
        EXPECT_EQ(semctl(dipc_id(), 0, cmd, reinterpret_cast<void*>(-1L)), 0) << cmd;
    }
    EXPECT_EQ(semctl(dipc_id(), 0, IPC_RMID, kUnmapped), 0);
    EXPECT_EQ(semctl(dipc_id(), 0, IPC_RMID), 0);
    EXPECT_EQ(sent(proto::Op::semctl), 14u);
    int k = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    EXPECT_EQ(semctl(k, 0, GETVAL, kUnmapped), 0);
    EXPECT_EQ(semctl(k, 0, GETNCNT), 0);
    EXPECT_EQ(semctl(k, 0, IPC_RMID, kUnmapped), 0);
}
