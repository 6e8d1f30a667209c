// Coherence on the client (docs/dipc-design.md, "Process views"): a miss
// asks the daemon for the right unit and access; a grant opens the page
// exactly as far as granted; a revoke on the service connection lowers it
// and is acked; a grant older than an applied revoke is ignored (the access
// faults again); threads faulting on one unit each get through. Real
// protections are read from /proc/self/maps.
#include <pthread.h>
#include <signal.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "client_dsm_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

using Faults = std::vector<std::pair<std::uint64_t, bool>>;

std::uint64_t only_handle(const FakeShmDaemon& fake) { return fake.handles().begin()->first; }

}  // namespace

TEST(ClientDsmCoherence, FirstTouchAsksForTheUnitAndTheAccess) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(4 * 4096);
        load(p + 2 * 4096 + 17);
        store(p + 3 * 4096, 1);
        load(p + 4096);
        store(p + 4096 + 9, 2);  // an upgrade of a read view
        load(p + 3 * 4096 + 5);  // already writable: no fault
        EXPECT_EQ(faults(env.fake), (Faults{{2, false}, {3, true}, {1, false}, {1, true}}));
        for (const Request& r : env.fake.requests(proto::Op::fault)) {
            EXPECT_EQ(r.as<proto::FaultReq>().attach, only_handle(env.fake));
            EXPECT_EQ(r.pid, getpid());
        }
        EXPECT_EQ(real_prot(p), "--");
        EXPECT_EQ(real_prot(p + 4096), "rw");
        EXPECT_EQ(real_prot(p + 2 * 4096), "r-");
        EXPECT_EQ(real_prot(p + 3 * 4096), "rw");
    }));
}

TEST(ClientDsmCoherence, GrantOpensOnlyAsFarAsGranted) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        // A write fault answered with a read grant: the write faults again.
        int writes = 0;
        env.fake.on_request([&](const Request& r) {
            if (r.op != proto::Op::fault || !r.as<proto::FaultReq>().write) return Action::standard();
            if (++writes > 1) return Action::standard();
            return Action::answer(FakeShmDaemon::grant_reply(1, env.fake.next_seq(r.pid)));
        });
        std::uint8_t* p = env.attach(4096);
        store(p, 5);
        EXPECT_EQ(env.host[0], 5);
        EXPECT_EQ(faults(env.fake), (Faults{{0, true}, {0, true}}));
    }));
}

TEST(ClientDsmCoherence, RevokeLowersTheViewAndIsAcked) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(2 * 4096);
        store(p, 1);
        store(p + 4096, 1);
        ASSERT_EQ(real_prot(p), "rw");
        std::uint64_t h = only_handle(env.fake);
        // To read: the page stays readable, a write faults.
        ASSERT_NE(env.fake.revoke(getpid(), h, DsmEnv::kShmid, 0, 1), 0u);
        EXPECT_EQ(real_prot(p), "r-");
        EXPECT_EQ(real_prot(p + 4096), "rw");
        EXPECT_EQ(load(p), 1);
        EXPECT_EQ(faults(env.fake).size(), 2u);
        store(p, 2);
        EXPECT_EQ(faults(env.fake).back(), (std::pair<std::uint64_t, bool>{0, true}));
        // Both units to none with one order.
        ASSERT_NE(env.fake.revoke(getpid(), h, DsmEnv::kShmid, 0, 0, 2), 0u);
        EXPECT_EQ(real_prot(p), "--");
        EXPECT_EQ(real_prot(p + 4096), "--");
        env.host[4096] = 42;  // written elsewhere meanwhile
        EXPECT_EQ(load(p + 4096), 42);
        EXPECT_EQ(faults(env.fake).back(), (std::pair<std::uint64_t, bool>{1, false}));
    }));
}

TEST(ClientDsmCoherence, GrantOlderThanAnAppliedRevokeIsIgnored) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::atomic<int> seen{0};
        env.fake.on_request([&](const Request& r) {
            if (r.op == proto::Op::fault && seen++ == 0) return Action::hold();
            return Action::standard();
        });
        std::uint8_t* p = env.attach(4096);
        std::uint64_t h = only_handle(env.fake);
        pid_t self = getpid();
        std::thread reader([&] { EXPECT_EQ(load(p + 10), 77); });
        ASSERT_TRUE(env.fake.wait_for_op(proto::Op::fault, 1));
        Request held = env.fake.requests(proto::Op::fault).at(0);
        // The daemon granted (seq g), then revoked (seq g+1); the revoke
        // arrives first and is applied; the grant comes after it.
        std::uint64_t g = env.fake.next_seq(self);
        ASSERT_TRUE(env.fake.revoke_with_seq(self, h, DsmEnv::kShmid, 0, 0, 1, g + 1));
        env.host[10] = 77;
        env.fake.next_seq(self);  // g+1 was the revoke's
        env.fake.reply(held, FakeShmDaemon::grant_reply(2, g));
        reader.join();
        // The stale grant opened nothing: the access faulted again.
        EXPECT_EQ(faults(env.fake), (Faults{{0, false}, {0, false}}));
        EXPECT_EQ(real_prot(p), "r-");
    }));
}

TEST(ClientDsmCoherence, RevokeOlderThanAnAppliedGrantIsAckedButChangesNothing) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(4096);
        store(p, 3);  // granted with seq 1
        std::uint64_t h = only_handle(env.fake);
        ASSERT_TRUE(env.fake.revoke_with_seq(getpid(), h, DsmEnv::kShmid, 0, 0, 1, 1));
        EXPECT_EQ(real_prot(p), "rw");
    }));
}

TEST(ClientDsmCoherence, TwoThreadsFaultingOnOneUnitBothGetThrough) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::atomic<int> seen{0};
        env.fake.on_request([&](const Request& r) {
            if (r.op == proto::Op::fault && seen++ < 2) return Action::hold();
            return Action::standard();
        });
        std::uint8_t* p = env.attach(4096);
        env.host[100] = 11;
        std::thread a([&] { EXPECT_EQ(load(p + 100), 11); });
        std::thread b([&] { store(p + 200, 22); });
        ASSERT_TRUE(env.fake.wait_for_op(proto::Op::fault, 2));
        auto held = env.fake.requests(proto::Op::fault);
        EXPECT_NE(held[0].conn, held[1].conn);  // each thread on its own link
        // Answered in the order the daemon would grant them.
        for (const Request& r : held)
            env.fake.reply(r, FakeShmDaemon::grant_reply(r.as<proto::FaultReq>().write ? 2 : 1,
                                                         env.fake.next_seq(getpid())));
        a.join();
        b.join();
        EXPECT_EQ(env.host[200], 22);
        EXPECT_EQ(real_prot(p), "rw");
    }));
}

TEST(ClientDsmCoherence, CountersStayExactWhileTheDaemonKeepsTakingUnitsAway) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        constexpr int kUnits = 8, kThreads = 4, kRevokes = 300;
        std::uint8_t* p = env.attach(kUnits * 4096);
        std::uint64_t h = only_handle(env.fake);
        std::atomic<int> revokes{0};
        // The daemon takes units away (to none or read) while threads count in them.
        std::thread revoker([&] {
            for (int i = 0; i < kRevokes; ++i) {
                if (env.fake.revoke(getpid(), h, DsmEnv::kShmid, i % kUnits, i % 2) != 0) ++revokes;
            }
        });
        std::vector<std::thread> workers;
        std::vector<std::vector<int>> counted(kThreads, std::vector<int>(kUnits, 0));
        for (int t = 0; t < kThreads; ++t)
            workers.emplace_back([&, t] {
                for (int i = 0; revokes < kRevokes; ++i) {
                    int u = i % kUnits;
                    reinterpret_cast<std::atomic<int>*>(p + u * 4096 + t * 64)->fetch_add(1);
                    ++counted[t][u];
                }
            });
        revoker.join();
        EXPECT_EQ(revokes.load(), kRevokes);  // every order acked
        if (revokes < kRevokes) revokes = kRevokes;
        for (auto& w : workers) w.join();
        for (int t = 0; t < kThreads; ++t)
            for (int u = 0; u < kUnits; ++u) {
                int v;
                std::memcpy(&v, env.host + u * 4096 + t * 64, sizeof v);
                EXPECT_EQ(v, counted[t][u]) << "thread " << t << " unit " << u;
            }
        // The orders really took units away under the threads' feet.
        EXPECT_GT(faults(env.fake).size(), std::size_t(kUnits));
    }));
}

namespace {
std::uint8_t* volatile g_page = nullptr;
void touching_handler(int) { load(g_page + 7); }
}  // namespace

TEST(ClientDsmCoherence, FaultInAHandlerThatInterruptedABlockedCallUsesASecondLink) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        env.fake.on_request([](const Request& r) {
            if (r.op == proto::Op::semop || r.op == proto::Op::cancel) return Action::hold();
            return Action::standard();
        });
        g_page = env.attach(4096);
        struct sigaction sa {};
        sa.sa_handler = touching_handler;
        sigaction(SIGUSR1, &sa, nullptr);
        long result = 0;
        int err = 0;
        std::thread t([&] {
            struct sembuf op{0, -1, 0};
            result = semop(proto::make_id(1, 1), &op, 1);
            err = errno;
        });
        ASSERT_TRUE(env.fake.wait_for_op(proto::Op::semop));
        for (int i = 0; i < 100 && !env.fake.wait_for_op(proto::Op::fault, 1, 100); ++i)
            pthread_kill(t.native_handle(), SIGUSR1);
        ASSERT_TRUE(env.fake.wait_for_op(proto::Op::cancel, 1));
        Request sem = env.fake.requests(proto::Op::semop).at(0);
        Request fault = env.fake.requests(proto::Op::fault).at(0);
        EXPECT_NE(fault.conn, sem.conn);  // the thread's link was busy with semop
        EXPECT_EQ(fault.pid, sem.pid);
        env.fake.reply(sem, err_reply(EINTR));
        t.join();
        EXPECT_EQ(result, -1);
        EXPECT_EQ(err, EINTR);
    }));
}
