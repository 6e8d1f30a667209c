// Named scenarios of the owner engine's semantics, each run on the kernel
// and on the engine and compared call by call and after every step
// (engine_twin.hpp). Each also checks that the kernel did what the scenario
// is about (blocked, woke, failed with ...), so that it cannot pass vacuously.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>

#include "engine_kernel_ns.hpp"
#include "engine_requests.hpp"
#include "engine_twin.hpp"

using namespace papers::dipc;
using namespace papers::dipc::enginetest;
using proto::Kind;

namespace {

class EngineScenario : public ::testing::Test {
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

    int sems(int nsems, std::initializer_list<unsigned short> values) {
        int h = t_->get(0, Kind::sem, IPC_PRIVATE, nsems, 0666 | IPC_CREAT);
        EXPECT_GE(h, 0) << t_->report();
        if (values.size()) t_->call(0, t_->target(h), setall_req(values));
        return h;
    }
    int queue() {
        int h = t_->get(0, Kind::msg, IPC_PRIVATE, 0, 0666 | IPC_CREAT);
        EXPECT_GE(h, 0) << t_->report();
        return h;
    }
    void run(int p, int h, const KRequest& q, Resolve r = Resolve::keep) { t_->call(p, t_->target(h), q, r); }
    // A call that must block (on both sides: the twin compares).
    void wait(int p, int h, const KRequest& q) {
        run(p, h, q);
        EXPECT_TRUE(t_->pending(p)) << "P" << p << " did not block";
    }
    int seen(const std::string& outcome) const {
        auto it = t_->outcomes().find(outcome);
        return it == t_->outcomes().end() ? 0 : it->second;
    }

    std::unique_ptr<Twin> t_;
};

TEST_F(EngineScenario, ArrayIsAllOrNothing) {
    int h = sems(2, {0, 0});
    wait(1, h, semop_req({{0, -1}, {1, -1}}));
    run(0, h, semop_req({{0, 1}}));  // half of what it needs: nothing applied
    t_->check_handle(h);
    EXPECT_TRUE(t_->pending(1));
    run(0, h, semop_req({{1, 1}}));
    EXPECT_FALSE(t_->pending(1));
    t_->check_handle(h);
    EXPECT_EQ(seen("semop blocked, then 0"), 1);
}

TEST_F(EngineScenario, DecrementsAreServedFifoPerSemaphoreWithoutStarvationProtection) {
    int h = sems(1, {0});
    wait(1, h, semop_req({{0, -2}}));
    wait(2, h, semop_req({{0, -1}}));
    wait(3, h, semop_req({{0, -1}}));
    run(0, h, semop_req({{0, 1}}));  // P2 passes P1, which needs 2
    EXPECT_TRUE(t_->pending(1));
    EXPECT_FALSE(t_->pending(2));
    run(0, h, semop_req({{0, 2}}));  // P1 first, then nothing left for P3
    EXPECT_FALSE(t_->pending(1));
    EXPECT_TRUE(t_->pending(3));
    t_->check_handle(h);
    EXPECT_EQ(seen("semop blocked, then 0"), 2);
}

TEST_F(EngineScenario, WaitsForZeroCompleteWhenTheValueReachesZero) {
    int h = sems(2, {2, 1});
    wait(1, h, semop_req({{0, 0}}));
    wait(2, h, semop_req({{0, 0}, {1, 0}}));  // complex wait for zero
    wait(3, h, semop_req({{1, -1}, {0, 0}}));  // takes sem1 only once sem0 is 0
    t_->check_handle(h);
    run(0, h, semop_req({{0, -1}}));
    t_->check_handle(h);
    run(0, h, semop_req({{0, -1}}));  // sem0 = 0: P1 and P3 go; then sem1 = 0: P2
    t_->check_handle(h);
    EXPECT_EQ(seen("semop blocked, then 0"), 3);
}

TEST_F(EngineScenario, ComplexWaiterMergesQueuesAndLeavingUnmergesThem) {
    int h = sems(2, {0, 0});
    wait(1, h, semop_req({{0, -2}}));
    wait(2, h, semop_req({{0, -1}, {1, -1}}));  // merges P1 into the set's queue
    t_->interrupt(2);                            // the last complex waiter leaves
    wait(3, h, semop_req({{0, -1}}));            // back on sem0's own queue, after P1
    run(0, h, semop_req({{0, 1}}));              // P1 still cannot; P3 can
    EXPECT_TRUE(t_->pending(1));
    EXPECT_FALSE(t_->pending(3));
    run(0, h, semop_req({{0, 2}}));
    EXPECT_FALSE(t_->pending(1));
    EXPECT_EQ(seen("semop blocked, then EINTR"), 1);
    EXPECT_EQ(seen("semop blocked, then 0"), 2);
}

// While a complex waiter exists, the single-operation waiters sit in the
// set's queue in merge order: the last semaphore's first. A wait for zero
// with IPC_NOWAIT on its second operation sees the values between two of
// their completions, so that order decides whether it succeeds.
TEST_F(EngineScenario, MergedQueueOrderDecidesWhatAWaitForZeroSees) {
    int h = sems(3, {1, 1, 0});
    wait(1, h, semop_req({{0, -2}}));
    wait(2, h, semop_req({{1, -2}}));
    wait(3, h, semop_req({{0, 0}, {1, 0, IPC_NOWAIT}}));
    wait(4, h, semop_req({{2, -1}, {0, -1}}));  // complex alter: merges P1 and P2
    run(0, h, semop_req({{0, 1}, {1, 1}}));
    EXPECT_FALSE(t_->pending(3));
    t_->check_handle(h);
    EXPECT_EQ(seen("semop blocked, then 0"), 3);
}

TEST_F(EngineScenario, ReEvaluationReachingANowaitOperationFailsWithEagain) {
    int h = sems(2, {0, 1});
    wait(1, h, semop_req({{0, -1}, {1, 0, IPC_NOWAIT}}));
    run(0, h, semop_req({{0, 1}}));
    EXPECT_EQ(seen("semop blocked, then EAGAIN"), 1);
    t_->check_handle(h);
}

TEST_F(EngineScenario, NcntAndZcntCountTheOperationAWaiterBlocksOn) {
    int h = sems(3, {0, 1, 0});
    wait(1, h, semop_req({{0, -1}, {1, 0}}));  // blocks on sem0
    wait(2, h, semop_req({{2, 0}, {1, 0}}));   // blocks on sem1 (sem2 is 0)
    wait(3, h, semop_req({{1, 0}}));
    t_->check_handle(h);
    run(0, h, semop_req({{0, 1}}));  // P1 now blocks on sem1
    t_->check_handle(h);
    EXPECT_TRUE(t_->pending(1));
}

TEST_F(EngineScenario, SetvalAndSetallWakeWaitersAndClearAdjustments) {
    int h = sems(2, {5, 5});
    run(1, h, semop_req({{0, -2, SEM_UNDO}, {1, -1, SEM_UNDO}}));
    wait(2, h, semop_req({{0, -4}}));
    run(0, h, semctl_req(SETVAL, 0, 4));  // wakes P2; P1's adjustment for sem0 is gone
    EXPECT_FALSE(t_->pending(2));
    t_->kill_party(1);  // only sem1's +1 comes back
    t_->check_handle(h);
    run(3, h, semop_req({{0, 3, SEM_UNDO}, {1, 2, SEM_UNDO}}));
    run(0, h, setall_req({1, 1}));  // every adjustment of the set cleared
    t_->kill_party(3);
    t_->check_handle(h);
}

TEST_F(EngineScenario, UndoAdjustmentsMustStayInRange) {
    int h = sems(1, {});
    // semadj may go to +32767 and -32768; one further step is ERANGE.
    run(0, h, semctl_req(SETVAL, 0, 32767));
    run(1, h, semop_req({{0, -32767, SEM_UNDO | IPC_NOWAIT}}));  // adj +32767
    run(0, h, semop_req({{0, 2, IPC_NOWAIT}}));
    run(1, h, semop_req({{0, -1, SEM_UNDO | IPC_NOWAIT}}));      // adj +32768: ERANGE
    run(2, h, semop_req({{0, 32765, SEM_UNDO | IPC_NOWAIT}}));   // val 32767, adj -32765
    run(0, h, semop_req({{0, -10, IPC_NOWAIT}}));
    run(2, h, semop_req({{0, 3, SEM_UNDO | IPC_NOWAIT}}));       // adj -32768: allowed
    run(2, h, semop_req({{0, 1, SEM_UNDO | IPC_NOWAIT}}));       // adj -32769: ERANGE
    run(2, h, semop_req({{0, 10, IPC_NOWAIT}}));                 // above SEMVMX: ERANGE
    t_->check_handle(h);
    EXPECT_EQ(seen("semop SEM_UNDO ERANGE"), 2);
    EXPECT_EQ(seen("semop ERANGE"), 1);
    t_->kill_party(1);
    t_->kill_party(2);
    t_->check_handle(h);
}

TEST_F(EngineScenario, ExitClampsTheUndoneValueToZeroAndSemvmx) {
    int h = sems(2, {10, 0});
    run(1, h, semop_req({{0, -5, SEM_UNDO}}));   // adj +5
    run(0, h, semop_req({{0, 32762}}));          // 32767
    run(2, h, semop_req({{1, 5, SEM_UNDO}}));    // adj -5
    run(0, h, semop_req({{1, -4}}));             // 1
    t_->kill_party(1);                           // 32767 + 5 -> 32767, sempid = P1's
    t_->kill_party(2);                           // 1 - 5 -> 0
    t_->check_handle(h);
}

TEST_F(EngineScenario, ExitTouchesOtimeEvenWithZeroAdjustments) {
    int h = sems(1, {0});
    run(1, h, semop_req({{0, -1, SEM_UNDO | IPC_NOWAIT}}));  // EAGAIN, yet the undo list exists
    EXPECT_EQ(seen("semop SEM_UNDO EAGAIN"), 1);
    t_->check_handle(h);  // otime 0
    t_->kill_party(1);
    t_->check_handle(h);  // otime now
}

TEST_F(EngineScenario, KilledWaiterLeavesItsQueueThenItsUndoApplies) {
    int h = sems(2, {1, 0});
    run(1, h, semop_req({{0, -1, SEM_UNDO}}));  // holds sem0
    wait(1 + 1, h, semop_req({{0, -1}}));       // P2 waits for it
    wait(1, h, semop_req({{1, -1}}));           // P1 now blocked too
    t_->kill_party(1);                          // P1's wait dropped; its undo wakes P2
    EXPECT_FALSE(t_->pending(2));
    t_->check_handle(h);
}

TEST_F(EngineScenario, LostHostAppliesTheUndoOfEachOfItsProcesses) {
    int h = sems(2, {3, 3});
    run(4, h, semop_req({{0, -2, SEM_UNDO}}));
    run(5, h, semop_req({{0, -1, SEM_UNDO}, {1, -3, SEM_UNDO}}));
    wait(1, h, semop_req({{1, -2}}));
    wait(5, h, semop_req({{1, -1}}));
    t_->lose_host(2);
    EXPECT_FALSE(t_->pending(1));
    t_->check_handle(h);
}

TEST_F(EngineScenario, SemtimedopTimesOutWithEagain) {
    int h = sems(1, {0});
    run(1, h, semop_req({{0, -1}}, 1000), Resolve::expire);
    run(2, h, semop_req({{0, 0}}, 0), Resolve::expire);  // already zero: no wait at all
    EXPECT_EQ(seen("semtimedop blocked, then EAGAIN"), 1);
    t_->check_handle(h);
}

TEST_F(EngineScenario, RemovalFailsEveryWaiterWithEidrm) {
    int s = sems(2, {0, 1});
    int q = queue();
    wait(1, s, semop_req({{0, -1}}));
    wait(2, s, semop_req({{1, 0}}));
    wait(3, s, semop_req({{0, -1}, {1, -1}}));
    wait(4, q, msgrcv_req(0, 64));
    run(0, q, ipc_set_req(KCall::msgctl, 0, 0, 0666, 10));
    run(0, q, msgsnd_req(1, 10, IPC_NOWAIT));  // handed to P4
    run(0, q, msgsnd_req(1, 10, IPC_NOWAIT));  // fills the queue
    wait(5, q, msgsnd_req(1, 5));
    run(0, s, semctl_req(IPC_RMID));
    run(0, q, msgctl_req(IPC_RMID));
    EXPECT_EQ(seen("semop blocked, then EIDRM"), 3);
    EXPECT_EQ(seen("msgrcv blocked, then 0"), 1);  // it took the first message
    EXPECT_EQ(seen("msgsnd blocked, then EIDRM"), 1);
    run(1, s, semop_req({{0, 1}}));  // the id is gone: EINVAL
    EXPECT_EQ(seen("semop EINVAL"), 1);
}

TEST_F(EngineScenario, ReceiversAreServedInTheKernelsOrder) {
    int q = queue();
    wait(1, q, msgrcv_req(2, 64));                 // type 2 only
    wait(2, q, msgrcv_req(0, 4));                  // any, but 4 bytes: E2BIG for longer ones
    wait(3, q, msgrcv_req(-3, 64));                // lowest type <= 3
    wait(4, q, msgrcv_req(1, 64, MSG_EXCEPT));     // anything but type 1
    wait(5, q, msgrcv_req(0, 4, MSG_NOERROR));     // any, truncated
    run(0, q, msgsnd_req(1, 10, IPC_NOWAIT));      // P2 fails E2BIG, P3 takes it
    run(0, q, msgsnd_req(3, 10, IPC_NOWAIT));      // P4
    run(0, q, msgsnd_req(2, 10, IPC_NOWAIT));      // P1
    run(0, q, msgsnd_req(7, 10, IPC_NOWAIT));      // P5, 4 bytes of it
    t_->check_handle(q);
    EXPECT_EQ(seen("msgrcv blocked, then E2BIG"), 1);
    EXPECT_EQ(seen("msgrcv blocked, then 0"), 4);
}

TEST_F(EngineScenario, TypeSelectionAndTruncation) {
    int q = queue();
    for (long type : {3, 1, 2, 1, 3}) run(0, q, msgsnd_req(type, static_cast<int>(8 * type), IPC_NOWAIT));
    run(1, q, msgrcv_req(-2, 64, IPC_NOWAIT));              // first of the lowest type <= 2
    run(1, q, msgrcv_req(3, 64, IPC_NOWAIT | MSG_EXCEPT));  // first not of type 3
    run(1, q, msgrcv_req(3, 4, IPC_NOWAIT));                // E2BIG: stays queued
    run(1, q, msgrcv_req(3, 4, IPC_NOWAIT | MSG_NOERROR));  // truncated
    run(1, q, msgrcv_req(5, 64, IPC_NOWAIT));               // ENOMSG
    run(1, q, msgrcv_req(0, 64, IPC_NOWAIT));
    t_->check_handle(q);
    EXPECT_EQ(seen("msgrcv E2BIG"), 1);
    EXPECT_EQ(seen("msgrcv ENOMSG"), 1);
}

TEST_F(EngineScenario, MsgCopyReadsByPositionWithoutRemoving) {
    int q = queue();
    for (long type : {1, 2, 3}) run(0, q, msgsnd_req(type, 10, IPC_NOWAIT));
    run(1, q, msgrcv_req(1, 64, IPC_NOWAIT | MSG_COPY));               // the second message
    run(1, q, msgrcv_req(5, 64, IPC_NOWAIT | MSG_COPY));               // none: ENOMSG
    run(1, q, msgrcv_req(0, 4, IPC_NOWAIT | MSG_COPY | MSG_NOERROR));  // too small a copy: EINVAL
    run(1, q, msgrcv_req(0, 64, MSG_COPY));                            // needs IPC_NOWAIT: EINVAL
    run(1, q, msgrcv_req(0, 64, IPC_NOWAIT | MSG_COPY | MSG_EXCEPT));  // EINVAL
    t_->check_handle(q);  // nothing removed, lrpid/rtime untouched
    EXPECT_EQ(seen("msgrcv MSG_COPY 0"), 1);
    EXPECT_EQ(seen("msgrcv MSG_COPY EINVAL"), 3);
}

TEST_F(EngineScenario, SenderBlockedOnAFullQueueIsWokenAsSpaceFrees) {
    int q = queue();
    run(0, q, ipc_set_req(KCall::msgctl, 0, 0, 0666, 100));
    run(0, q, msgsnd_req(1, 60, IPC_NOWAIT));
    run(0, q, msgsnd_req(2, 40, IPC_NOWAIT));
    run(1, q, msgsnd_req(3, 30, IPC_NOWAIT));  // EAGAIN
    wait(1, q, msgsnd_req(3, 30));
    run(0, q, msgrcv_req(2, 64, IPC_NOWAIT));  // 40 bytes free: P1 sends
    EXPECT_FALSE(t_->pending(1));
    wait(2, q, msgsnd_req(4, 50));
    run(0, q, ipc_set_req(KCall::msgctl, 0, 0, 0666, 140));  // room for it now
    EXPECT_FALSE(t_->pending(2));
    t_->check_handle(q);
    EXPECT_EQ(seen("msgsnd blocked, then 0"), 2);
    EXPECT_EQ(seen("msgsnd EAGAIN"), 1);
}

// ss_wakeup wakes only the senders whose message fits now, rotating the
// others to the tail. (Steps that wake one sender only: two woken senders
// race for the space in the kernel.)
TEST_F(EngineScenario, OnlySendersWhoseMessageFitsAreWoken) {
    int q = queue();
    run(0, q, ipc_set_req(KCall::msgctl, 0, 0, 0666, 100));
    for (int i = 0; i < 10; ++i) run(0, q, msgsnd_req(1 + i % 2, 10, IPC_NOWAIT));
    wait(1, q, msgsnd_req(5, 60));
    wait(2, q, msgsnd_req(6, 10));
    run(0, q, msgrcv_req(1, 64, IPC_NOWAIT));  // 10 free: P2 only
    EXPECT_TRUE(t_->pending(1));
    EXPECT_FALSE(t_->pending(2));
    wait(3, q, msgsnd_req(7, 10));
    run(0, q, msgrcv_req(2, 64, IPC_NOWAIT));  // 10 free: P3, behind P1
    EXPECT_TRUE(t_->pending(1));
    EXPECT_FALSE(t_->pending(3));
    for (int i = 0; i < 6; ++i) run(0, q, msgrcv_req(-2, 64, IPC_NOWAIT));
    EXPECT_FALSE(t_->pending(1));
    t_->check_handle(q);
    EXPECT_EQ(seen("msgsnd blocked, then 0"), 3);
}

TEST_F(EngineScenario, QbytesAlsoBoundsTheNumberOfMessages) {
    int q = queue();
    run(0, q, ipc_set_req(KCall::msgctl, 0, 0, 0666, 3));
    for (int i = 0; i < 4; ++i) run(1, q, msgsnd_req(1, 0, IPC_NOWAIT));  // the fourth: EAGAIN
    wait(2, q, msgsnd_req(1, 0));
    run(0, q, msgrcv_req(0, 8, IPC_NOWAIT));
    EXPECT_FALSE(t_->pending(2));
    t_->check_handle(q);
    EXPECT_EQ(seen("msgsnd EAGAIN"), 1);
}

TEST_F(EngineScenario, IpcSetRechecksWaitingReceiversAndSenders) {
    int q = queue();
    wait(1, q, msgrcv_req(0, 64));
    run(0, q, ipc_set_req(KCall::msgctl, 0, 0, 0620, 256));  // others may not read: P1 EACCES
    EXPECT_FALSE(t_->pending(1));
    run(0, q, ipc_set_req(KCall::msgctl, 0, 0, 0666, 20));
    run(0, q, msgsnd_req(1, 20, IPC_NOWAIT));
    wait(2, q, msgsnd_req(1, 10));
    run(0, q, ipc_set_req(KCall::msgctl, 0, 0, 0644, 30));   // fits now, but P2 may no longer write
    EXPECT_FALSE(t_->pending(2));
    t_->check_handle(q);
    EXPECT_EQ(seen("msgrcv blocked, then EACCES"), 1);
    EXPECT_EQ(seen("msgsnd blocked, then EACCES"), 1);
}

TEST_F(EngineScenario, PermissionsOwnershipAndPrivilege) {
    int h = t_->get(1, Kind::sem, 0x77, 2, 0640 | IPC_CREAT);  // P1 creates and owns
    t_->get(2, Kind::sem, 0x77, 2, 0);                          // asks for no access: allowed
    t_->get(2, Kind::sem, 0x77, 2, 0004);                       // other asks read: EACCES
    t_->get(3, Kind::sem, 0x77, 3, 0);                          // more semaphores than it has: EINVAL
    t_->get(3, Kind::sem, 0x77, 1, IPC_CREAT | IPC_EXCL);       // EEXIST
    run(2, h, semctl_req(GETVAL));                              // EACCES
    run(0, h, semctl_req(GETVAL));                              // root: CAP_IPC_OWNER
    run(2, h, semctl_req(IPC_RMID));                            // EPERM
    run(0, h, ipc_set_req(KCall::semctl, 1002, 100, 0060));     // root hands it to uid 1002 / gid 100
    run(1, h, semctl_req(GETVAL));                              // creator, but mode 0060: EACCES
    run(1, h, ipc_set_req(KCall::semctl, 1000, 1000, 0600));    // the creator may still control it
    run(3, h, semctl_req(SETVAL, 0, 3));                        // P3 (group 100) is other now: EACCES
    run(1, h, ipc_set_req(KCall::semctl, 0xffffffffu, 1000, 0600));  // EINVAL
    t_->check_handle(h);
    EXPECT_GE(seen("semget EACCES"), 1);
    EXPECT_EQ(seen("semget EINVAL"), 1);
    EXPECT_EQ(seen("semctl cmd 0 EPERM"), 1);
}

// Which calls set which time: otime (semop, exit_sem, a wait completed by
// SETVAL/SETALL), ctime (SETVAL, SETALL, IPC_SET), stime, rtime (msgsnd,
// msgrcv, a message handed to a waiting receiver; not MSG_COPY). The
// structures are made first and the calls come two clock seconds later,
// so that a time wrongly set or wrongly kept shows (times match within 1 s).
TEST_F(EngineScenario, TimesAreSetByTheCallsThatSetThem) {
    int a = sems(2, {1, 0});
    int b = sems(1, {0});
    int c = sems(1, {});
    int d = sems(1, {});
    int q = queue();
    int r = queue();
    run(0, q, msgsnd_req(1, 8, IPC_NOWAIT));
    run(1, b, semop_req({{0, 1, SEM_UNDO}}));
    run(2, d, semop_req({{0, -1, IPC_NOWAIT}}));
    wait(3, c, semop_req({{0, -1}}));
    std::int64_t t0 = t_->clock().realtime_s();
    while (t_->clock().realtime_s() < t0 + 2) usleep(50000);
    run(0, a, semop_req({{1, 0}}));               // wait for zero, at once: otime
    run(0, a, semctl_req(SETVAL, 0, 3));          // ctime
    t_->kill_party(1);                            // exit_sem: b's otime
    run(0, c, semctl_req(SETVAL, 0, 1));          // wakes P3: c's otime and ctime
    run(2, d, semop_req({{0, -1, IPC_NOWAIT}}));  // fails: otime stays 0
    run(1, q, msgrcv_req(1, 0, IPC_NOWAIT | MSG_COPY | MSG_NOERROR));  // EINVAL, no rtime
    run(1, q, msgrcv_req(0, 64, IPC_NOWAIT | MSG_COPY));               // no rtime
    t_->check_handle(q);
    run(1, q, msgrcv_req(0, 64, IPC_NOWAIT));     // rtime
    wait(2, r, msgrcv_req(0, 64));
    run(0, r, msgsnd_req(1, 8, IPC_NOWAIT));      // stime, and rtime by the hand-over
    run(0, q, ipc_set_req(KCall::msgctl, 0, 0, 0660, 100));  // ctime
    run(0, b, ipc_set_req(KCall::semctl, 0, 0, 0660));       // ctime
    t_->check_all();
}

TEST_F(EngineScenario, InfoRecordsMatchTheKernel) {
    int s = sems(3, {1, 2, 3});
    int q = queue();
    run(0, q, msgsnd_req(1, 17, IPC_NOWAIT));
    run(0, q, msgsnd_req(2, 5, IPC_NOWAIT));
    sems(5, {});
    t_->check_all();  // IPC_INFO, SEM_INFO, MSG_INFO against seminfo()/msginfo()
    (void)s;
}

}  // namespace
