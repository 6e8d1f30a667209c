// The operation suite on the hub engine with N threads against the
// in-process Verilated hub, for N in {1,2,3,4,5,8}.
#include <gtest/gtest.h>

#include <mutex>

#include "../suite/op_suite.hpp"
#include "hub_harness.hpp"

namespace papers::test {
namespace {

struct BackendOps final : Ops {
    BackendOps(Backend& b, int r, int n) : b_(b), r_(r), n_(n) {}
    int rank() override { return r_; }
    int size() override { return n_; }
    int barrier() override { return b_.barrier(); }
    int any(int f) override { return b_.any(f); }
    int all(int f) override { return b_.all(f); }
    int waitvec(int f, std::uint64_t* m) override { return b_.waitvec(f, m); }
    int bcast(void* b, std::size_t n, int root) override { return b_.bcast(b, n, root); }
    int gather(const void* in, void* out, std::size_t n) override { return b_.gather(in, out, n); }
    int putget(const void* in, void* out, std::size_t n, int s) override {
        return b_.putget(in, out, n, s);
    }
    int reduce(const void* in, void* out, std::size_t c, papers_type_t t, papers_op_t op) override {
        return b_.reduce(in, out, c, t, op);
    }
    int reduce_loc(void* v, int* r, papers_type_t t, papers_op_t op) override {
        return b_.reduce_loc(v, r, t, op);
    }
    Backend& b_;
    int r_, n_;
};

class EngineSuite : public ::testing::TestWithParam<int> {};

TEST_P(EngineSuite, EveryOperationMatchesReference) {
    const int n = GetParam();
    std::mutex mu;
    std::vector<std::string> failures;
    int checks = 0;
    auto rcs = run_pes(n, [&](int r, hub::NybbleBackend& pe) {
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

INSTANTIATE_TEST_SUITE_P(N, EngineSuite, ::testing::Values(1, 2, 3, 4, 5, 8));

}  // namespace
}  // namespace papers::test
