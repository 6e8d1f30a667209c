// What goes on the wire for each call, and how replies become return
// values, errno and structures (against a fake daemon). The checks the
// kernel makes before its lookup are made here with the welcome's limits,
// and send nothing.
#include <sys/msg.h>
#include <sys/sem.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "client_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

class ClientWire : public DaemonTest {
protected:
    void SetUp() override {
        DaemonTest::SetUp();
        fake->limits.semmsl = 10;
        fake->limits.semopm = 4;
        fake->limits.semvmx = 1000;
        fake->limits.msgmax = 64;
    }
};

proto::IpcPermRec perm_rec() {
    proto::IpcPermRec p;
    p.key = 0x1234abcd;
    p.uid = 1001;
    p.gid = 1002;
    p.cuid = 1003;
    p.cgid = 1004;
    p.mode = 01640;
    p.seq = 77;
    return p;
}

void expect_perm(const struct ipc_perm& p) {
    EXPECT_EQ(p.__key, 0x1234abcd);
    EXPECT_EQ(p.uid, 1001u);
    EXPECT_EQ(p.gid, 1002u);
    EXPECT_EQ(p.cuid, 1003u);
    EXPECT_EQ(p.cgid, 1004u);
    EXPECT_EQ(p.mode, 01640u);
    EXPECT_EQ(p.__seq, 77);
}

}  // namespace

TEST_F(ClientWire, SemgetChecksNsemsAgainstTheLayersSemmsl) {
    fake->on_request([](const Request&) { return ok_reply(proto::make_id(0, 1)); });
    errno = 0;
    EXPECT_EQ(semget(5, 11, IPC_CREAT | proto::kIpcDipc), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(semget(5, -1, IPC_CREAT | proto::kIpcDipc), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(fake->requests().size(), 0u);
    EXPECT_EQ(semget(5, 10, IPC_CREAT | IPC_EXCL | proto::kIpcDipc | 0600), proto::make_id(0, 1));
    auto g = fake->requests(proto::Op::get).at(0).as<proto::GetReq>();
    EXPECT_EQ(g.flags, IPC_CREAT | IPC_EXCL | 0600);
    EXPECT_EQ(g.size, 10u);
    EXPECT_EQ(g.key, 5);
}

TEST_F(ClientWire, GetErrorsComeBackAsErrno) {
    fake->on_request([](const Request&) { return err_reply(EEXIST); });
    errno = 0;
    EXPECT_EQ(msgget(5, IPC_CREAT | IPC_EXCL | proto::kIpcDipc), -1);
    EXPECT_EQ(errno, EEXIST);
}

TEST_F(ClientWire, SemopSendsTheOperationsAndTimeout) {
    const int id = dipc_id();
    struct sembuf sops[3] = {{0, -1, SEM_UNDO}, {2, 0, IPC_NOWAIT}, {65535, 3, 0}};
    EXPECT_EQ(semop(id, sops, 3), 0);
    struct timespec ts{1, 500};
    EXPECT_EQ(semtimedop(id, sops, 2, &ts), 0);
    struct timespec huge{INT64_MAX, 0};
    EXPECT_EQ(semtimedop(id, sops, 1, &huge), 0);
    auto ops = fake->requests(proto::Op::semop);
    ASSERT_EQ(ops.size(), 3u);
    auto a = ops[0].as<proto::SemopReq>();
    EXPECT_EQ(a.id, id);
    EXPECT_EQ(a.timeout_ns, -1);
    ASSERT_EQ(a.sops.size(), 3u);
    EXPECT_EQ(a.sops[0].num, 0);
    EXPECT_EQ(a.sops[0].op, -1);
    EXPECT_EQ(a.sops[0].flg, SEM_UNDO);
    EXPECT_EQ(a.sops[1].flg, IPC_NOWAIT);
    EXPECT_EQ(a.sops[2].num, 65535);
    EXPECT_EQ(a.sops[2].op, 3);
    auto b = ops[1].as<proto::SemopReq>();
    EXPECT_EQ(b.sops.size(), 2u);
    EXPECT_EQ(b.timeout_ns, 1000000500);
    EXPECT_EQ(ops[2].as<proto::SemopReq>().timeout_ns, INT64_MAX);  // saturates, as ktime_add_safe
}

TEST_F(ClientWire, SemopChecksInTheKernelsOrderAndSendsNothing) {
    const int id = dipc_id();
    struct sembuf sops[5] = {};
    errno = 0;
    EXPECT_EQ(semop(id, sops, 5), -1);  // above the layer's SEMOPM (4)
    EXPECT_EQ(errno, E2BIG);
    EXPECT_EQ(semop(id, sops, 0), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(semop(id, sops, (size_t(1) << 32) + 5), -1);  // the system call's unsigned int: 5
    EXPECT_EQ(errno, E2BIG);
    struct timespec bad{0, 1000000000};
    EXPECT_EQ(semtimedop(id, sops, 1, &bad), -1);
    EXPECT_EQ(errno, EINVAL);
    struct timespec neg{-1, 0};
    EXPECT_EQ(semtimedop(id, sops, 1, &neg), -1);
    EXPECT_EQ(errno, EINVAL);
    // The timeout is read first, sops before the timeout's validity.
    EXPECT_EQ(semtimedop(id, sops, 9, reinterpret_cast<struct timespec*>(8)), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(semtimedop(id, reinterpret_cast<struct sembuf*>(8), 1, &bad), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(fake->requests().size(), 0u);
}

TEST_F(ClientWire, SemopRepliesBecomeErrnoAndSuccessKeepsErrno) {
    int next_err = EAGAIN;
    fake->on_request([&](const Request&) { return next_err ? err_reply(next_err) : ok_reply(0); });
    struct sembuf op{0, -1, IPC_NOWAIT};
    for (int e : {EAGAIN, EIDRM, EFBIG, ERANGE, EACCES, EINVAL}) {
        next_err = e;
        errno = 0;
        EXPECT_EQ(semop(dipc_id(), &op, 1), -1);
        EXPECT_EQ(errno, e);
    }
    next_err = 0;
    errno = 1234;
    EXPECT_EQ(semop(dipc_id(), &op, 1), 0);
    EXPECT_EQ(errno, 1234);  // untouched on success, as the C library leaves it
}

TEST_F(ClientWire, SemctlPlainCommandsSendCmdAndSemnum) {
    fake->on_request([](const Request& r) { return ok_reply(100 + r.as<proto::SemctlReq>().cmd); });
    const int id = dipc_id(4, 9);
    EXPECT_EQ(semctl(id, 2, GETVAL), 100 + GETVAL);
    EXPECT_EQ(semctl(id, 3, GETPID), 100 + GETPID);
    EXPECT_EQ(semctl(id, 4, GETNCNT), 100 + GETNCNT);
    EXPECT_EQ(semctl(id, 5, GETZCNT), 100 + GETZCNT);
    EXPECT_EQ(semctl(id, 0, IPC_RMID), 100 + IPC_RMID);
    auto ctls = fake->requests(proto::Op::semctl);
    ASSERT_EQ(ctls.size(), 5u);
    for (std::size_t i = 0; i < ctls.size(); ++i) {
        auto c = ctls[i].as<proto::SemctlReq>();
        EXPECT_EQ(c.id, id);
        EXPECT_EQ(c.semnum, i < 4 ? int(i) + 2 : 0);
    }
    errno = 0;
    EXPECT_EQ(semctl(id, 0, 99), -1);  // no such command: the kernel's EINVAL, nothing sent
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(semctl(id, 0, IPC_STAT | 0x100, nullptr), -1);  // IPC_64 is no command on x86_64
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(fake->requests().size(), 5u);
}

TEST_F(ClientWire, SetvalChecksTheRangeFirst) {
    const int id = dipc_id();
    errno = 0;
    EXPECT_EQ(semctl(id, 0, SETVAL, 1001), -1);
    EXPECT_EQ(errno, ERANGE);
    EXPECT_EQ(semctl(id, 0, SETVAL, -1), -1);
    EXPECT_EQ(errno, ERANGE);
    EXPECT_EQ(fake->requests().size(), 0u);
    EXPECT_EQ(semctl(id, 1, SETVAL, 1000), 0);
    auto c = fake->requests(proto::Op::semctl).at(0).as<proto::SemctlReq>();
    EXPECT_EQ(c.cmd, SETVAL);
    EXPECT_EQ(c.semnum, 1);
    EXPECT_EQ(c.val, 1000);
}

TEST_F(ClientWire, StatRecordsFillTheStructures) {
    const int id = dipc_id(6, 2);
    fake->on_request([&](const Request& r) {
        proto::SemDsRec rec;
        rec.perm = perm_rec();
        rec.otime = 1700000000;
        rec.ctime = 1700000100;
        rec.nsems = 5;
        auto c = r.as<proto::SemctlReq>();
        return ok_reply(c.cmd == IPC_STAT ? 0 : id, rec);
    });
    struct semid_ds ds;
    std::memset(&ds, 0xa5, sizeof ds);
    EXPECT_EQ(semctl(id, 0, IPC_STAT, &ds), 0);
    expect_perm(ds.sem_perm);
    EXPECT_EQ(ds.sem_otime, 1700000000);
    EXPECT_EQ(ds.sem_ctime, 1700000100);
    EXPECT_EQ(ds.sem_nsems, 5u);
    EXPECT_EQ(ds.sem_perm.__glibc_reserved1, 0u);  // reserved fields zero, as the kernel leaves them
    EXPECT_EQ(ds.__glibc_reserved3, 0u);
    // *_STAT take an index; the kernel keeps only its index bits.
    EXPECT_EQ(semctl(proto::index_of(id), 0, SEM_STAT, &ds), id);
    EXPECT_EQ(semctl((3 << 15) | proto::index_of(id), 0, SEM_STAT_ANY, &ds), id);
    auto ctls = fake->requests(proto::Op::semctl);
    ASSERT_EQ(ctls.size(), 3u);
    EXPECT_EQ(ctls[0].as<proto::SemctlReq>().id, id);
    EXPECT_EQ(ctls[1].as<proto::SemctlReq>().id, proto::index_of(id));
    EXPECT_EQ(ctls[2].as<proto::SemctlReq>().id, proto::index_of(id));
    EXPECT_EQ(ctls[2].as<proto::SemctlReq>().cmd, SEM_STAT_ANY);
}

TEST_F(ClientWire, MsgStatRecordFillsMsqidDs) {
    const int id = dipc_id(8, 1);
    fake->on_request([&](const Request& r) {
        proto::MsgDsRec rec;
        rec.perm = perm_rec();
        rec.stime = 11;
        rec.rtime = 22;
        rec.ctime = 33;
        rec.cbytes = 444;
        rec.qnum = 5;
        rec.qbytes = 16384;
        rec.lspid = 4242;
        rec.lrpid = 4343;
        return ok_reply(r.as<proto::MsgctlReq>().cmd == IPC_STAT ? 0 : id, rec);
    });
    struct msqid_ds ds;
    std::memset(&ds, 0xa5, sizeof ds);
    EXPECT_EQ(msgctl(id, IPC_STAT, &ds), 0);
    expect_perm(ds.msg_perm);
    EXPECT_EQ(ds.msg_stime, 11);
    EXPECT_EQ(ds.msg_rtime, 22);
    EXPECT_EQ(ds.msg_ctime, 33);
    EXPECT_EQ(ds.msg_cbytes, 444u);
    EXPECT_EQ(ds.msg_qnum, 5u);
    EXPECT_EQ(ds.msg_qbytes, 16384u);
    EXPECT_EQ(ds.msg_lspid, 4242);
    EXPECT_EQ(ds.msg_lrpid, 4343);
    EXPECT_EQ(ds.__glibc_reserved4, 0u);
    EXPECT_EQ(msgctl(proto::index_of(id), MSG_STAT, &ds), id);
    EXPECT_EQ(msgctl(proto::index_of(id), MSG_STAT_ANY, &ds), id);
    auto ctls = fake->requests(proto::Op::msgctl);
    ASSERT_EQ(ctls.size(), 3u);
    EXPECT_EQ(ctls[1].as<proto::MsgctlReq>().id, proto::index_of(id));
    EXPECT_EQ(ctls[2].as<proto::MsgctlReq>().cmd, MSG_STAT_ANY);
}

TEST_F(ClientWire, InfoRecordsFillSeminfoAndMsginfo) {
    fake->on_request([](const Request& r) {
        if (r.op == proto::Op::semctl) {
            proto::SemInfoRec s{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
            return ok_reply(0, s);
        }
        proto::MsgInfoRec m{11, 12, 13, 14, 15, 16, 17, 18};
        return ok_reply(0, m);
    });
    struct seminfo si;
    ASSERT_GE(semctl(0, 0, IPC_INFO, &si), 0);
    EXPECT_EQ(si.semmap, 1);
    EXPECT_EQ(si.semmni, 2);
    EXPECT_EQ(si.semmns, 3);
    EXPECT_EQ(si.semmnu, 4);
    EXPECT_EQ(si.semmsl, 5);
    EXPECT_EQ(si.semopm, 6);
    EXPECT_EQ(si.semume, 7);
    EXPECT_EQ(si.semusz, 8);
    EXPECT_EQ(si.semvmx, 9);
    EXPECT_EQ(si.semaem, 10);
    struct msginfo mi;
    ASSERT_GE(msgctl(0, MSG_INFO, reinterpret_cast<struct msqid_ds*>(&mi)), 0);
    EXPECT_EQ(mi.msgpool, 11);
    EXPECT_EQ(mi.msgmap, 12);
    EXPECT_EQ(mi.msgmax, 13);
    EXPECT_EQ(mi.msgmnb, 14);
    EXPECT_EQ(mi.msgmni, 15);
    EXPECT_EQ(mi.msgssz, 16);
    EXPECT_EQ(mi.msgtql, 17);
    EXPECT_EQ(mi.msgseg, 18);
    auto m = fake->requests(proto::Op::msgctl).at(0).as<proto::MsgctlReq>();
    EXPECT_EQ(m.cmd, MSG_INFO);
}

TEST_F(ClientWire, IpcSetSendsOwnerGroupModeAndQbytes) {
    struct semid_ds sds{};
    sds.sem_perm.uid = 501;
    sds.sem_perm.gid = 502;
    sds.sem_perm.mode = 0604;
    EXPECT_EQ(semctl(dipc_id(), 0, IPC_SET, &sds), 0);
    struct msqid_ds mds{};
    mds.msg_perm.uid = 601;
    mds.msg_perm.gid = 602;
    mds.msg_perm.mode = 0660;
    mds.msg_qbytes = 99999;
    EXPECT_EQ(msgctl(dipc_id(), IPC_SET, &mds), 0);
    auto s = fake->requests(proto::Op::semctl).at(0).as<proto::SemctlReq>();
    EXPECT_EQ(s.cmd, IPC_SET);
    EXPECT_EQ(s.set.uid, 501u);
    EXPECT_EQ(s.set.gid, 502u);
    EXPECT_EQ(s.set.mode, 0604u);
    auto m = fake->requests(proto::Op::msgctl).at(0).as<proto::MsgctlReq>();
    EXPECT_EQ(m.cmd, IPC_SET);
    EXPECT_EQ(m.set.uid, 601u);
    EXPECT_EQ(m.set.mode, 0660u);
    EXPECT_EQ(m.set.qbytes, 99999u);
}

TEST_F(ClientWire, GetallCopiesTheValuesOut) {
    fake->on_request([](const Request&) {
        proto::SemValues v;
        v.values = {7, 0, 32767};
        return ok_reply(0, v);
    });
    unsigned short vals[4] = {1, 1, 1, 1};
    EXPECT_EQ(semctl(dipc_id(), 0, GETALL, vals), 0);
    EXPECT_EQ(vals[0], 7);
    EXPECT_EQ(vals[1], 0);
    EXPECT_EQ(vals[2], 32767);
    EXPECT_EQ(vals[3], 1);  // only nsems values are written
}

TEST_F(ClientWire, SetallLearnsNsemsWithSemStatAnyThenSendsExactlyThatMany) {
    const int id = dipc_id(5, 3);
    fake->on_request([&](const Request& r) {
        auto c = r.as<proto::SemctlReq>();
        if (c.cmd == SEM_STAT_ANY) {
            proto::SemDsRec rec;
            rec.nsems = 3;
            return ok_reply(id, rec);
        }
        return ok_reply(0);
    });
    unsigned short vals[5] = {4, 5, 6, 7, 8};
    EXPECT_EQ(semctl(id, 0, SETALL, vals), 0);
    auto ctls = fake->requests(proto::Op::semctl);
    ASSERT_EQ(ctls.size(), 2u);
    auto stat = ctls[0].as<proto::SemctlReq>();
    EXPECT_EQ(stat.cmd, SEM_STAT_ANY);
    EXPECT_EQ(stat.id, proto::index_of(id));
    auto set = ctls[1].as<proto::SemctlReq>();
    EXPECT_EQ(set.cmd, SETALL);
    EXPECT_EQ(set.id, id);
    EXPECT_EQ(set.values, (std::vector<std::uint16_t>{4, 5, 6}));
}

TEST_F(ClientWire, SetallOnAStaleIdIsEinvalAndSendsNoSetall) {
    const int id = dipc_id(5, 3);
    fake->on_request([&](const Request&) {
        proto::SemDsRec rec;
        rec.nsems = 3;
        return ok_reply(dipc_id(5, 4), rec);  // the slot holds a newer set
    });
    unsigned short vals[3] = {};
    errno = 0;
    EXPECT_EQ(semctl(id, 0, SETALL, vals), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(fake->requests().size(), 1u);
}

TEST_F(ClientWire, MsgsndSendsTypeTextAndFlags) {
    struct {
        long mtype;
        char text[8];
    } m{42, {'h', 'e', 'l', 'l', 'o', 0, 1, 2}};
    EXPECT_EQ(msgsnd(dipc_id(), &m, 8, IPC_NOWAIT), 0);
    EXPECT_EQ(msgsnd(dipc_id(), &m, 0, 0), 0);
    auto snds = fake->requests(proto::Op::msgsnd);
    ASSERT_EQ(snds.size(), 2u);
    auto a = snds[0].as<proto::MsgsndReq>();
    EXPECT_EQ(a.id, dipc_id());
    EXPECT_EQ(a.mtype, 42);
    EXPECT_EQ(a.flags, IPC_NOWAIT);
    EXPECT_EQ(a.text, (std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o', 0, 1, 2}));
    EXPECT_TRUE(snds[1].as<proto::MsgsndReq>().text.empty());
}

TEST_F(ClientWire, MsgsndChecksSizeAndTypeAndSendsNothing) {
    std::vector<char> big(sizeof(long) + 65, 0);
    long one = 1;
    std::memcpy(big.data(), &one, sizeof one);
    errno = 0;
    EXPECT_EQ(msgsnd(dipc_id(), big.data(), 65, 0), -1);  // above the layer's MSGMAX (64)
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(msgsnd(dipc_id(), big.data(), size_t(-1), 0), -1);
    EXPECT_EQ(errno, EINVAL);
    long zero = 0;
    std::memcpy(big.data(), &zero, sizeof zero);
    EXPECT_EQ(msgsnd(dipc_id(), big.data(), 4, 0), -1);  // mtype < 1
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(fake->requests().size(), 0u);
    std::memcpy(big.data(), &one, sizeof one);
    EXPECT_EQ(msgsnd(dipc_id(), big.data(), 64, 0), 0);
}

TEST_F(ClientWire, MsgrcvSendsTheSelectionAndCopiesTheMessageOut) {
    fake->on_request([](const Request& r) {
        auto q = r.as<proto::MsgrcvReq>();
        proto::MsgText t;
        t.mtype = 9;
        t.text = {'a', 'b', 'c', 'd', 'e', 'f'};
        if (q.maxsize < t.text.size()) t.text.resize(q.maxsize);  // the owner truncates (MSG_NOERROR)
        return ok_reply(static_cast<std::int64_t>(t.text.size()), t);
    });
    struct {
        long mtype;
        char text[16];
    } m{};
    EXPECT_EQ(msgrcv(dipc_id(), &m, 16, -9, MSG_EXCEPT | IPC_NOWAIT), 6);
    EXPECT_EQ(m.mtype, 9);
    EXPECT_EQ(std::memcmp(m.text, "abcdef", 6), 0);
    EXPECT_EQ(msgrcv(dipc_id(), &m, 2, 0, MSG_NOERROR), 2);
    auto q = fake->requests(proto::Op::msgrcv);
    ASSERT_EQ(q.size(), 2u);
    auto a = q[0].as<proto::MsgrcvReq>();
    EXPECT_EQ(a.maxsize, 16u);
    EXPECT_EQ(a.msgtyp, -9);
    EXPECT_EQ(a.flags, MSG_EXCEPT | IPC_NOWAIT);
    EXPECT_EQ(q[1].as<proto::MsgrcvReq>().maxsize, 2u);
}

TEST_F(ClientWire, MsgrcvNeverWritesPastTheCallersSize) {
    fake->on_request([](const Request&) {
        proto::MsgText t;
        t.mtype = 1;
        t.text.assign(100, 'x');  // a daemon that ignored maxsize
        return ok_reply(100, t);
    });
    GuardedBuffer buf(sizeof(long) + 4);
    EXPECT_EQ(msgrcv(dipc_id(), buf.data(), 4, 0, 0), 4);
}

TEST_F(ClientWire, MsgrcvChecksBeforeSending) {
    char buf[64];
    errno = 0;
    EXPECT_EQ(msgrcv(dipc_id(), buf, size_t(-1), 0, 0), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(msgrcv(dipc_id(), buf, 8, 0, MSG_COPY), -1);  // MSG_COPY needs IPC_NOWAIT
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(msgrcv(dipc_id(), buf, 8, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(fake->requests().size(), 0u);
}

TEST_F(ClientWire, DaemonEnolinkIsReportedOnce) {
    fake->on_request([](const Request&) { return err_reply(ENOLINK); });
    StderrCapture err;
    errno = 0;
    EXPECT_EQ(semget(1, 1, IPC_CREAT | proto::kIpcDipc), -1);
    EXPECT_EQ(errno, ENOLINK);
    EXPECT_EQ(msgget(1, IPC_CREAT | proto::kIpcDipc), -1);
    EXPECT_EQ(errno, ENOLINK);
    std::string text = err.text();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    EXPECT_NE(text.find("referee"), std::string::npos) << text;
    EXPECT_NE(text.find(fake->path()), std::string::npos) << text;
}

TEST_F(ClientWire, RequestIdsIncreaseOnOneConnectionPerThread) {
    for (int i = 0; i < 5; ++i) semctl(dipc_id(), 0, GETVAL);
    auto rs = fake->requests();
    ASSERT_EQ(rs.size(), 5u);
    for (std::size_t i = 0; i < rs.size(); ++i) {
        EXPECT_EQ(rs[i].conn, rs[0].conn);
        if (i) {
            EXPECT_GT(rs[i].id, rs[i - 1].id);
        }
    }
    EXPECT_EQ(fake->connections().size(), 1u);
    EXPECT_EQ(fake->connections()[0].pid, getpid());
}

TEST_F(ClientWire, MalformedReplyPayloadIsAProtocolError) {
    fake->on_request([](const Request&) { return ok_reply(0); });  // IPC_STAT without its record
    StderrCapture err;
    struct semid_ds ds;
    errno = 0;
    EXPECT_EQ(semctl(dipc_id(), 0, IPC_STAT, &ds), -1);
    EXPECT_EQ(errno, ENOLINK);
    EXPECT_NE(err.text().find("protocol error"), std::string::npos);
}
