// Differential test of the owner engine against the kernel's System V IPC:
// seeded random sequences of semaphore and message-queue calls, valid and
// invalid, by processes of different credentials and hosts, executed on
// both and compared call by call (engine_twin.hpp). Blocking calls are
// ended at once (semtimedop with a tiny timeout vs expire(), a signal vs
// cancel()), so the sequence is deterministic; processes exit (undo vs
// process_gone) and a host is lost (host_lost).
//
// DIPC_ENGINE_SEED=n runs that seed only; DIPC_ENGINE_OPS=n sets the length.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "engine_generator.hpp"
#include "engine_kernel_ns.hpp"
#include "engine_twin.hpp"

using namespace papers::dipc;
using namespace papers::dipc::enginetest;
using proto::Kind;

namespace {

long env_or(const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtol(v, nullptr, 0) : fallback;
}

class EngineDiff : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(EngineDiff, RandomCallsMatchTheKernel) {
    std::uint64_t seed = GetParam();
    if (const char* only = std::getenv("DIPC_ENGINE_SEED")) {
        if (seed != 1) GTEST_SKIP() << "DIPC_ENGINE_SEED picks one seed";
        seed = std::strtoull(only, nullptr, 0);
    }
    long ops = env_or("DIPC_ENGINE_OPS", 2500);
    Twin twin(test_limits());
    if (!twin.unavailable().empty()) GTEST_SKIP() << twin.unavailable();
    twin.add_party({0, 0, {}}, 1);
    twin.add_party({1000, 1000, {100}}, 1);
    twin.add_party({1001, 100, {}}, 1);
    twin.add_party({1002, 1002, {1000}}, 1);
    twin.add_party({1000, 1000, {}}, 2);
    twin.add_party({1001, 1001, {100, 1002}}, 2);
    Generator gen(twin, seed, test_limits());
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < ops && twin.ok(); ++i) gen.step();
    twin.check_all();
    twin.remove_everything();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(twin.ok()) << "seed " << seed << " (rerun: DIPC_ENGINE_SEED=" << seed << "): " << twin.report();
    std::printf("seed %llu: %llu calls compared in %.2f s\n", static_cast<unsigned long long>(seed),
                static_cast<unsigned long long>(twin.calls_made()), s);
    if (std::getenv("DIPC_ENGINE_VERBOSE")) std::printf("%s", twin.outcome_summary().c_str());
}

INSTANTIATE_TEST_SUITE_P(Seeds, EngineDiff, ::testing::Values(1, 2, 3, 4, 5, 6));

}  // namespace
