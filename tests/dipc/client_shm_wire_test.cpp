// shmget and shmctl on the wire (against the fake daemon, in the test
// process: neither attaches anything): what each sends, how replies become
// return values, errno and the C library's structures, the checks made
// before asking (and EFAULT), and the IPC_DIPC / SHM_NORESERVE bit.
#include <signal.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "client_dsm_fake_daemon.hpp"
#include "client_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

class ClientShmWire : public ::testing::Test {
protected:
    void SetUp() override {
        fake = std::make_unique<FakeShmDaemon>();
        setenv("PAPERS_DIPC_SOCKET", fake->path().c_str(), 1);
        unsetenv("PAPERS_DIPC_KEYS");
        reset_client();
    }
    void TearDown() override {
        reset_client();
        fake.reset();
        unsetenv("PAPERS_DIPC_SOCKET");
        reset_client();
    }
    void answer(proto::Reply r) {
        fake->on_request([r](const Request&) { return Action::answer(r); });
    }
    std::unique_ptr<FakeShmDaemon> fake;
    const int id = proto::make_id(4, 9);
};

proto::ShmDsRec ds_rec() {
    proto::ShmDsRec d;
    d.perm = {0x4321, 1001, 1002, 1003, 1004, 01640, 9};
    d.segsz = 123456;
    d.atime = 1700000001;
    d.dtime = 1700000002;
    d.ctime = 1700000003;
    d.cpid = 4242;
    d.lpid = 4343;
    d.nattch = 5;
    return d;
}

void* const kBad = reinterpret_cast<void*>(8);

}  // namespace

TEST_F(ClientShmWire, ShmgetSendsKeySizeAndFlagsWithoutIpcDipc) {
    answer(ok_reply(id));
    EXPECT_EQ(shmget(0x1234, 10000, IPC_CREAT | IPC_EXCL | proto::kIpcDipc | 0640), id);
    auto g = fake->requests(proto::Op::get).at(0).as<proto::GetReq>();
    EXPECT_EQ(g.kind, proto::Kind::shm);
    EXPECT_EQ(g.key, 0x1234);
    EXPECT_EQ(g.size, 10000u);
    EXPECT_EQ(g.flags, IPC_CREAT | IPC_EXCL | 0640);
    // The size travels whole: the engine, not the client, checks it.
    EXPECT_EQ(shmget(IPC_PRIVATE, size_t(1) << 40, IPC_CREAT | proto::kIpcDipc), id);
    EXPECT_EQ(fake->requests(proto::Op::get).at(1).as<proto::GetReq>().size, std::uint64_t(1) << 40);
    answer(err_reply(EINVAL));
    errno = 0;
    EXPECT_EQ(shmget(0x1234, 1 << 20, proto::kIpcDipc), -1);
    EXPECT_EQ(errno, EINVAL);
}

TEST_F(ClientShmWire, LocalShmgetIsTheKernelsWithTheBitStripped) {
    if (!private_namespaces()) GTEST_SKIP() << "needs root (IPC namespaces)";
    // PAPERS_DIPC_KEYS lists other keys: this one is local, and octal 010000
    // (IPC_DIPC, the kernel's SHM_NORESERVE) never reaches the kernel.
    setenv("PAPERS_DIPC_KEYS", "0x5000", 1);
    reset_client();
    int k = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    ASSERT_GE(k, 0);
    EXPECT_LT(k & 0x7fff, 32000);
    struct shmid_ds ds;
    EXPECT_EQ(shmctl(k, IPC_STAT, &ds), 0);  // the kernel's own answer
    EXPECT_EQ(ds.shm_segsz, 4096u);
    EXPECT_EQ(shmctl(k, IPC_RMID, nullptr), 0);
    EXPECT_TRUE(fake->requests().empty());
    answer(ok_reply(id));
    EXPECT_EQ(shmget(0x5000, 4096, IPC_CREAT | 0600), id);  // listed: the daemon's
}

TEST_F(ClientShmWire, IpcStatAndShmStatFillShmidDs) {
    answer(ok_reply(0, ds_rec()));
    struct shmid_ds ds;
    std::memset(&ds, 0xff, sizeof ds);
    EXPECT_EQ(shmctl(id, IPC_STAT, &ds), 0);
    EXPECT_EQ(ds.shm_perm.__key, 0x4321);
    EXPECT_EQ(ds.shm_perm.uid, 1001u);
    EXPECT_EQ(ds.shm_perm.gid, 1002u);
    EXPECT_EQ(ds.shm_perm.cuid, 1003u);
    EXPECT_EQ(ds.shm_perm.cgid, 1004u);
    EXPECT_EQ(ds.shm_perm.mode, 01640u);
    EXPECT_EQ(ds.shm_perm.__seq, 9);
    EXPECT_EQ(ds.shm_segsz, 123456u);
    EXPECT_EQ(ds.shm_atime, 1700000001);
    EXPECT_EQ(ds.shm_dtime, 1700000002);
    EXPECT_EQ(ds.shm_ctime, 1700000003);
    EXPECT_EQ(ds.shm_cpid, 4242);
    EXPECT_EQ(ds.shm_lpid, 4343);
    EXPECT_EQ(ds.shm_nattch, 5u);
    EXPECT_EQ(ds.__glibc_reserved5, 0u);
    auto req = fake->requests(proto::Op::shmctl).at(0).as<proto::ShmctlReq>();
    EXPECT_EQ(req.id, id);
    EXPECT_EQ(req.cmd, IPC_STAT);
    // SHM_STAT / SHM_STAT_ANY name an index and return the id.
    answer(ok_reply(id, ds_rec()));
    EXPECT_EQ(shmctl(id, SHM_STAT, &ds), id);
    EXPECT_EQ(shmctl(id, SHM_STAT_ANY, &ds), id);
    EXPECT_EQ(fake->requests(proto::Op::shmctl).at(1).as<proto::ShmctlReq>().id, proto::index_of(id));
    EXPECT_EQ(fake->requests(proto::Op::shmctl).at(2).as<proto::ShmctlReq>().cmd, SHM_STAT_ANY);
    // The answer comes before the copy-out, as in the kernel.
    errno = 0;
    EXPECT_EQ(shmctl(id, IPC_STAT, static_cast<struct shmid_ds*>(kBad)), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(fake->requests(proto::Op::shmctl).size(), 4u);
}

TEST_F(ClientShmWire, IpcSetSendsUidGidModeAndCopiesInFirst) {
    struct shmid_ds ds {};
    ds.shm_perm.uid = 77;
    ds.shm_perm.gid = 78;
    ds.shm_perm.mode = 0604;
    ds.shm_segsz = 999;  // not the caller's to set
    EXPECT_EQ(shmctl(id, IPC_SET, &ds), 0);
    auto req = fake->requests(proto::Op::shmctl).at(0).as<proto::ShmctlReq>();
    EXPECT_EQ(req.cmd, IPC_SET);
    EXPECT_EQ(req.set.uid, 77u);
    EXPECT_EQ(req.set.gid, 78u);
    EXPECT_EQ(req.set.mode, 0604u);
    errno = 0;
    EXPECT_EQ(shmctl(id, IPC_SET, static_cast<struct shmid_ds*>(kBad)), -1);
    EXPECT_EQ(errno, EFAULT);
    EXPECT_EQ(fake->requests().size(), 1u);  // nothing sent for the bad buffer
}

TEST_F(ClientShmWire, InfoCommandsReportTheLayersRecords) {
    proto::ShmInfoRec info{1ull << 40, 1, 768, 768, 1ull << 30};
    answer(ok_reply(32007, info));
    struct shminfo si;
    EXPECT_EQ(shmctl(0, IPC_INFO, reinterpret_cast<struct shmid_ds*>(&si)), 32007);
    EXPECT_EQ(si.shmmax, 1ull << 40);
    EXPECT_EQ(si.shmmin, 1u);
    EXPECT_EQ(si.shmmni, 768u);
    EXPECT_EQ(si.shmseg, 768u);
    EXPECT_EQ(si.shmall, 1ull << 30);
    proto::ShmUsageRec usage{3, 300, 200, 0, 0, 0};
    answer(ok_reply(32002, usage));
    struct shm_info su;
    EXPECT_EQ(shmctl(0, SHM_INFO, reinterpret_cast<struct shmid_ds*>(&su)), 32002);
    EXPECT_EQ(su.used_ids, 3);
    EXPECT_EQ(su.shm_tot, 300u);
    EXPECT_EQ(su.shm_rss, 200u);
    answer(ok_reply(32007, info));
    errno = 0;
    EXPECT_EQ(shmctl(0, IPC_INFO, static_cast<struct shmid_ds*>(kBad)), -1);
    EXPECT_EQ(errno, EFAULT);
    // A negative id is the kernel's EINVAL before anything.
    std::size_t sent = fake->requests().size();
    EXPECT_EQ(shmctl(-1, IPC_INFO, reinterpret_cast<struct shmid_ds*>(&si)), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(fake->requests().size(), sent);
}

TEST_F(ClientShmWire, PlainCommandsAreSentAndUnknownOnesRefused) {
    for (int cmd : {IPC_RMID, SHM_LOCK, SHM_UNLOCK}) EXPECT_EQ(shmctl(id, cmd, nullptr), 0) << cmd;
    auto reqs = fake->requests(proto::Op::shmctl);
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].as<proto::ShmctlReq>().cmd, IPC_RMID);
    EXPECT_EQ(reqs[1].as<proto::ShmctlReq>().cmd, SHM_LOCK);
    EXPECT_EQ(reqs[2].as<proto::ShmctlReq>().cmd, SHM_UNLOCK);
    answer(err_reply(EPERM));
    errno = 0;
    EXPECT_EQ(shmctl(id, SHM_LOCK, nullptr), -1);
    EXPECT_EQ(errno, EPERM);
    EXPECT_EQ(shmctl(id, 77, nullptr), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(shmctl(id, -3, nullptr), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(fake->requests().size(), 4u);
}

TEST_F(ClientShmWire, ShmatChecksBeforeAskingStartNothing) {
    errno = 0;
    EXPECT_EQ(shmat(id, reinterpret_cast<void*>(0x10000123), 0), reinterpret_cast<void*>(-1));
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(shmat(id, nullptr, SHM_REMAP), reinterpret_cast<void*>(-1));
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(shmat(id, reinterpret_cast<void*>(0x123), SHM_RND | SHM_REMAP), reinterpret_cast<void*>(-1));
    EXPECT_EQ(errno, EINVAL);
    EXPECT_TRUE(fake->requests().empty());
    EXPECT_TRUE(fake->connections().empty());  // not even the service connection
}

TEST_F(ClientShmWire, WithoutAnAttachmentTheProcessPaysNothing) {
    answer(ok_reply(id));
    EXPECT_EQ(shmget(0x99, 4096, IPC_CREAT | proto::kIpcDipc), id);
    answer(ok_reply(0, ds_rec()));
    struct shmid_ds ds;
    EXPECT_EQ(shmctl(id, IPC_STAT, &ds), 0);
    // No SIGSEGV handler of the layer's, no service connection.
    struct sigaction now;
    syscall(SYS_rt_sigaction, SIGSEGV, nullptr, &now, _NSIG / 8);
    EXPECT_EQ(now.sa_handler, SIG_DFL);
    for (auto& c : fake->connections()) EXPECT_EQ(c.role, 0);
}
