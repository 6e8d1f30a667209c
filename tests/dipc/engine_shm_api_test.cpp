// The owner engine's shared memory contract with the daemon where the
// kernel has no counterpart to compare with: attachments counted per host
// and dropped when a host is lost, fencing (remove_all), on_removed and
// on_key_released, notes the daemon may send late or twice, creation and
// lookup checks made for the referee, usage, shminfo() and shm_usage().
#include <gtest/gtest.h>

#include <sys/ipc.h>
#include <sys/shm.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "owner/engine.hpp"
#include "owner/sysv.hpp"
#include "proto/ids.hpp"

using namespace papers::dipc;
using owner::Engine;

namespace {

struct FakeClock : owner::Clock {
    std::int64_t real = 1'700'000'000;
    std::int64_t realtime_s() override { return real; }
    std::int64_t monotonic_ns() override { return 0; }
};

proto::Caller caller(std::uint32_t host, std::int32_t pid, std::uint32_t uid = 1000) {
    proto::Caller c;
    c.host = host;
    c.pid = pid;
    c.start_time = 1;
    c.euid = uid;
    c.egid = uid;
    return c;
}

class EngineShmApi : public ::testing::Test {
protected:
    EngineShmApi() : engine_(limits_, clock_) {
        engine_.on_removed = [this](proto::Kind k, std::int32_t id) { removed_.push_back({k, id}); };
        engine_.on_key_released = [this](proto::Kind k, std::int32_t id) { released_.push_back({k, id}); };
    }

    std::int32_t make(int slot, std::uint64_t size, std::int32_t key = 0, int mode = 0666) {
        proto::GetReq g;
        g.kind = proto::Kind::shm;
        g.key = key;
        g.flags = mode | IPC_CREAT;
        g.size = size;
        g.id = proto::make_id(slot, 3);
        g.create = true;
        proto::Reply r = engine_.create(g, owner_);
        EXPECT_EQ(r.err, 0);
        EXPECT_EQ(r.ret, g.id);
        return g.id;
    }
    proto::Reply attach(std::int32_t id, const proto::Caller& c, int flags = 0) {
        return engine_.shm_attach(c, proto::ShmatReq{id, flags});
    }
    proto::Reply note(std::int32_t id, const proto::Caller& c, int delta) {
        return engine_.shm_note(c, proto::ShmAttachNote{id, delta, c.pid});
    }
    proto::Reply ctl(std::int32_t id, int cmd, const proto::Caller& c) {
        proto::ShmctlReq r;
        r.id = id;
        r.cmd = cmd;
        return engine_.shmctl(c, r);
    }
    proto::ShmDsRec ds(std::int32_t id) {
        proto::Reply r = ctl(id, IPC_STAT, owner_);
        EXPECT_EQ(r.err, 0);
        proto::ShmDsRec d;
        EXPECT_TRUE(proto::decode_payload(r.payload, d));
        return d;
    }

    proto::Limits limits_;
    FakeClock clock_;
    Engine engine_;
    proto::Caller owner_ = caller(1, 10, 0);
    std::vector<std::pair<proto::Kind, std::int32_t>> removed_, released_;
};

TEST_F(EngineShmApi, AttachAnswersTheSizeAndCountsTheCallersHost) {
    std::int32_t s = make(0, 10000);
    proto::Reply r = attach(s, caller(2, 20));
    ASSERT_EQ(r.err, 0);
    EXPECT_EQ(r.ret, 0);
    proto::ShmAttach a;
    ASSERT_TRUE(proto::decode_payload(r.payload, a));
    EXPECT_EQ(a.size, 10000u);
    EXPECT_EQ(a.attach, 0u);
    EXPECT_EQ(a.unit_bytes, 0u);
    clock_.real += 5;
    EXPECT_EQ(attach(s, caller(3, 30)).err, 0);
    proto::ShmDsRec d = ds(s);
    EXPECT_EQ(d.nattch, 2u);
    EXPECT_EQ(d.lpid, 30);
    EXPECT_EQ(d.atime, clock_.real);
    EXPECT_EQ(d.cpid, 10);
    EXPECT_EQ(d.dtime, 0);
}

// The client checks a fixed shmat address for overlap between the owner's
// checks and the attach (LayerShmDiffBugs): the checks alone change nothing.
TEST_F(EngineShmApi, ACheckOnlyAttachMakesTheChecksAndAnswersTheSizeWithoutAttaching) {
    std::int32_t s = make(0, 10000, 0, 0640);
    ASSERT_EQ(attach(s, caller(2, 20, 0)).err, 0);
    clock_.real += 5;
    proto::Reply r = attach(s, caller(3, 30, 0), proto::kShmatCheckOnly);
    ASSERT_EQ(r.err, 0);
    proto::ShmAttach a;
    ASSERT_TRUE(proto::decode_payload(r.payload, a));
    EXPECT_EQ(a.size, 10000u);
    EXPECT_EQ(attach(s, caller(3, 31), proto::kShmatCheckOnly).err, EACCES);  // uid 1000: others get nothing
    EXPECT_EQ(attach(proto::make_id(5, 3), caller(3, 30, 0), proto::kShmatCheckOnly).err, EINVAL);
    proto::ShmDsRec d = ds(s);
    EXPECT_EQ(d.nattch, 1u);
    EXPECT_EQ(d.lpid, 20);
    EXPECT_EQ(d.atime, clock_.real - 5);
    EXPECT_EQ(d.dtime, 0);
}

TEST_F(EngineShmApi, LostHostDropsOnlyItsAttachmentsAndDestroysAMarkedSegmentLeftWithNone) {
    std::int32_t a = make(0, 4096, 0x51);
    std::int32_t b = make(1, 4096, 0x52);
    std::int32_t c = make(2, 4096);
    ASSERT_EQ(attach(a, caller(2, 20)).err, 0);
    ASSERT_EQ(attach(a, caller(2, 21)).err, 0);
    ASSERT_EQ(attach(a, caller(3, 30)).err, 0);
    ASSERT_EQ(attach(b, caller(2, 22)).err, 0);
    ASSERT_EQ(attach(c, caller(2, 23)).err, 0);
    ASSERT_EQ(ctl(a, IPC_RMID, owner_).err, 0);
    ASSERT_EQ(ctl(b, IPC_RMID, owner_).err, 0);
    EXPECT_EQ(released_.size(), 2u);  // both had keys
    EXPECT_TRUE(removed_.empty());
    clock_.real += 7;
    engine_.host_lost(2);
    // b had only host 2's attachment: gone; a keeps host 3's; c was not marked.
    ASSERT_EQ(removed_.size(), 1u);
    EXPECT_EQ(removed_[0], std::make_pair(proto::Kind::shm, b));
    EXPECT_FALSE(engine_.exists(proto::Kind::shm, b));
    proto::ShmDsRec d = ds(a);
    EXPECT_EQ(d.nattch, 1u);
    EXPECT_EQ(d.dtime, clock_.real);
    EXPECT_EQ(d.lpid, 30);  // host_lost knows no pids
    EXPECT_EQ(ds(c).nattch, 0u);
    EXPECT_TRUE(engine_.exists(proto::Kind::shm, c));
    // A late note from the lost host changes nothing.
    EXPECT_EQ(note(a, caller(2, 20), -1).err, EINVAL);
    EXPECT_EQ(ds(a).nattch, 1u);
    engine_.host_lost(2);  // twice: nothing more
    EXPECT_EQ(removed_.size(), 1u);
    EXPECT_EQ(note(a, caller(3, 30), -1).err, 0);
    ASSERT_EQ(removed_.size(), 2u);
    EXPECT_EQ(removed_[1], std::make_pair(proto::Kind::shm, a));
}

TEST_F(EngineShmApi, RemoveAllForgetsEverySegmentWithoutOnRemoved) {
    std::int32_t a = make(0, 4096, 0x51);
    std::int32_t b = make(5, 100000);
    ASSERT_EQ(attach(a, caller(2, 20)).err, 0);
    ASSERT_EQ(ctl(a, IPC_RMID, owner_).err, 0);
    engine_.remove_all(EIDRM);
    EXPECT_TRUE(removed_.empty());
    EXPECT_FALSE(engine_.exists(proto::Kind::shm, a));
    EXPECT_FALSE(engine_.exists(proto::Kind::shm, b));
    proto::Usage u = engine_.usage(proto::Kind::shm);
    EXPECT_EQ(u.structures, 0u);
    EXPECT_EQ(u.items, 0u);
    EXPECT_EQ(u.bytes, 0u);
    EXPECT_EQ(attach(b, caller(2, 20)).err, EINVAL);
    EXPECT_EQ(note(a, caller(2, 20), -1).err, EINVAL);
    EXPECT_EQ(ctl(b, IPC_STAT, owner_).err, EINVAL);
    make(5, 4096);  // the slot is free again
}

TEST_F(EngineShmApi, RmidReleasesTheKeyOnlyWhenTheSegmentStaysAndHadOne) {
    std::int32_t keyed = make(0, 4096, 0x51);
    std::int32_t priv = make(1, 4096);
    std::int32_t idle = make(2, 4096, 0x53);
    ASSERT_EQ(attach(keyed, caller(2, 20)).err, 0);
    ASSERT_EQ(attach(priv, caller(2, 20)).err, 0);
    ASSERT_EQ(ctl(keyed, IPC_RMID, owner_).err, 0);
    ASSERT_EQ(ctl(keyed, IPC_RMID, owner_).err, 0);  // again: the key is already free
    ASSERT_EQ(ctl(priv, IPC_RMID, owner_).err, 0);
    ASSERT_EQ(ctl(idle, IPC_RMID, owner_).err, 0);
    ASSERT_EQ(released_.size(), 1u);
    EXPECT_EQ(released_[0], std::make_pair(proto::Kind::shm, keyed));
    ASSERT_EQ(removed_.size(), 1u);
    EXPECT_EQ(removed_[0], std::make_pair(proto::Kind::shm, idle));
    EXPECT_EQ(ds(keyed).perm.key, IPC_PRIVATE);
    EXPECT_EQ(ds(keyed).perm.mode, 0666u | owner::kShmDest);
}

TEST_F(EngineShmApi, GetExistingRefusesAMarkedSegmentAndChecksTheSize) {
    std::int32_t s = make(0, 5000, 0x51, 0640);
    proto::GetReq g;
    g.kind = proto::Kind::shm;
    g.key = 0x51;
    g.id = s;
    g.size = 5000;
    g.flags = 0400;
    EXPECT_EQ(engine_.get_existing(g, caller(1, 20, 1000)).err, EACCES);  // others may not read
    g.flags = 0;
    EXPECT_EQ(engine_.get_existing(g, caller(1, 20, 1000)).ret, s);       // asks for nothing
    g.size = 5001;
    EXPECT_EQ(engine_.get_existing(g, owner_).err, EINVAL);
    g.size = 5000;
    EXPECT_EQ(engine_.get_existing(g, owner_).ret, s);
    g.key = 0x52;  // not the key this segment has
    EXPECT_EQ(engine_.get_existing(g, owner_).err, EIDRM);
    g.key = 0x51;
    ASSERT_EQ(attach(s, owner_).err, 0);
    ASSERT_EQ(ctl(s, IPC_RMID, owner_).err, 0);
    EXPECT_EQ(engine_.get_existing(g, owner_).err, EIDRM);  // resolve again
    EXPECT_TRUE(engine_.exists(proto::Kind::shm, s));        // still attachable by id
    EXPECT_FALSE(engine_.exists(proto::Kind::shm, s + (1 << 15)));
}

TEST_F(EngineShmApi, ValidateCreateMakesNewsegsSizeChecks) {
    proto::GetReq g;
    g.kind = proto::Kind::shm;
    limits_.shmmin = 1;
    limits_.shmmax = 1 << 20;
    EXPECT_EQ(Engine::validate_get(g, limits_), 0);  // shmget checks nothing before the lookup
    g.size = 0;
    EXPECT_EQ(Engine::validate_create(g, limits_), EINVAL);
    g.size = 1;
    EXPECT_EQ(Engine::validate_create(g, limits_), 0);
    g.size = 1 << 20;
    EXPECT_EQ(Engine::validate_create(g, limits_), 0);
    g.size = (1 << 20) + 1;
    EXPECT_EQ(Engine::validate_create(g, limits_), EINVAL);
    limits_.shmmax = UINT64_MAX;  // only then can the page count overflow
    g.size = UINT64_MAX - 4094;
    EXPECT_EQ(Engine::validate_create(g, limits_), ENOSPC);
    g.size = UINT64_MAX - 4095;
    EXPECT_EQ(Engine::validate_create(g, limits_), 0);
    // create() checks too, with the engine's own limits, and refuses a used index.
    g.size = 0;
    g.id = proto::make_id(0, 0);
    EXPECT_EQ(engine_.create(g, owner_).err, EINVAL);
    make(0, 10);
    g.size = 10;
    g.id = proto::make_id(0, 4);
    EXPECT_EQ(engine_.create(g, owner_).err, EEXIST);
}

TEST_F(EngineShmApi, NotesAreCountedPerHostAndBadOnesChangeNothing) {
    std::int32_t s = make(0, 4096);
    EXPECT_EQ(note(s, caller(2, 20), -1).err, EINVAL);  // host 2 has none
    EXPECT_EQ(note(s, caller(2, 20), 0).err, EINVAL);
    EXPECT_EQ(note(s, caller(2, 20), 2).err, EINVAL);
    EXPECT_EQ(note(proto::make_id(9, 0), caller(2, 20), 1).err, EINVAL);
    proto::ShmDsRec d = ds(s);
    EXPECT_EQ(d.nattch, 0u);
    EXPECT_EQ(d.atime, 0);
    EXPECT_EQ(d.dtime, 0);
    EXPECT_EQ(d.lpid, 0);
    ASSERT_EQ(note(s, caller(2, 21), +1).err, 0);  // fork on host 2: no shmat check
    ASSERT_EQ(attach(s, caller(3, 30)).err, 0);
    EXPECT_EQ(note(s, caller(3, 30), -1).err, 0);
    EXPECT_EQ(note(s, caller(3, 30), -1).err, EINVAL);  // host 3's only one is gone
    clock_.real += 3;
    EXPECT_EQ(note(s, caller(2, 22), -1).err, 0);
    d = ds(s);
    EXPECT_EQ(d.nattch, 0u);
    EXPECT_EQ(d.lpid, 22);
    EXPECT_EQ(d.dtime, clock_.real);
}

TEST_F(EngineShmApi, UsageAndInfoRecords) {
    limits_.shmmax = 123456789;
    limits_.shmmin = 1;
    limits_.shmmni = 700;
    limits_.shmall = 99999;
    make(0, 1);
    make(1, 4096);
    std::int32_t marked = make(2, 4097, 0x51);
    ASSERT_EQ(attach(marked, owner_).err, 0);
    ASSERT_EQ(ctl(marked, IPC_RMID, owner_).err, 0);
    proto::Usage u = engine_.usage(proto::Kind::shm);
    EXPECT_EQ(u.structures, 3u);
    EXPECT_EQ(u.items, 1u + 1u + 2u);
    EXPECT_EQ(u.bytes, 1u + 4096u + 4097u);
    EXPECT_EQ(engine_.usage(proto::Kind::sem).structures, 0u);
    proto::ShmUsageRec r = owner::shm_usage(u);
    EXPECT_EQ(r.used_ids, 3);
    EXPECT_EQ(r.shm_tot, 4u);
    EXPECT_EQ(r.shm_rss, 4u);
    EXPECT_EQ(r.shm_swp, 0u);
    proto::ShmInfoRec i = owner::shminfo(limits_);
    EXPECT_EQ(i.shmmax, 123456789u);
    EXPECT_EQ(i.shmmin, 1u);
    EXPECT_EQ(i.shmmni, 700u);
    EXPECT_EQ(i.shmseg, 700u);
    EXPECT_EQ(i.shmall, 99999u);
    // The daemon answers IPC_INFO/SHM_INFO; the engine refuses them.
    EXPECT_EQ(ctl(marked, IPC_INFO, owner_).err, EINVAL);
    EXPECT_EQ(ctl(marked, SHM_INFO, owner_).err, EINVAL);
}

}  // namespace
