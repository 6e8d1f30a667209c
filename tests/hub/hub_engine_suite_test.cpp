// The operation suite on the hub engine with N threads against the
// in-process Verilated hub, for N in {1,2,3,4,5,8}.
#include <gtest/gtest.h>

#include <mutex>

#include "../suite/backend_ops.hpp"
#include "../suite/op_suite.hpp"
#include "hub_engine_harness.hpp"

namespace papers::test {
namespace {


class HubEngineSuite : public ::testing::TestWithParam<int> {};

TEST_P(HubEngineSuite, EveryOperationMatchesReference) {
    const int n = GetParam();
    std::mutex mu;
    std::vector<std::string> failures;
    int checks = 0;
    auto rcs = run_pes(n, [&](int r, hub::HubEngine& pe) {
        BackendOps ops(pe, r, n);
        auto res = run_op_suite(ops, 7);
        EXPECT_EQ(pe.finalize(), 0);
        std::lock_guard lock(mu);
        checks += res.checks;
        failures.insert(failures.end(), res.failures.begin(), res.failures.end());
    });
    for (int r = 0; r < n; ++r) EXPECT_EQ(rcs[r], 0) << "open rank " << r;
    EXPECT_GT(checks, 100 * n);
    for (std::size_t i = 0; i < failures.size() && i < 30; ++i) ADD_FAILURE() << failures[i];
}

INSTANTIATE_TEST_SUITE_P(N, HubEngineSuite, ::testing::Values(1, 2, 3, 4, 5, 8));

}  // namespace
}  // namespace papers::test
