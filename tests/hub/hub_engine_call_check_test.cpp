// The PAPERS_DEBUG call check on the hub engine (two PE threads on the
// in-process Verilated hub): for every pair of element types and every pair
// of reduction ops, two PEs that reduce differently both get
// PAPERS_EMISMATCH naming the other's call, and equal calls pass. The check
// does not break the engine, so all pairs run in one session.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "../../libpapers/core/call_check.hpp"
#include "../../libpapers/core/error.hpp"
#include "../../libpapers/core/typeops.hpp"
#include "hub_engine_harness.hpp"

namespace papers::test {
namespace {

struct Pair {
    CallTag a, b;  // rank 0's call, rank 1's
};

void expect_pairs_checked(const std::vector<Pair>& pairs) {
    std::mutex mu;
    std::vector<std::string> failures;
    auto rcs = run_pes(2, [&](int r, hub::HubEngine& pe) {
        for (const Pair& p : pairs) {
            const CallTag& mine = r == 0 ? p.a : p.b;
            const CallTag& theirs = r == 0 ? p.b : p.a;
            const bool same = encode_tag(p.a) == encode_tag(p.b);
            const int rc = check_same_call(pe, r, 2, mine, "papers_reduce");
            const std::string msg = rc ? last_error() : "";
            const std::string want = "while rank " + std::to_string(1 - r) + " called " +
                                     describe_call(theirs);
            const bool ok = same ? rc == 0
                                 : rc == PAPERS_EMISMATCH && msg.find(want) != std::string::npos;
            if (!ok) {
                std::lock_guard lock(mu);
                failures.push_back("rank " + std::to_string(r) + ": " + describe_call(mine) +
                                   " vs " + describe_call(theirs) + ": rc " +
                                   std::to_string(rc) + " '" + msg + "'");
            }
        }
        EXPECT_EQ(pe.finalize(), 0);
    });
    EXPECT_EQ(rcs[0], 0);
    EXPECT_EQ(rcs[1], 0);
    for (std::size_t i = 0; i < failures.size() && i < 30; ++i) ADD_FAILURE() << failures[i];
    EXPECT_TRUE(failures.empty()) << failures.size() << " pairs went wrong";
}

TEST(HubEngineCallCheck, EveryPairOfTypes) {
    std::vector<Pair> pairs;
    for (int a = 0; a < PAPERS_TYPE_COUNT_; ++a)
        for (int b = 0; b < PAPERS_TYPE_COUNT_; ++b)
            pairs.push_back({CallTag::reduce(3, papers_type_t(a), PAPERS_SUM),
                             CallTag::reduce(3, papers_type_t(b), PAPERS_SUM)});
    expect_pairs_checked(pairs);
}

TEST(HubEngineCallCheck, EveryPairOfOps) {
    std::vector<Pair> pairs;
    for (int a = 0; a < PAPERS_OP_COUNT_; ++a)
        for (int b = 0; b < PAPERS_OP_COUNT_; ++b)
            pairs.push_back({CallTag::reduce(3, PAPERS_INT32, papers_op_t(a)),
                             CallTag::reduce(3, PAPERS_INT32, papers_op_t(b))});
    expect_pairs_checked(pairs);
}

TEST(HubEngineCallCheck, MinMaxWithLocationOfEveryPairOfTypes) {
    std::vector<Pair> pairs;
    for (int a = 0; a < PAPERS_TYPE_COUNT_; ++a)
        for (int b = 0; b < PAPERS_TYPE_COUNT_; ++b)
            pairs.push_back({CallTag::reduce_loc(papers_type_t(a), PAPERS_MIN),
                             CallTag::reduce_loc(papers_type_t(b), PAPERS_MAX)});
    expect_pairs_checked(pairs);
}

}  // namespace
}  // namespace papers::test
