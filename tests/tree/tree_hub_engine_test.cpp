// tree_hub_engine_test.cpp — the unchanged hub engine on the hub tree: N PE threads, each with its
// own SimPort + HubExchanger + HubEngine, against an in-process HubServer serving the tree
// RTL (the code papers-hubsim --tree runs). The whole operation suite must pass.
#include <gtest/gtest.h>

#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "../hub/hub_engine_harness.hpp"
#include "../suite/backend_ops.hpp"
#include "../suite/op_suite.hpp"
#include "tree_hub_model.hpp"

namespace papers::test {
namespace {


struct Layout {
    int leaf_ports, leaves, pes;
};
void PrintTo(const Layout& l, std::ostream* os) {
    *os << l.leaf_ports << "x" << l.leaves << " np" << l.pes;
}

class TreeEngineSuite : public ::testing::TestWithParam<Layout> {};

TEST_P(TreeEngineSuite, EveryOperationMatchesReference) {
    const Layout layout = GetParam();
    if (layout.leaf_ports > sim::TreeHubModel::leaf_ports() ||
        layout.leaves > sim::TreeHubModel::leaves())
        GTEST_SKIP() << "the verilated tree is smaller than " << layout.leaf_ports << "x"
                     << layout.leaves;
    const int n = layout.pes;
    sim::InProcessHub hub(n, sim::WireMode::hub, "", sim::TreeShape{layout.leaf_ports, layout.leaves});
    std::mutex mu;
    std::vector<std::string> failures;
    std::vector<int> open_rc(static_cast<std::size_t>(n), -1);
    int checks = 0;
    std::vector<std::thread> threads;
    for (int r = 0; r < n; ++r)
        threads.emplace_back([&, r] {
            auto pe = make_pe(hub.wire(), r, n, 30.0);
            open_rc[static_cast<std::size_t>(r)] = pe->open();
            if (open_rc[static_cast<std::size_t>(r)] != 0) return;
            BackendOps ops(*pe, r, n);
            auto res = run_op_suite(ops, 11);
            const int frc = pe->finalize();
            std::lock_guard lock(mu);
            if (frc != 0) failures.push_back("finalize rank " + std::to_string(r));
            checks += res.checks;
            failures.insert(failures.end(), res.failures.begin(), res.failures.end());
        });
    for (auto& t : threads) t.join();
    for (int r = 0; r < n; ++r) EXPECT_EQ(open_rc[static_cast<std::size_t>(r)], 0) << "open rank " << r;
    EXPECT_GT(checks, 100 * n);
    for (std::size_t i = 0; i < failures.size() && i < 30; ++i) ADD_FAILURE() << failures[i];
}

// 3 leaves of 2 PEs; 2 leaves with 3 + 2 PEs (a partly used leaf). Leaves beyond L are neutral.
INSTANTIATE_TEST_SUITE_P(Layouts, TreeEngineSuite,
                         ::testing::Values(Layout{2, 3, 6}, Layout{3, 2, 5}),
                         [](const auto& info) {
                             return std::to_string(info.param.leaf_ports) + "x" +
                                    std::to_string(info.param.leaves) + "_np" +
                                    std::to_string(info.param.pes);
                         });

TEST(TreeServer, RejectsShapesTheVerilatedTreeCannotSeat) {
    using sim::TreeShape;
    EXPECT_THROW(sim::InProcessHub(4, sim::WireMode::hub, "",
                                   TreeShape{sim::TreeHubModel::leaf_ports() + 1, 1}),
                 std::invalid_argument);
    EXPECT_THROW(sim::InProcessHub(4, sim::WireMode::hub, "",
                                   TreeShape{1, sim::TreeHubModel::leaves() + 1}),
                 std::invalid_argument);
    EXPECT_THROW(sim::InProcessHub(5, sim::WireMode::hub, "", TreeShape{2, 2}),
                 std::invalid_argument);
    EXPECT_THROW(sim::InProcessHub(2, sim::WireMode::laplink, "", TreeShape{2, 1}),
                 std::invalid_argument);
}

TEST(TreeServer, ParsesShapes) {
    std::string err;
    auto s = sim::parse_tree_shape("8x2", err);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->leaf_ports, 8);
    EXPECT_EQ(s->leaves, 2);
    EXPECT_EQ(s->capacity(), 16);
    for (const char* bad : {"", "8", "8x", "x2", "0x2", "8x0", "8x2x3", "-1x2", "axb", "8 x2"}) {
        EXPECT_FALSE(sim::parse_tree_shape(bad, err)) << bad;
        EXPECT_NE(err.find("expected PxL"), std::string::npos) << bad;
    }
}

}  // namespace
}  // namespace papers::test
