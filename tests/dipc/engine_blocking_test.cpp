// The owner engine's blocking semantics against the kernel: seeded random
// runs in which processes block in semop, msgrcv and msgsnd and stay
// blocked while others change the structure, so that who completes after
// each step (the kernel's update_queue / wake-for-zero order for semaphore
// arrays, pipelined_send's receiver order, a sender woken as space frees),
// with what result, is compared with the kernel (engine_twin.hpp: the kernel
// has decided before the waker's syscall returns; every party is then
// either done or seen asleep in its call). Waiters are interrupted (EINTR
// vs cancel), killed (exit_sem vs process_gone), lose their host
// (host_lost), and at the end every structure is removed (EIDRM).
//
// DIPC_ENGINE_SEED=n runs that seed only; DIPC_ENGINE_OPS=n sets the length.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "engine_kernel_ns.hpp"
#include "engine_requests.hpp"
#include "engine_twin.hpp"

using namespace papers::dipc;
using namespace papers::dipc::enginetest;
using proto::Kind;

namespace {

long env_or(const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtol(v, nullptr, 0) : fallback;
}

// P0 (root) changes the structure; P1..P6 block in it, two on host 2.
void add_parties(Twin& t) {
    t.add_party({0, 0, {}}, 1);
    t.add_party({1000, 1000, {}}, 1);
    t.add_party({1001, 100, {1000}}, 1);
    t.add_party({1002, 1002, {}}, 1);
    t.add_party({1000, 1000, {}}, 2);
    t.add_party({1003, 1003, {}}, 2);
    t.add_party({1001, 1001, {}}, 1);
}

class Run {
public:
    Run(Twin& t, std::uint64_t seed) : t_(t), rng_(seed) {}

protected:
    int below(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }
    std::vector<int> waiters(bool pending) const {
        std::vector<int> v;
        for (int p = 1; p < t_.parties(); ++p)
            if (t_.pending(p) == pending) v.push_back(p);
        return v;
    }
    int any_of(const std::vector<int>& v) { return v[below(static_cast<int>(v.size()))]; }

    Twin& t_;
    std::mt19937_64 rng_;
};

class SemRun : public Run {
public:
    using Run::Run;

    void run(long steps) {
        h_ = t_.get(0, Kind::sem, IPC_PRIVATE, 3, 0666 | IPC_CREAT);
        ASSERT_GE(h_, 0) << t_.report();
        t_.call(0, t_.target(h_), setall_req({1, 0, 2}));
        for (long i = 0; i < steps && t_.ok(); ++i) {
            step();
            if (i % 3 == 0) t_.check_handle(h_);
        }
        // Everyone waits at the end, so that the removal has waiters to fail.
        for (int p : waiters(false)) t_.call(p, t_.target(h_), semop_req({{below(3), -30000}}));
        t_.check_handle(h_);
        t_.remove_everything();
    }

private:
    void step() {
        int r = below(100);
        std::vector<int> idle = waiters(false), pending = waiters(true);
        if (r < 42 && !idle.empty()) return wait(any_of(idle));
        if (r < 82) return release();
        if (r < 88 && !pending.empty()) return t_.interrupt(any_of(pending));
        if (r < 94) return t_.kill_party(1 + below(t_.parties() - 1));
        if (r < 95) return t_.lose_host(2);
        release();
    }

    // A waiter's array: mostly decrements and waits for zero, some complex,
    // some SEM_UNDO, and now and then IPC_NOWAIT on a later operation (which
    // fails the array with EAGAIN when a re-evaluation reaches it).
    void wait(int p) {
        KRequest q = semop_req({});
        q.nsops = chance(35) ? 2 + below(2) : 1;
        for (int i = 0; i < q.nsops; ++i) {
            int r = below(100);
            q.sops[i].sem_num = static_cast<unsigned short>(below(3));
            q.sops[i].sem_op = static_cast<short>(r < 55 ? -1 - below(2) : r < 82 ? 0 : 1);
            q.sops[i].sem_flg = static_cast<short>((chance(25) ? SEM_UNDO : 0) | (i > 0 && chance(10) ? IPC_NOWAIT : 0));
        }
        t_.call(p, t_.target(h_), q);
    }

    void release() {
        int r = below(100);
        KRequest q;
        if (r < 50) {
            q = semop_req({});
            q.nsops = 1 + below(2);
            for (int i = 0; i < q.nsops; ++i) {
                q.sops[i].sem_num = static_cast<unsigned short>(below(3));
                q.sops[i].sem_op = static_cast<short>(chance(80) ? 1 + below(2) : -1);
                q.sops[i].sem_flg = static_cast<short>(IPC_NOWAIT | (chance(20) ? SEM_UNDO : 0));
            }
        } else if (r < 75) {
            q = semctl_req(SETVAL, below(3), below(4));
        } else if (r < 90) {
            q = setall_req({static_cast<unsigned short>(below(4)), static_cast<unsigned short>(below(4)),
                            static_cast<unsigned short>(below(4))});
        } else {
            q = semop_req({{below(3), 0, IPC_NOWAIT}});
        }
        // Releases come from the controller, or from an idle waiter (whose
        // SEM_UNDO then matters when it dies).
        std::vector<int> idle = waiters(false);
        int p = idle.empty() || chance(60) ? 0 : any_of(idle);
        t_.call(p, t_.target(h_), q);
    }

    int h_ = -1;
};

class MsgRun : public Run {
public:
    using Run::Run;

    void run(long steps) {
        h_ = t_.get(0, Kind::msg, IPC_PRIVATE, 0, 0666 | IPC_CREAT);
        ASSERT_GE(h_, 0) << t_.report();
        for (long i = 0; i < steps && t_.ok(); ++i) {
            step();
            if (i % 4 == 0) t_.check_handle(h_);
        }
        // Everyone waits at the end, so that the removal has waiters to fail
        // (with IPC_SET's reordering race harmless: nothing is sent again).
        t_.call(0, t_.target(h_), ipc_set_req(KCall::msgctl, 0, 0, 0666, 256));
        for (int p : waiters(false)) t_.call(p, t_.target(h_), msgrcv_req(99, 64));
        t_.check_handle(h_);
        t_.remove_everything();
    }

private:
    int senders_pending() const {
        int n = 0;
        for (int p = 1; p < t_.parties(); ++p) n += t_.pending(p) && sender_[p];
        return n;
    }

    void step() {
        int r = below(100);
        std::vector<int> idle = waiters(false), pending = waiters(true);
        if (r < 34 && !idle.empty()) return receive(any_of(idle));
        // At most one blocked sender: the kernel wakes every sender whose
        // message fits and lets them race; with one, there is no race.
        if (r < 46 && !idle.empty() && senders_pending() == 0) return send(any_of(idle));
        if (r < 80) return controller();
        if (r < 84) return set();
        if (r < 91 && !pending.empty()) return t_.interrupt(any_of(pending));
        if (r < 95) return t_.kill_party(1 + below(t_.parties() - 1));
        if (r < 96) return t_.lose_host(2);
        controller();
    }

    void receive(int p) {
        long msgtyp = below(7) - 3;
        int flags = (chance(30) ? MSG_NOERROR : 0) | (chance(15) ? MSG_EXCEPT : 0);
        sender_[p] = false;
        t_.call(p, t_.target(h_), msgrcv_req(msgtyp, static_cast<unsigned long>(below(70)), flags));
    }

    void send(int p) {
        sender_[p] = true;
        t_.call(p, t_.target(h_), msgsnd_req(1 + below(3), 20 + below(45), 0, static_cast<unsigned char>(below(200))));
    }

    void controller() {
        if (chance(55))
            t_.call(0, t_.target(h_), msgsnd_req(1 + below(3), below(65), IPC_NOWAIT, static_cast<unsigned char>(below(200))));
        else
            t_.call(0, t_.target(h_), msgrcv_req(below(7) - 3, 64, IPC_NOWAIT | (chance(20) ? MSG_EXCEPT : 0)));
    }

    // IPC_SET wakes every receiver, which checks its permission again and
    // queues again at the tail; with two or more waiting, the order in which
    // they run decides their new order (a kernel race): at most one waits.
    void set() {
        std::vector<int> pending = waiters(true);
        if (pending.size() > 1) return controller();
        static const unsigned modes[] = {0666, 0666, 0622, 0644, 0660};
        static const unsigned long qbytes[] = {64, 128, 256, 256, 100};
        t_.call(0, t_.target(h_), ipc_set_req(KCall::msgctl, 0, 0, modes[below(5)], qbytes[below(5)]));
    }

    int h_ = -1;
    bool sender_[16] = {};
};

class EngineBlocking : public ::testing::TestWithParam<std::uint64_t> {
protected:
    std::uint64_t seed() {
        if (const char* only = std::getenv("DIPC_ENGINE_SEED")) return std::strtoull(only, nullptr, 0);
        return GetParam();
    }
};

TEST_P(EngineBlocking, SemaphoreWaitersCompleteAsInTheKernel) {
    Twin t(test_limits());
    if (!t.unavailable().empty()) GTEST_SKIP() << t.unavailable();
    add_parties(t);
    std::uint64_t s = seed();
    SemRun(t, s).run(env_or("DIPC_ENGINE_OPS", 400));
    ASSERT_TRUE(t.ok()) << "seed " << s << " (rerun: DIPC_ENGINE_SEED=" << s << "): " << t.report();
    EXPECT_GT(t.outcomes().count("semop blocked, then 0"), 0u) << t.outcome_summary();
    EXPECT_GT(t.outcomes().count("semop blocked, then EIDRM"), 0u) << t.outcome_summary();
    if (std::getenv("DIPC_ENGINE_VERBOSE")) std::printf("%llu calls\n%s", (unsigned long long)t.calls_made(), t.outcome_summary().c_str());
}

TEST_P(EngineBlocking, MessageWaitersCompleteAsInTheKernel) {
    Twin t(test_limits());
    if (!t.unavailable().empty()) GTEST_SKIP() << t.unavailable();
    add_parties(t);
    std::uint64_t s = seed();
    MsgRun(t, s).run(env_or("DIPC_ENGINE_OPS", 400));
    ASSERT_TRUE(t.ok()) << "seed " << s << " (rerun: DIPC_ENGINE_SEED=" << s << "): " << t.report();
    EXPECT_GT(t.outcomes().count("msgrcv blocked, then 0"), 0u) << t.outcome_summary();
    EXPECT_GT(t.outcomes().count("msgrcv blocked, then EIDRM"), 0u) << t.outcome_summary();
    if (std::getenv("DIPC_ENGINE_VERBOSE")) std::printf("%llu calls\n%s", (unsigned long long)t.calls_made(), t.outcome_summary().c_str());
}

INSTANTIATE_TEST_SUITE_P(Seeds, EngineBlocking, ::testing::Values(11, 12, 13, 14));

}  // namespace
