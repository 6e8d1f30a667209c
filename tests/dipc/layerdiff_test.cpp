// The whole DIPC layer against the kernel, call by call (issue 11's
// differential test): seeded random sequences of semaphore and message
// queue calls, valid and invalid (bad ids, EFBIG, E2BIG, ERANGE, EAGAIN,
// ENOMSG, E2BIG without MSG_NOERROR, EACCES/EPERM of other users, bad
// pointers, removed structures, ENOSPC at the cluster's limits), made on
// host 1 of a two-host cluster by processes of five credentials, on the
// kernel of host 1 and on DIPC structures that host 0 owns (layerdiff_twin.hpp).
// Blocked calls are interrupted, time out, or are completed by another
// party's call; parties are killed (SEM_UNDO at exit). One variant runs over
// network namespaces (veth), with fewer calls.
//
// DIPC_LAYERDIFF_SEED=n runs that seed only (in the first variant, and in
// the one over network namespaces);
// DIPC_LAYERDIFF_STEPS=n sets the length; DIPC_LAYERDIFF_VERBOSE=1 prints
// which outcomes the sequence reached.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>

#include "engine_generator.hpp"
#include "layerdiff_setup.hpp"
#include "layerdiff_twin.hpp"

using namespace papers::dipc;
using namespace papers::dipc::layerdiff;

namespace {

long env_or(const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtol(v, nullptr, 0) : fallback;
}

// Makes sure EIDRM is reached: idle parties wait on a new set and a new
// queue (room made first if the cluster is full) when everything is
// removed. (Parties already waiting get EIDRM then too.)
void wait_for_the_removal(LayerTwin& twin) {
    int kind_index = 0;
    for (int p = 1; p < twin.parties() && kind_index < 2; ++p) {
        if (twin.pending(p)) continue;
        const proto::Kind kind = kind_index == 0 ? proto::Kind::sem : proto::Kind::msg;
        int h = twin.get(0, kind, IPC_PRIVATE, 1, 0666 | IPC_CREAT);
        if (h < 0 && !twin.live_handles(kind).empty()) {
            enginetest::KRequest rm;
            rm.call = kind == proto::Kind::sem ? enginetest::KCall::semctl : enginetest::KCall::msgctl;
            rm.cmd = IPC_RMID;
            twin.call(0, twin.target(twin.live_handles(kind).front()), rm);
            h = twin.get(0, kind, IPC_PRIVATE, 1, 0666 | IPC_CREAT);
        }
        if (h < 0) return;
        enginetest::KRequest q;
        if (kind == proto::Kind::sem) {
            q.call = enginetest::KCall::semop;
            q.nsops = 1;
            q.sops[0] = {0, -1, 0};
        } else {
            q.call = enginetest::KCall::msgrcv;
            q.bufsz = 64;
        }
        twin.call(p, twin.target(h), q, enginetest::Resolve::keep);
        ++kind_index;
    }
}

// Another party's call that may complete a call in flight: the
// operations a blocked semop waits for, a message a blocked msgrcv would
// take, room for a blocked msgsnd. (Compared like any other; they may fail.)
void wake_a_waiter(LayerTwin& twin, std::mt19937_64& rng) {
    std::vector<int> waiting, idle;
    for (int p = 1; p < twin.parties(); ++p) (twin.pending(p) ? waiting : idle).push_back(p);
    if (waiting.empty() || idle.empty()) return;
    auto any = [&](const std::vector<int>& v) { return v[rng() % v.size()]; };
    enginetest::Target t;
    const enginetest::KRequest w = twin.pending_call(any(waiting), t);
    enginetest::KRequest q;
    if (w.call == enginetest::KCall::semop) {
        for (int i = 0; i < w.nsops; ++i) {
            const struct sembuf& b = w.sops[i];
            if (b.sem_op == 0) {
                q.call = enginetest::KCall::semctl;  // wait for zero: root sets it
                q.cmd = SETVAL;
                q.semnum = b.sem_num;
                q.val = 0;
                twin.call(0, t, q);
                continue;
            }
            if (b.sem_op > 0) continue;
            q = enginetest::KRequest{};
            q.call = enginetest::KCall::semop;
            q.nsops = 1;
            q.sops[0] = {b.sem_num, static_cast<short>(-b.sem_op), IPC_NOWAIT};
            twin.call(any(idle), t, q, enginetest::Resolve::interrupt);
        }
    } else if (w.call == enginetest::KCall::msgrcv) {
        q.call = enginetest::KCall::msgsnd;
        long typ = w.msgtyp;
        q.mtype = (w.flags & MSG_EXCEPT) ? std::max(typ, 0L) + 1 : typ > 0 ? typ : typ < 0 ? 1 + static_cast<long>(rng() % static_cast<unsigned long>(-std::max(typ, -4L))) : 1 + static_cast<long>(rng() % 4);
        q.ntext = static_cast<int>(rng() % 65);
        for (int i = 0; i < q.ntext; ++i) q.text[i] = static_cast<unsigned char>(rng());
        q.flags = IPC_NOWAIT;
        twin.call(any(idle), t, q, enginetest::Resolve::interrupt);
    } else if (w.call == enginetest::KCall::msgsnd) {
        q.call = enginetest::KCall::msgrcv;
        q.bufsz = 64;
        q.flags = IPC_NOWAIT | MSG_NOERROR;
        twin.call(any(idle), t, q, enginetest::Resolve::interrupt);
    }
}

struct Variant {
    std::uint64_t seed;
    long steps;
    bool network_namespaces;
};

std::string variant_name(const ::testing::TestParamInfo<Variant>& i) {
    return "Seed" + std::to_string(i.param.seed) + (i.param.network_namespaces ? "OverNetworkNamespaces" : "");
}

class LayerDiff : public ::testing::TestWithParam<Variant> {};

TEST_P(LayerDiff, RandomCallsThroughARemoteOwnerMatchTheKernel) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: the hosts' IPC sysctls and the parties' credentials";
    Variant v = GetParam();
    const bool chosen = std::getenv("DIPC_LAYERDIFF_SEED") != nullptr;
    if (chosen) {
        if (v.seed != 1 && !v.network_namespaces) GTEST_SKIP() << "DIPC_LAYERDIFF_SEED picks one seed";
        v.seed = std::strtoull(std::getenv("DIPC_LAYERDIFF_SEED"), nullptr, 0);
    }
    v.steps = env_or("DIPC_LAYERDIFF_STEPS", v.steps);
    if (v.network_namespaces && geteuid() != 0) GTEST_SKIP() << "network namespaces need root";

    const proto::Limits limits = layer_limits();
    auto cluster = start_cluster(limits, v.network_namespaces);

    LayerSetup setup;
    setup.limits = limits;
    setup.agent = LAYERDIFF_AGENT;
    LayerTwin twin(*cluster, setup);
    twin.add_party({0, 0, {}});
    twin.add_party({1000, 1000, {100}});
    twin.add_party({1001, 100, {}});
    twin.add_party({1002, 1002, {1000}});
    twin.add_party({1000, 1000, {}});

    enginetest::GeneratorOptions g;
    g.lose_host = false;   // faults of hosts are dipc_layer_test's
    g.fault_percent = 4;
    g.keep_percent = 50;
    enginetest::Generator gen(twin, v.seed, limits, g);
    auto start = std::chrono::steady_clock::now();
    std::mt19937_64 waker(v.seed);
    for (long i = 0; i < v.steps && twin.ok(); ++i) {
        gen.step();
        if (waker() % 100 < 30) wake_a_waiter(twin, waker);
    }
    twin.check_all();
    wait_for_the_removal(twin);
    twin.remove_everything();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(twin.ok()) << "seed " << v.seed << " (rerun: DIPC_LAYERDIFF_SEED=" << v.seed
                           << " DIPC_LAYERDIFF_STEPS=" << v.steps << "): " << twin.report() << "\nlogs:\n"
                           << cluster->all_logs();
    std::printf("seed %llu: %llu calls compared in %.2f s\n", static_cast<unsigned long long>(v.seed),
                static_cast<unsigned long long>(twin.calls_made()), s);
    if (std::getenv("DIPC_LAYERDIFF_VERBOSE")) std::printf("%s", twin.outcome_summary().c_str());

    // What the sequence must have reached (each seed, at its default length).
    if (chosen || std::getenv("DIPC_LAYERDIFF_STEPS") || v.network_namespaces) return;
    std::set<std::string> reached;
    for (const auto& [what, n] : twin.outcomes()) reached.insert(what.substr(what.rfind(' ') + 1));
    for (const char* e : {"EINVAL", "EFBIG", "E2BIG", "ERANGE", "EAGAIN", "ENOMSG", "EACCES", "EPERM", "EFAULT",
                          "EIDRM", "EINTR", "EEXIST", "ENOENT", "ENOSPC"})
        EXPECT_TRUE(reached.count(e)) << "seed " << v.seed << " never reached " << e << ":\n" << twin.outcome_summary();
}

INSTANTIATE_TEST_SUITE_P(Layer, LayerDiff,
                         ::testing::Values(Variant{1, 1500, false}, Variant{2, 1500, false}, Variant{3, 1500, false},
                                           Variant{4, 1500, false}, Variant{5, 500, true}),
                         variant_name);

}  // namespace
