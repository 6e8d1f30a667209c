// The owner engine's contract with the daemon, where the kernel has no
// counterpart to compare with: Done runs exactly once, cancel after
// completion changes nothing, deadlines on the daemon's clock, duplicate
// call ids refused, process identity by (host, pid, start_time), host loss,
// fencing (remove_all), on_removed, creation checks, usage counts.
#include <gtest/gtest.h>

#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

#include "owner/engine.hpp"
#include "proto/ids.hpp"

using namespace papers::dipc;
using owner::CallId;
using owner::Engine;

namespace {

struct FakeClock : owner::Clock {
    std::int64_t real = 1'700'000'000;
    std::int64_t mono = 1'000;
    std::int64_t realtime_s() override { return real; }
    std::int64_t monotonic_ns() override { return mono; }
};

proto::Caller caller(std::uint32_t host, std::int32_t pid, std::uint32_t uid = 1000, std::uint64_t start = 1) {
    proto::Caller c;
    c.host = host;
    c.pid = pid;
    c.start_time = start;
    c.euid = uid;
    c.egid = uid;
    return c;
}

// Replies a call received through its Done, in order.
struct Log {
    std::vector<std::pair<CallId, proto::Reply>> got;
    owner::Done done(CallId id) {
        return [this, id](proto::Reply r) { got.emplace_back(id, std::move(r)); };
    }
    int count(CallId id) const {
        int n = 0;
        for (auto& [c, r] : got) n += c == id;
        return n;
    }
    const proto::Reply& of(CallId id) const {
        for (auto& [c, r] : got)
            if (c == id) return r;
        throw std::runtime_error("no reply for call " + std::to_string(id));
    }
};

class EngineApi : public ::testing::Test {
protected:
    EngineApi() : engine_(limits_, clock_) {}

    std::int32_t make_sem(int nsems, int slot = 0, int mode = 0666) {
        proto::GetReq g;
        g.kind = proto::Kind::sem;
        g.key = 0x100 + slot;
        g.flags = mode | IPC_CREAT;
        g.size = static_cast<std::uint64_t>(nsems);
        g.id = proto::make_id(slot, 1);
        g.create = true;
        proto::Reply r = engine_.create(g, owner_);
        EXPECT_EQ(r.err, 0);
        return g.id;
    }
    std::int32_t make_queue(int slot = 0) {
        proto::GetReq g;
        g.kind = proto::Kind::msg;
        g.key = 0x200 + slot;
        g.flags = 0666 | IPC_CREAT;
        g.id = proto::make_id(slot, 1);
        g.create = true;
        EXPECT_EQ(engine_.create(g, owner_).err, 0);
        return g.id;
    }
    std::optional<proto::Reply> semop(CallId call, const proto::Caller& c, std::int32_t id,
                                      std::vector<proto::SemBuf> sops, std::int64_t timeout = -1) {
        proto::SemopReq r;
        r.id = id;
        r.sops = std::move(sops);
        r.timeout_ns = timeout;
        return engine_.semop(call, c, r, log_.done(call));
    }
    int getval(std::int32_t id, int semnum) {
        proto::SemctlReq r;
        r.id = id;
        r.cmd = GETVAL;
        r.semnum = semnum;
        return static_cast<int>(engine_.semctl(owner_, r).ret);
    }
    proto::Reply semctl(std::int32_t id, int cmd, const proto::Caller& c) {
        proto::SemctlReq r;
        r.id = id;
        r.cmd = cmd;
        return engine_.semctl(c, r);
    }

    proto::Limits limits_;
    FakeClock clock_;
    Engine engine_;
    Log log_;
    proto::Caller owner_ = caller(1, 10, 0);
};

TEST_F(EngineApi, DoneRunsOnceAndCancelAfterCompletionChangesNothing) {
    std::int32_t s = make_sem(1);
    EXPECT_FALSE(semop(1, caller(1, 20), s, {{0, -1, 0}}).has_value());
    ASSERT_TRUE(semop(2, caller(1, 21), s, {{0, 2, 0}}).has_value());
    ASSERT_EQ(log_.count(1), 1);
    EXPECT_EQ(log_.of(1).err, 0);
    engine_.cancel(1);
    engine_.cancel(99);  // never existed
    EXPECT_EQ(log_.count(1), 1);
    EXPECT_EQ(getval(s, 0), 1);
}

TEST_F(EngineApi, CancelEndsEachKindOfPendingCallWithEintr) {
    std::int32_t s = make_sem(1);
    std::int32_t q = make_queue(1);
    EXPECT_FALSE(semop(1, caller(1, 20), s, {{0, -1, 0}}).has_value());
    proto::MsgrcvReq rcv;
    rcv.id = q;
    rcv.maxsize = 100;
    EXPECT_FALSE(engine_.msgrcv(2, caller(1, 21), rcv, log_.done(2)).has_value());
    proto::MsgctlReq set;
    set.id = q;
    set.cmd = IPC_SET;
    set.set = {0, 0, 0666, 0};  // qbytes 0: every send waits
    EXPECT_EQ(engine_.msgctl(owner_, set).err, 0);
    proto::MsgsndReq snd;
    snd.id = q;
    snd.mtype = 1;
    EXPECT_FALSE(engine_.msgsnd(3, caller(1, 22), snd, log_.done(3)).has_value());
    for (CallId c : {1, 2, 3}) {
        engine_.cancel(c);
        ASSERT_EQ(log_.count(c), 1);
        EXPECT_EQ(log_.of(c).err, EINTR);
        EXPECT_EQ(log_.of(c).ret, -1);
    }
    EXPECT_EQ(semctl(s, GETNCNT, owner_).ret, 0);
}

TEST_F(EngineApi, PendingCallIdsMayNotBeReused) {
    std::int32_t s = make_sem(1);
    EXPECT_FALSE(semop(5, caller(1, 20), s, {{0, -1, 0}}).has_value());
    EXPECT_THROW(semop(5, caller(1, 21), s, {{0, 1, 0}}), std::logic_error);
    EXPECT_EQ(getval(s, 0), 0);  // the refused call changed nothing
    engine_.cancel(5);
    EXPECT_TRUE(semop(5, caller(1, 21), s, {{0, 1, 0}}).has_value());  // free again
}

TEST_F(EngineApi, DeadlinesAreRelativeToTheCallAndExpireInOrder) {
    std::int32_t s = make_sem(1);
    clock_.mono = 1000;
    EXPECT_FALSE(semop(1, caller(1, 20), s, {{0, -1, 0}}, 500).has_value());  // due 1500
    clock_.mono = 1200;
    EXPECT_FALSE(semop(2, caller(1, 21), s, {{0, -1, 0}}, 100).has_value());  // due 1300
    EXPECT_FALSE(semop(3, caller(1, 22), s, {{0, -1, 0}}).has_value());       // no deadline
    EXPECT_EQ(engine_.next_deadline_ns(), 1300);
    engine_.expire(1299);
    EXPECT_TRUE(log_.got.empty());
    engine_.expire(1300);
    ASSERT_EQ(log_.count(2), 1);
    EXPECT_EQ(log_.of(2).err, EAGAIN);
    EXPECT_EQ(engine_.next_deadline_ns(), 1500);
    semop(4, caller(1, 23), s, {{0, 1, 0}});  // completes call 1 (FIFO) before its deadline
    EXPECT_EQ(log_.of(1).err, 0);
    EXPECT_EQ(engine_.next_deadline_ns(), std::nullopt);
    engine_.expire(1'000'000);
    EXPECT_EQ(log_.count(1), 1);
    EXPECT_EQ(log_.count(3), 0);
}

TEST_F(EngineApi, AReusedCallIdGetsItsOwnDeadline) {
    std::int32_t s = make_sem(1);
    EXPECT_FALSE(semop(7, caller(1, 20), s, {{0, -1, 0}}, 100).has_value());  // due 1100
    engine_.cancel(7);
    EXPECT_FALSE(semop(7, caller(1, 20), s, {{0, -1, 0}}, 5000).has_value());  // due 6000
    engine_.expire(1100);
    EXPECT_EQ(log_.count(7), 1);  // only the cancel's reply
    engine_.expire(6000);
    EXPECT_EQ(log_.count(7), 2);
    EXPECT_EQ(log_.got.back().second.err, EAGAIN);
}

TEST_F(EngineApi, AProcessIsItsHostPidAndStartTime) {
    std::int32_t s = make_sem(1);
    semop(1, caller(1, 20, 1000, 1), s, {{0, 5, SEM_UNDO}});
    engine_.process_gone(2, 20, 1);  // another host's pid 20
    engine_.process_gone(1, 20, 2);  // a later process with the same pid
    EXPECT_EQ(getval(s, 0), 5);
    engine_.process_gone(1, 20, 1);
    EXPECT_EQ(getval(s, 0), 0);
    EXPECT_EQ(semctl(s, GETPID, owner_).ret, 20);  // sempid: exit_sem's, the dead pid
}

TEST_F(EngineApi, HostLostTouchesThatHostOnly) {
    std::int32_t s = make_sem(2);
    semop(1, caller(1, 20), s, {{0, 3, SEM_UNDO}});
    semop(2, caller(2, 20), s, {{1, 4, SEM_UNDO}});
    semop(3, caller(2, 21), s, {{0, 1, SEM_UNDO}});
    EXPECT_FALSE(semop(4, caller(2, 22), s, {{1, -10, 0}}).has_value());
    EXPECT_FALSE(semop(5, caller(1, 23), s, {{1, -10, 0}}).has_value());
    engine_.host_lost(2);
    EXPECT_EQ(getval(s, 0), 3);
    EXPECT_EQ(getval(s, 1), 0);
    EXPECT_EQ(log_.of(4).err, EINTR);
    EXPECT_EQ(log_.count(5), 0);
}

TEST_F(EngineApi, RemoveAllFailsEveryPendingCallAndForgetsEverything) {
    std::int32_t s = make_sem(1);
    std::int32_t q = make_queue(1);
    int removed = 0;
    engine_.on_removed = [&](proto::Kind, std::int32_t) { ++removed; };
    EXPECT_FALSE(semop(1, caller(1, 20), s, {{0, -1, 0}}).has_value());
    proto::MsgrcvReq rcv;
    rcv.id = q;
    rcv.maxsize = 10;
    EXPECT_FALSE(engine_.msgrcv(2, caller(1, 21), rcv, log_.done(2)).has_value());
    engine_.remove_all(EIDRM);
    EXPECT_EQ(log_.of(1).err, EIDRM);
    EXPECT_EQ(log_.of(2).err, EIDRM);
    EXPECT_EQ(removed, 0);  // the referee removes a fenced owner's structures itself
    EXPECT_EQ(semctl(s, GETVAL, owner_).err, EINVAL);
    EXPECT_EQ(engine_.usage(proto::Kind::sem).structures, 0u);
    EXPECT_EQ(engine_.usage(proto::Kind::msg).structures, 0u);
}

TEST_F(EngineApi, OnRemovedRunsAfterTheWaitersReplies) {
    std::int32_t s = make_sem(1);
    std::vector<std::string> order;
    engine_.on_removed = [&](proto::Kind k, std::int32_t id) {
        EXPECT_EQ(k, proto::Kind::sem);
        EXPECT_EQ(id, s);
        order.push_back("removed");
    };
    proto::SemopReq r;
    r.id = s;
    r.sops = {{0, -1, 0}};
    engine_.semop(1, caller(1, 20), r, [&](proto::Reply rep) {
        EXPECT_EQ(rep.err, EIDRM);
        order.push_back("done");
    });
    EXPECT_EQ(semctl(s, IPC_RMID, owner_).err, 0);
    EXPECT_EQ(order, (std::vector<std::string>{"done", "removed"}));
}

TEST_F(EngineApi, DoneMayCallTheEngineAgain) {
    std::int32_t s = make_sem(2);
    proto::SemopReq wait;
    wait.id = s;
    wait.sops = {{0, -1, 0}};
    std::optional<proto::Reply> inner;
    engine_.semop(1, caller(1, 20), wait, [&](proto::Reply) {
        proto::SemopReq next;
        next.id = s;
        next.sops = {{1, 1, 0}};
        inner = engine_.semop(2, caller(1, 20), next, log_.done(2));
    });
    semop(3, caller(1, 21), s, {{0, 1, 0}});
    ASSERT_TRUE(inner.has_value());
    EXPECT_EQ(inner->err, 0);
    EXPECT_EQ(getval(s, 1), 1);
}

TEST_F(EngineApi, CreationChecks) {
    proto::GetReq g;
    g.kind = proto::Kind::sem;
    g.size = static_cast<std::uint64_t>(-1);  // nsems -1
    EXPECT_EQ(Engine::validate_get(g, limits_), EINVAL);
    g.size = limits_.semmsl + 1;
    EXPECT_EQ(Engine::validate_get(g, limits_), EINVAL);
    g.size = 0;
    EXPECT_EQ(Engine::validate_get(g, limits_), 0);     // an existing set may be opened so
    EXPECT_EQ(Engine::validate_create(g, limits_), EINVAL);  // not created
    g.size = 2;
    g.id = 77;  // not a DIPC id
    EXPECT_EQ(engine_.create(g, owner_).err, EINVAL);
    std::int32_t s = make_sem(2, 3);
    g.id = proto::make_id(3, 9);  // index in use
    EXPECT_EQ(engine_.create(g, owner_).err, EEXIST);
    g.id = proto::make_id(3, 9);
    EXPECT_EQ(engine_.get_existing(g, owner_).err, EIDRM);  // wrong sequence: not that set
    g.id = s;
    EXPECT_EQ(engine_.get_existing(g, owner_).ret, s);
    EXPECT_EQ(semctl(s, IPC_RMID, owner_).err, 0);
    EXPECT_EQ(engine_.get_existing(g, owner_).err, EIDRM);  // gone: resolve the key again
    proto::GetReq m;
    m.kind = proto::Kind::msg;
    EXPECT_EQ(Engine::validate_create(m, limits_), 0);
}

TEST_F(EngineApi, InfoCommandsAreLeftToTheDaemon) {
    std::int32_t s = make_sem(1);
    EXPECT_EQ(semctl(s, IPC_INFO, owner_).err, EINVAL);
    EXPECT_EQ(semctl(s, SEM_INFO, owner_).err, EINVAL);
    proto::MsgctlReq r;
    r.id = make_queue(1);
    r.cmd = MSG_INFO;
    EXPECT_EQ(engine_.msgctl(owner_, r).err, EINVAL);
}

TEST_F(EngineApi, SetallWithFewerValuesThanSemaphoresIsEfault) {
    std::int32_t s = make_sem(3);
    proto::SemctlReq r;
    r.id = s;
    r.cmd = SETALL;
    r.values = {1, 2};
    EXPECT_EQ(engine_.semctl(owner_, r).err, EFAULT);
    r.values = {1, 2, 3, 4};  // extra values are not read
    EXPECT_EQ(engine_.semctl(owner_, r).err, 0);
    EXPECT_EQ(getval(s, 2), 3);
}

// The kernel compares qbytes as a 32-bit value with MSGMNB and stores it
// sign-extended; euid 0 stands for CAP_SYS_RESOURCE. (The differential
// test cannot compare this where the test's root lacks CAP_SYS_RESOURCE.)
TEST_F(EngineApi, PrivilegeMayRaiseQbytesAboveMsgmnb) {
    std::int32_t q = make_queue();
    proto::MsgctlReq r;
    r.id = q;
    r.cmd = IPC_SET;
    r.set = {0, 0, 0666, std::uint64_t(limits_.msgmnb) + 1};
    EXPECT_EQ(engine_.msgctl(caller(1, 30, 1000), r).err, EPERM);
    EXPECT_EQ(engine_.msgctl(owner_, r).err, 0);
    r.set.qbytes = 0x80000000u;
    EXPECT_EQ(engine_.msgctl(owner_, r).err, 0);
    proto::MsgctlReq st;
    st.id = q;
    st.cmd = IPC_STAT;
    proto::MsgDsRec ds;
    ASSERT_TRUE(proto::decode_payload(engine_.msgctl(owner_, st).payload, ds));
    EXPECT_EQ(ds.qbytes, 0xffffffff80000000u);
}

TEST_F(EngineApi, UsageCountsSetsSemaphoresMessagesAndBytes) {
    make_sem(3, 0);
    make_sem(5, 1);
    std::int32_t q = make_queue(0);
    make_queue(1);
    proto::MsgsndReq snd;
    snd.id = q;
    snd.mtype = 1;
    snd.text.assign(7, 'x');
    engine_.msgsnd(1, owner_, snd, log_.done(1));
    snd.text.assign(11, 'y');
    engine_.msgsnd(2, owner_, snd, log_.done(2));
    proto::Usage u = engine_.usage(proto::Kind::sem);
    EXPECT_EQ(u.structures, 2u);
    EXPECT_EQ(u.items, 8u);
    u = engine_.usage(proto::Kind::msg);
    EXPECT_EQ(u.structures, 2u);
    EXPECT_EQ(u.items, 2u);
    EXPECT_EQ(u.bytes, 18u);
}

}  // namespace
