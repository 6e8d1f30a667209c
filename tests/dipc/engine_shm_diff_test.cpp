// Differential test of the owner engine's shared memory metadata against
// the kernel: seeded random sequences of shmget, shmat, shmdt, shmctl
// (every command), fork and exit, valid and invalid, by processes of
// different credentials on two hosts, executed on both and compared call by
// call (engine_twin.hpp). The actors really attach and detach, so nattch,
// atime, dtime and lpid are the kernel's; segments removed while attached
// must go at the last detach on both sides; a host is lost now and then.
//
// DIPC_ENGINE_SEED=n runs that seed only; DIPC_ENGINE_OPS=n sets the length;
// DIPC_ENGINE_VERBOSE=1 prints which outcomes the sequence reached.
#include <gtest/gtest.h>
#include <linux/capability.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "engine_kernel_ns.hpp"
#include "engine_twin.hpp"
#include "proto/ids.hpp"

using namespace papers::dipc;
using namespace papers::dipc::enginetest;
using proto::Kind;

namespace {

constexpr int kKeys[] = {0x61, 0x62, 0x63, IPC_PRIVATE};
constexpr unsigned kModes[] = {0600, 0666, 0640, 0604, 0660, 0400, 0200, 0644, 0, 0777,
                               0460, 0046, 0606, 0700, 0755, 0711, 0500, 0111};
constexpr unsigned kUids[] = {0, 1000, 1001, 1002};
constexpr unsigned kGids[] = {0, 100, 1000, 1002};

class Generator {
public:
    Generator(Twin& twin, std::uint64_t seed)
        : t_(twin), rng_(seed), limits_(test_limits()), ipc_lock_(has_capability(CAP_IPC_LOCK)) {}

    void step() {
        int r = below(1000);
        if ((r -= 90) < 0) return shmget();
        if ((r -= 220) < 0) return shmat();
        if ((r -= 150) < 0) return shmdt();
        if ((r -= 330) < 0) return shmctl();
        if ((r -= 40) < 0) return fork();
        if ((r -= 40) < 0) return end_child();
        if ((r -= 25) < 0) return t_.kill_party(1 + below(t_.parties() - 1));
        if ((r -= 4) < 0) return t_.lose_host(2);
        if ((r -= 80) < 0) return check_one();
        return t_.check_all();
    }

private:
    int below(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }
    template <class T, std::size_t N>
    T pick(const T (&a)[N]) { return a[below(N)]; }
    int party() { return below(t_.parties()); }
    int mode() { return static_cast<int>(pick(kModes)); }

    void check_one() {
        if (t_.handles().empty()) return;
        t_.check_handle(below(static_cast<int>(t_.handles().size())));
    }

    void shmget() {
        int flags = mode() | (chance(60) ? IPC_CREAT : 0) | (chance(15) ? IPC_EXCL : 0);
        unsigned long size = chance(80) ? pick((const unsigned long[]){1, 100, 4095, 4096, 4097, 8192, 20000, 65536,
                                                                       100000, 150000})
                                        : pick((const unsigned long[]){0, limits_.shmmax, limits_.shmmax + 1, 200000,
                                                                       static_cast<unsigned long>(-1), 1ul << 40});
        t_.shmget(party(), pick(kKeys), size, flags);
    }

    // Most calls go to a live segment; some to a removed one, to ids no
    // segment has, or to negative ids. Creates one when there is none.
    bool choose(Target& tg, bool by_index = false) {
        std::vector<int> live = t_.live_handles(Kind::shm);
        if (live.empty()) {
            t_.shmget(0, IPC_PRIVATE, 1 + static_cast<unsigned long>(below(9000)), 0666 | IPC_CREAT);
            return false;
        }
        int r = below(100);
        if (r < 88 || (by_index && r < 95)) {
            tg = t_.target(live[below(static_cast<int>(live.size()))], by_index);
            return true;
        }
        if (r < 95) {
            std::vector<int> dead;
            for (std::size_t h = 0; h < t_.handles().size(); ++h)
                if (!t_.handles()[h].live && t_.handles()[h].kind == Kind::shm) dead.push_back(static_cast<int>(h));
            if (!dead.empty()) {
                tg = t_.target(dead[below(static_cast<int>(dead.size()))]);
                return true;
            }
        }
        if (r < 98) {
            tg.kid = by_index ? 31000 : (7 << 15) | 31000;  // an index the kernel has not used
            tg.eid = proto::make_id(700, 7);
        } else {
            tg.kid = -1;
            tg.eid = -1;
        }
        return true;
    }

    void shmat() {
        Target tg;
        if (!choose(tg)) return;
        int r = below(100);
        int flags = r < 50 ? 0 : r < 80 ? SHM_RDONLY : r < 90 ? SHM_EXEC : SHM_RDONLY | SHM_EXEC;
        t_.shmat(party(), tg, flags);
    }

    void shmdt() {
        std::vector<int> holders;
        for (int p = 0; p < t_.parties(); ++p)
            if (!t_.attachments(p).empty()) holders.push_back(p);
        if (holders.empty()) return shmat();
        int p = holders[below(static_cast<int>(holders.size()))];
        t_.shmdt(p, below(static_cast<int>(t_.attachments(p).size())));
    }

    void fork() {
        std::vector<int> can;
        for (int p = 0; p < t_.parties(); ++p)
            if (!t_.attachments(p).empty() && !t_.has_child(p)) can.push_back(p);
        if (can.empty()) return shmat();
        t_.fork_party(can[below(static_cast<int>(can.size()))]);
    }

    void end_child() {
        std::vector<int> with;
        for (int p = 0; p < t_.parties(); ++p)
            if (t_.has_child(p)) with.push_back(p);
        if (with.empty()) return fork();
        t_.end_child(with[below(static_cast<int>(with.size()))]);
    }

    void shmctl() {
        KRequest q;
        q.call = KCall::shmctl;
        static const int cmds[] = {IPC_STAT, IPC_STAT, SHM_STAT, SHM_STAT_ANY, IPC_SET, IPC_SET, IPC_RMID, IPC_RMID,
                                   SHM_LOCK, SHM_LOCK, SHM_UNLOCK, 99, -1, IPC_INFO, SHM_INFO};
        q.cmd = pick(cmds);
        if (q.cmd == IPC_RMID && t_.live_handles(Kind::shm).size() < 3 && chance(60)) q.cmd = IPC_STAT;
        if (q.cmd == IPC_INFO || q.cmd == SHM_INFO) return t_.call(party(), Target{}, q);
        Target tg;
        if (!choose(tg, q.cmd == SHM_STAT || q.cmd == SHM_STAT_ANY)) return;
        q.uid = chance(3) ? 0xffffffffu : pick(kUids);
        q.gid = chance(3) ? 0xffffffffu : pick(kGids);
        q.mode = static_cast<unsigned>(mode()) | (chance(10) ? 07000u : 0u);
        int p = party();
        // Root without CAP_IPC_LOCK is an ordinary user for SHM_LOCK in the
        // kernel; the engine's euid 0 stands for having it.
        if (p == 0 && !ipc_lock_ && (q.cmd == SHM_LOCK || q.cmd == SHM_UNLOCK)) q.cmd = IPC_STAT;
        t_.call(p, tg, q);
    }

    Twin& t_;
    std::mt19937_64 rng_;
    proto::Limits limits_;
    bool ipc_lock_;
};

long env_or(const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtol(v, nullptr, 0) : fallback;
}

class EngineShmDiff : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(EngineShmDiff, RandomCallsMatchTheKernel) {
    std::uint64_t seed = GetParam();
    if (const char* only = std::getenv("DIPC_ENGINE_SEED")) {
        if (seed != 1) GTEST_SKIP() << "DIPC_ENGINE_SEED picks one seed";
        seed = std::strtoull(only, nullptr, 0);
    }
    long ops = env_or("DIPC_ENGINE_OPS", 3000);
    Twin twin(test_limits());
    if (!twin.unavailable().empty()) GTEST_SKIP() << twin.unavailable();
    twin.add_party({0, 0, {}}, 1);
    twin.add_party({1000, 1000, {100}}, 1);
    twin.add_party({1001, 100, {}}, 1);
    twin.add_party({1002, 1002, {1000}}, 1);
    twin.add_party({1000, 1000, {}}, 2);
    twin.add_party({1001, 1001, {100, 1002}}, 2);
    Generator gen(twin, seed);
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < ops && twin.ok(); ++i) gen.step();
    twin.check_all();
    twin.remove_everything();
    for (std::size_t h = 0; h < twin.handles().size() && twin.ok(); ++h)
        EXPECT_FALSE(twin.handles()[h].live) << "H" << h << " outlived remove_everything";
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(twin.ok()) << "seed " << seed << " (rerun: DIPC_ENGINE_SEED=" << seed << "): " << twin.report();
    std::printf("seed %llu: %llu calls compared in %.2f s\n", static_cast<unsigned long long>(seed),
                static_cast<unsigned long long>(twin.calls_made()), s);
    if (std::getenv("DIPC_ENGINE_VERBOSE")) std::printf("%s", twin.outcome_summary().c_str());
}

INSTANTIATE_TEST_SUITE_P(Seeds, EngineShmDiff, ::testing::Values(1, 2, 3, 4));

}  // namespace
