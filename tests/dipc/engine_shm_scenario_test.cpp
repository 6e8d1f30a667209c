// Named scenarios of the owner engine's shared memory metadata, each run on
// the kernel (actors that really attach, fork and exit) and on the engine,
// compared call by call and after every step (engine_twin.hpp). Each also
// asserts what the scenario is about on the engine's record, which the twin
// has just found equal to the kernel's, so that it cannot pass vacuously.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>

#include "engine_kernel_ns.hpp"
#include "engine_requests.hpp"
#include "engine_twin.hpp"
#include "owner/sysv.hpp"

using namespace papers::dipc;
using namespace papers::dipc::enginetest;
using proto::Kind;

namespace {

class EngineShmScenario : public ::testing::Test {
protected:
    void SetUp() override {
        t_ = std::make_unique<Twin>(test_limits());
        if (!t_->unavailable().empty()) GTEST_SKIP() << t_->unavailable();
        t_->add_party({0, 0, {}}, 1);            // P0: root, the controller
        t_->add_party({1000, 1000, {}}, 1);      // P1
        t_->add_party({1001, 1001, {}}, 1);      // P2
        t_->add_party({1002, 1002, {100}}, 1);   // P3
        t_->add_party({1000, 1000, {}}, 2);      // P4: host 2
        t_->add_party({1003, 1003, {}}, 2);      // P5: host 2
    }
    void TearDown() override {
        if (t_ && t_->unavailable().empty()) {
            if (t_->ok()) t_->remove_everything();
            EXPECT_TRUE(t_->ok()) << t_->report();
        }
    }

    int segment(int p, unsigned long size, int mode, int key = IPC_PRIVATE) {
        int h = t_->shmget(p, key, size, mode | IPC_CREAT);
        EXPECT_GE(h, 0) << t_->report();
        return h;
    }
    void run(int p, int h, const KRequest& q) { t_->call(p, t_->target(h), q); }
    void attach(int p, int h, int flags = 0) { t_->shmat(p, t_->target(h), flags); }
    void detach_all(int p) {
        while (t_->ok() && !t_->attachments(p).empty()) t_->shmdt(p, 0);
    }
    // The engine's record, after the twin compared the kernel's with it.
    proto::ShmDsRec ds(int h) {
        t_->check_handle(h);
        proto::Caller root;
        root.host = 1;
        proto::ShmctlReq r;
        r.id = t_->handles()[h].eid;
        r.cmd = IPC_STAT;
        proto::ShmDsRec d;
        proto::Reply rep = t_->engine().shmctl(root, r);
        EXPECT_EQ(rep.err, 0);
        proto::decode_payload(rep.payload, d);
        return d;
    }
    int seen(const std::string& outcome) const {
        auto it = t_->outcomes().find(outcome);
        return it == t_->outcomes().end() ? 0 : it->second;
    }

    std::unique_ptr<Twin> t_;
};

TEST_F(EngineShmScenario, RemovedWhileAttachedGoesAtTheLastDetachAnywhere) {
    int h = segment(1, 10000, 0666, 0x70);
    attach(1, h);
    attach(4, h, SHM_RDONLY);  // host 2
    run(1, h, shmctl_req(IPC_RMID));
    proto::ShmDsRec d = ds(h);
    EXPECT_EQ(d.nattch, 2u);
    EXPECT_EQ(d.perm.key, IPC_PRIVATE);
    EXPECT_EQ(d.perm.mode, 0666u | owner::kShmDest);
    EXPECT_EQ(t_->shmget(2, 0x70, 0, 0666), -1);  // the key names nothing now
    EXPECT_EQ(seen("shmget ENOENT"), 1);
    int again = t_->shmget(2, 0x70, 4096, 0666 | IPC_CREAT);
    EXPECT_GE(again, 0);
    EXPECT_NE(again, h);
    t_->shmdt(1, 0);
    EXPECT_TRUE(t_->handles()[h].live);
    EXPECT_EQ(ds(h).nattch, 1u);
    t_->shmdt(4, 0);
    EXPECT_FALSE(t_->handles()[h].live);
    EXPECT_EQ(seen("segment destroyed at its last detach"), 1);
    EXPECT_EQ(seen("shmctl cmd 2 EINVAL"), 1);  // the twin's check: gone on both sides
}

TEST_F(EngineShmScenario, MarkedSegmentCanStillBeAttachedByIdAsThePermissionsAllow) {
    int h = segment(0, 5000, 0606);
    attach(1, h);
    run(0, h, shmctl_req(IPC_RMID));
    attach(2, h);                      // others may read and write: Linux allows it
    attach(3, h, SHM_EXEC);            // no x for others: EACCES
    run(0, h, ipc_set_req(KCall::shmctl, 0, 0, 0600));
    attach(2, h, SHM_RDONLY);          // EACCES now
    EXPECT_EQ(seen("shmat 0"), 2);
    EXPECT_EQ(seen("shmat flags 0100000 EACCES"), 1);
    EXPECT_EQ(seen("shmat flags 010000 EACCES"), 1);
    proto::ShmDsRec d = ds(h);
    EXPECT_EQ(d.nattch, 2u);
    EXPECT_EQ(d.perm.mode, 0600u | owner::kShmDest);
    detach_all(1);
    detach_all(2);
    EXPECT_FALSE(t_->handles()[h].live);
}

TEST_F(EngineShmScenario, ForkCopiesAttachmentsAndTheChildsExitEndsThem) {
    int a = segment(1, 8192, 0600);
    int b = segment(1, 100, 0600);
    attach(1, a);
    attach(1, a, SHM_RDONLY);
    attach(1, b);
    t_->fork_party(1);
    ASSERT_TRUE(t_->has_child(1));
    pid_t child = t_->child_of(1);
    proto::ShmDsRec d = ds(a);
    EXPECT_EQ(d.nattch, 4u);
    EXPECT_EQ(d.lpid, t_->pid_of(1));  // shm_open runs in the forking parent
    EXPECT_EQ(ds(b).nattch, 2u);
    detach_all(1);
    run(1, a, shmctl_req(IPC_RMID));   // the child's copies keep it
    EXPECT_EQ(ds(a).nattch, 2u);
    t_->end_child(1);
    EXPECT_FALSE(t_->handles()[a].live);
    d = ds(b);
    EXPECT_EQ(d.nattch, 0u);
    EXPECT_EQ(d.lpid, child);
}

TEST_F(EngineShmScenario, ExitDetachesEveryAttachment) {
    int a = segment(0, 3000, 0666);
    int b = segment(0, 3000, 0666);
    attach(2, a);
    attach(2, a);
    attach(2, b);
    attach(3, b);
    run(0, a, shmctl_req(IPC_RMID));
    pid_t dying = t_->pid_of(2);
    t_->kill_party(2);
    EXPECT_FALSE(t_->handles()[a].live);
    proto::ShmDsRec d = ds(b);
    EXPECT_EQ(d.nattch, 1u);
    EXPECT_EQ(d.lpid, dying);
    EXPECT_EQ(seen("exit with attachments"), 1);
}

TEST_F(EngineShmScenario, ShmgetChecksSizeFlagsAndPermissions) {
    const unsigned long max = test_limits().shmmax;
    EXPECT_EQ(t_->shmget(1, 0x71, 0, 0600 | IPC_CREAT), -1);          // EINVAL: below SHMMIN
    EXPECT_EQ(t_->shmget(1, 0x71, max + 1, 0600 | IPC_CREAT), -1);    // EINVAL: above SHMMAX
    EXPECT_EQ(t_->shmget(1, 0x71, static_cast<unsigned long>(-1), 0600 | IPC_CREAT), -1);
    int h = segment(1, max, 0640, 0x71);                              // 64 pages of SHMALL's 100
    EXPECT_EQ(t_->shmget(2, 0x72, max, 0600 | IPC_CREAT), -1);        // ENOSPC: SHMALL
    EXPECT_EQ(t_->shmget(2, 0x72, 36 * 4096 + 1, 0600 | IPC_CREAT), -1);  // ENOSPC: one page too many
    int fits = segment(2, 36 * 4096, 0600, 0x72);                           // exactly SHMALL
    EXPECT_EQ(t_->shmget(1, 0x71, max + 1, 0), -1);                   // EINVAL: larger than the segment
    EXPECT_EQ(t_->shmget(1, 0x71, max, 0), h);                        // as large: fine
    EXPECT_EQ(t_->shmget(1, 0x71, 10, 0), h);                         // smaller: fine
    EXPECT_EQ(t_->shmget(1, 0x71, 10, 0600 | IPC_CREAT | IPC_EXCL), -1);  // EEXIST
    EXPECT_EQ(t_->shmget(1, 0x73, 10, 0600), -1);                     // ENOENT
    EXPECT_EQ(t_->shmget(2, 0x71, 10, 0400), -1);                     // EACCES: others have nothing
    EXPECT_EQ(t_->shmget(2, 0x71, 10, 0), h);                         // asks for nothing
    EXPECT_EQ(t_->shmget(3, 0x71, 10, 0040), -1);                     // EACCES: not in group 1000
    t_->call(0, t_->target(h), ipc_set_req(KCall::shmctl, 1000, 100, 0640));
    EXPECT_EQ(t_->shmget(3, 0x71, 10, 0040), h);                      // now it is (supplementary 100)
    EXPECT_EQ(seen("shmget EINVAL"), 4);
    EXPECT_EQ(seen("shmget ENOSPC"), 2);
    EXPECT_EQ(seen("shmget EEXIST"), 1);
    EXPECT_EQ(seen("shmget ENOENT"), 1);
    EXPECT_EQ(seen("shmget EACCES"), 2);
    (void)fits;
}

TEST_F(EngineShmScenario, ShmatPermissionsForEveryModeAndCredential) {
    const unsigned modes[] = {0600, 0640, 0604, 0444, 0222, 0700, 0500, 0111, 0070, 0007, 0};
    const int flags[] = {0, SHM_RDONLY, SHM_EXEC, SHM_RDONLY | SHM_EXEC};
    int h = segment(1, 4096, 0600);
    t_->call(0, t_->target(h), ipc_set_req(KCall::shmctl, 1000, 100, 0600));  // group 100: P3
    for (unsigned mode : modes) {
        t_->call(1, t_->target(h), ipc_set_req(KCall::shmctl, 1000, 100, mode));
        for (int p = 0; p < t_->parties(); ++p)
            for (int f : flags) attach(p, h, f);
        for (int p = 0; p < t_->parties(); ++p) detach_all(p);
    }
    EXPECT_GT(seen("shmat EACCES"), 10);
    EXPECT_GT(seen("shmat 0"), 10);
    EXPECT_EQ(ds(h).nattch, 0u);
}

TEST_F(EngineShmScenario, LockAndUnlockNeedOwnerCreatorOrPrivilege) {
    int h = segment(1, 20000, 0666);
    run(2, h, shmctl_req(SHM_LOCK));    // EPERM: neither owner nor creator
    run(1, h, shmctl_req(SHM_LOCK));
    run(1, h, shmctl_req(SHM_LOCK));    // twice: no error
    EXPECT_EQ(ds(h).perm.mode, 0666u | owner::kShmLocked);
    run(0, h, ipc_set_req(KCall::shmctl, 1002, 1002, 0640));  // the bit survives IPC_SET
    run(3, h, shmctl_req(SHM_UNLOCK));  // the new owner may
    run(1, h, shmctl_req(SHM_LOCK));    // and so may the creator
    attach(4, h);
    run(1, h, shmctl_req(IPC_RMID));
    EXPECT_EQ(ds(h).perm.mode, 0640u | owner::kShmLocked | owner::kShmDest);
    run(0, h, shmctl_req(SHM_UNLOCK));  // root
    EXPECT_EQ(ds(h).perm.mode, 0640u | owner::kShmDest);
    EXPECT_EQ(seen("shmctl cmd 11 EPERM"), 1);
    EXPECT_EQ(seen("shmctl cmd 11 0"), 3);
    EXPECT_EQ(seen("shmctl cmd 12 0"), 2);
}

TEST_F(EngineShmScenario, ControlCommandsCheckIdsAndRights) {
    int h = segment(1, 4096, 0600);
    run(2, h, shmctl_req(IPC_STAT));      // EACCES
    run(2, h, shmctl_req(IPC_RMID));      // EPERM
    run(2, h, ipc_set_req(KCall::shmctl, 1001, 1001, 0666));  // EPERM
    t_->call(2, t_->target(h, true), shmctl_req(SHM_STAT));      // EACCES
    t_->call(2, t_->target(h, true), shmctl_req(SHM_STAT_ANY));  // the id
    run(1, h, ipc_set_req(KCall::shmctl, 1001, 1001, 0644));    // hands it to P2
    run(1, h, ipc_set_req(KCall::shmctl, 0xffffffffu, 1001, 0644));  // EINVAL: still the creator's to try
    run(2, h, ipc_set_req(KCall::shmctl, 1001, 1001, 07777));   // only 0777 is kept
    run(1, h, shmctl_req(99));            // EINVAL
    run(1, h, shmctl_req(-1));            // EINVAL
    Target stale;
    stale.kid = t_->handles()[h].kid + (1 << 15);  // the same index, another sequence
    stale.eid = t_->handles()[h].eid + (1 << 15);
    t_->call(0, stale, shmctl_req(IPC_STAT));     // EINVAL
    t_->shmat(0, stale, 0);                       // EINVAL
    EXPECT_EQ(ds(h).perm.mode, 0777u);
    EXPECT_EQ(seen("shmctl cmd 2 EACCES"), 1);
    EXPECT_EQ(seen("shmctl cmd 0 EPERM"), 1);
    EXPECT_EQ(seen("shmctl cmd 1 EPERM"), 1);
    EXPECT_EQ(seen("shmctl cmd 13 EACCES"), 1);
    EXPECT_EQ(seen("shmctl cmd 15 0"), 1);
    EXPECT_EQ(seen("shmctl cmd 1 EINVAL"), 1);
}

TEST_F(EngineShmScenario, LostHostTakesItsAttachmentsWithIt) {
    int a = segment(0, 4096, 0666);
    int b = segment(0, 4096, 0666);
    attach(1, a);
    attach(4, a);
    attach(5, a);
    attach(4, b);
    t_->fork_party(5);  // its child holds a copy too
    run(0, a, shmctl_req(IPC_RMID));
    run(0, b, shmctl_req(IPC_RMID));
    EXPECT_EQ(ds(a).nattch, 4u);
    t_->lose_host(2);
    EXPECT_FALSE(t_->handles()[b].live);  // only host 2 had it
    ASSERT_TRUE(t_->handles()[a].live);
    EXPECT_EQ(ds(a).nattch, 1u);
    t_->shmdt(1, 0);
    EXPECT_FALSE(t_->handles()[a].live);
    EXPECT_EQ(seen("host lost with attachments"), 2);
}

TEST_F(EngineShmScenario, TimesAreSetByTheCallsThatSetThem) {
    int a = segment(1, 4096, 0644);
    int b = segment(1, 4096, 0600);
    int c = segment(1, 4096, 0600);
    attach(1, b);
    attach(1, c);
    std::int64_t t0 = t_->clock().realtime_s();
    while (t_->clock().realtime_s() < t0 + 2) usleep(50000);
    attach(2, a, SHM_RDONLY);                 // atime, lpid
    attach(2, b);                             // EACCES: nothing changes
    t_->shmdt(1, 0);                          // b: dtime, lpid
    run(1, c, ipc_set_req(KCall::shmctl, 1000, 1000, 0660));  // ctime
    run(1, a, shmctl_req(SHM_LOCK));          // no time
    t_->fork_party(1);                        // c: atime
    t_->check_all();
    EXPECT_GT(ds(a).atime, ds(a).ctime);
    EXPECT_GT(ds(b).dtime, ds(b).atime);
    EXPECT_GT(ds(c).ctime, ds(b).ctime);
    EXPECT_GT(ds(c).atime, ds(b).atime);
}

TEST_F(EngineShmScenario, InfoRecordsMatchTheKernel) {
    int a = segment(0, 1, 0600);
    int b = segment(1, 4097, 0600, 0x74);
    segment(2, 65536, 0600);
    attach(1, b);
    run(1, b, shmctl_req(IPC_RMID));  // still counted
    t_->check_all();  // IPC_INFO, SHM_INFO against shminfo()/shm_usage()
    proto::Usage u = t_->engine().usage(Kind::shm);
    EXPECT_EQ(u.structures, 3u);
    EXPECT_EQ(u.items, 1u + 2u + 16u);
    EXPECT_EQ(u.bytes, 1u + 4097u + 65536u);
    (void)a;
}

}  // namespace
