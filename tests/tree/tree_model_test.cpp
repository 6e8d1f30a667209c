// tree_model_test.cpp — the Verilated papers_hub_tree (through TreeHubModel) on its own: shape,
// latency, hub protocol v1 section 4 at every leaf, neutral subtrees, bad arguments.
// Expected values are computed here from the spec text; the product code computes none.
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hub_model.hpp"
#include "tree_hub_model.hpp"

namespace {

using papers::sim::HubModel;
using papers::sim::TreeHubModel;

constexpr std::uint8_t data(unsigned s, unsigned x) {
    return static_cast<std::uint8_t>(((s & 1U) << 4) | (x & 0xFU));
}

std::uint64_t ports_of_leaf(int leaf) {
    const int p = TreeHubModel::leaf_ports();
    const std::uint64_t ones = p >= 64 ? ~0ULL : (1ULL << p) - 1;
    return ones << (leaf * p);
}

std::uint64_t all_ports() {
    const int n = TreeHubModel::max_ports();
    return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

class TreeModelTest : public ::testing::Test {
protected:
    TreeHubModel tree;

    void ticks(int n) {
        for (int i = 0; i < n; ++i) tree.tick();
    }
    // Every leaf must drive the same G/R; returns them.
    std::pair<unsigned, unsigned> leaves_agree() {
        const unsigned g = tree.g(0), r = tree.r(0);
        for (int k = 1; k < TreeHubModel::leaves(); ++k) {
            EXPECT_EQ(tree.g(k), g) << "leaf " << k;
            EXPECT_EQ(tree.r(k), r) << "leaf " << k;
        }
        return {g, r};
    }
    // Ports in `mask` post (s, x(port)); the rest post (!s, 0), which must not matter.
    unsigned post(std::uint64_t mask, unsigned s, unsigned salt) {
        unsigned acc = 0xF;
        for (int p = 0; p < TreeHubModel::max_ports(); ++p) {
            const unsigned x = (p * 7U + salt * 3U + 5U) & 0xFU;
            if ((mask >> p) & 1U) {
                tree.set_data(p, data(s, x));
                acc &= x;
            } else {
                tree.set_data(p, data(s ^ 1U, 0));
            }
        }
        return ~acc & 0xFU;
    }
};

TEST_F(TreeModelTest, ShapeIsTheConfiguredOne) {
    EXPECT_EQ(TreeHubModel::leaf_ports(), PAPERS_HUB_TREE_LEAF_PORTS);
    EXPECT_EQ(TreeHubModel::fanout(), PAPERS_HUB_TREE_FANOUT);
    EXPECT_EQ(TreeHubModel::levels(), PAPERS_HUB_TREE_LEVELS);
    int leaves = 1;
    for (int l = 1; l < PAPERS_HUB_TREE_LEVELS; ++l) leaves *= PAPERS_HUB_TREE_FANOUT;
    EXPECT_EQ(TreeHubModel::leaves(), leaves);
    EXPECT_EQ(TreeHubModel::max_ports(), PAPERS_HUB_TREE_LEAF_PORTS * leaves);
    EXPECT_EQ(TreeHubModel::leaf_of(TreeHubModel::leaf_ports()), 1);
}

TEST_F(TreeModelTest, VersionIsProtocolOne) { EXPECT_EQ(TreeHubModel::rtl_version(), 1); }

TEST_F(TreeModelTest, LatencyIsTwoClocksPerLevelAboveTheFlatHub) {
    // Input register + S delay + (levels-1) up + root + (levels-1) down.
    EXPECT_EQ(TreeHubModel::settle_clocks(), 2 * TreeHubModel::levels() + 1);
    EXPECT_EQ(TreeHubModel::settle_clocks(),
              HubModel::settle_clocks() + 2 * (TreeHubModel::levels() - 1));
}

TEST_F(TreeModelTest, PowerOnIsGZeroRZeroEverywhere) {
    ticks(TreeHubModel::settle_clocks());
    EXPECT_EQ(leaves_agree(), std::make_pair(0U, 0U));
}

TEST_F(TreeModelTest, OneOperationTakesExactlyTheLatencyAtEveryLeaf) {
    tree.set_enable(all_ports());
    for (unsigned s : {1U, 0U, 1U}) {
        const unsigned want = post(all_ports(), s, s + 1);
        ticks(TreeHubModel::settle_clocks() - 1);
        EXPECT_EQ(leaves_agree().first, s ^ 1U) << "G moved one clock early (s=" << s << ")";
        ticks(1);
        EXPECT_EQ(leaves_agree(), std::make_pair(s, want)) << "s=" << s;
    }
}

TEST_F(TreeModelTest, RIsHeldUntilGChangesAgain) {
    tree.set_enable(all_ports());
    const unsigned want = post(all_ports(), 1, 3);
    ticks(TreeHubModel::settle_clocks());
    ASSERT_EQ(leaves_agree(), std::make_pair(1U, want));
    // One PE posts its next nybble early (S back to 0, another X): nothing moves.
    tree.set_data(0, data(0, ~want & 0xF));
    ticks(3 * TreeHubModel::settle_clocks());
    EXPECT_EQ(leaves_agree(), std::make_pair(1U, want));
}

TEST_F(TreeModelTest, EveryLeafAloneServesItsPortsAndTheOthersAreNeutral) {
    // Only one leaf enabled: every other subtree reports the neutral triple and must neither
    // hold G back nor touch R -- yet the G/R still reach every leaf.
    unsigned s = 0;
    for (int leaf = 0; leaf < TreeHubModel::leaves(); ++leaf) {
        tree.set_enable(ports_of_leaf(leaf));
        s ^= 1U;
        const unsigned want = post(ports_of_leaf(leaf), s, static_cast<unsigned>(leaf));
        ticks(TreeHubModel::settle_clocks());
        EXPECT_EQ(leaves_agree(), std::make_pair(s, want)) << "leaf " << leaf << " alone";
    }
}

TEST_F(TreeModelTest, OnePortPerLeafSpreadOverTheTree) {
    std::uint64_t mask = 0;
    for (int leaf = 0; leaf < TreeHubModel::leaves(); ++leaf)
        mask |= 1ULL << (leaf * TreeHubModel::leaf_ports() + leaf % TreeHubModel::leaf_ports());
    tree.set_enable(mask);
    for (unsigned s : {1U, 0U}) {
        const unsigned want = post(mask, s, 9 + s);
        ticks(TreeHubModel::settle_clocks());
        EXPECT_EQ(leaves_agree(), std::make_pair(s, want));
    }
    // One straggler anywhere holds G for everyone.
    post(mask, 1, 2);
    const int last = std::countr_zero(mask >> 1) + 1;  // the second enabled port
    tree.set_data(last, data(0, 0));
    ticks(3 * TreeHubModel::settle_clocks());
    EXPECT_EQ(leaves_agree().first, 0U) << "G rose although port " << last << " still posts S=0";
}

TEST_F(TreeModelTest, NothingEnabledHoldsForever) {
    tree.set_enable(all_ports());
    const unsigned want = post(all_ports(), 1, 4);
    ticks(TreeHubModel::settle_clocks());
    ASSERT_EQ(leaves_agree(), std::make_pair(1U, want));
    tree.set_enable(0);
    std::mt19937 rng(5);
    for (int c = 0; c < 200; ++c) {
        for (int p = 0; p < TreeHubModel::max_ports(); ++p) tree.set_data(p, static_cast<std::uint8_t>(rng()));
        tree.tick();
        ASSERT_EQ(leaves_agree(), std::make_pair(1U, want)) << "clock " << c;
    }
}

TEST_F(TreeModelTest, ResetClearsGAndR) {
    tree.set_enable(all_ports());
    post(all_ports(), 1, 6);
    ticks(TreeHubModel::settle_clocks());
    ASSERT_EQ(leaves_agree().first, 1U);
    tree.reset();
    EXPECT_EQ(leaves_agree(), std::make_pair(0U, 0U));
}

TEST_F(TreeModelTest, BadArgumentsThrow) {
    EXPECT_THROW(tree.set_data(-1, 0), std::out_of_range);
    EXPECT_THROW(tree.set_data(TreeHubModel::max_ports(), 0), std::out_of_range);
    EXPECT_THROW(tree.g(TreeHubModel::leaves()), std::out_of_range);
    EXPECT_THROW(tree.r(-1), std::out_of_range);
    if (TreeHubModel::max_ports() < 64) {
        EXPECT_THROW(tree.set_enable(1ULL << TreeHubModel::max_ports()), std::invalid_argument);
    }
}

TEST_F(TreeModelTest, TraceIsAVcdWithTheTreesSignals) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("papers_tree_trace_" + std::to_string(getpid()) + ".vcd");
    std::string err;
    ASSERT_TRUE(tree.open_trace(path.string(), err)) << err;
    tree.set_enable(all_ports());
    post(all_ports(), 1, 1);
    ticks(TreeHubModel::settle_clocks());
    tree.close_trace();
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::filesystem::remove(path);
    EXPECT_NE(text.str().find("$enddefinitions"), std::string::npos);
    EXPECT_NE(text.str().find("u_root"), std::string::npos);
    EXPECT_NE(text.str().find("gen_leaf"), std::string::npos);
    EXPECT_FALSE(tree.open_trace("/nonexistent-dir/x.vcd", err));
}

TEST(TreeModelLifetime, ManyModelsOneAfterAnotherAndSideBySide) {
    // The Verilator 5.006 pitfall (public items and contexts) would hang or crash here.
    for (int i = 0; i < 3; ++i) {
        TreeHubModel a;
        HubModel flat;
        TreeHubModel b;
        a.tick();
        b.tick();
        flat.tick();
    }
    SUCCEED();
}

}  // namespace
