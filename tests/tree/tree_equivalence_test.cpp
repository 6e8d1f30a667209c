// tree_equivalence_test.cpp — the hub tree against the flat hub, both Verilated RTL in this
// process (TreeHubModel, HubModel). For random enable masks spread over the whole tree (whole
// leaves off, one port per leaf, random), the flat hub gets the same PEs on its first ports.
//
//   CycleExact: arbitrary inputs every clock (disabled ports driven with garbage too); at every
//     clock every leaf's G/R equal the flat hub's G/R of 2*(levels-1) clocks earlier.
//   PeDriven: PEs behave as the engine does (post X with a toggled S in one DATA write, wait
//     until their leaf's G equals S, read R, wait a random number of clocks, post the next);
//     each PE reads the same R sequence from both hubs, and it is the spec's NAND.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <numeric>
#include <random>
#include <vector>

#include "hub_model.hpp"
#include "tree_hub_model.hpp"

namespace {

using papers::sim::HubModel;
using papers::sim::TreeHubModel;

constexpr std::uint8_t data(unsigned s, unsigned x) {
    return static_cast<std::uint8_t>(((s & 1U) << 4) | (x & 0xFU));
}

// Tree ports of the PEs, in PE order. PE j sits on flat port j.
std::vector<int> random_layout(std::mt19937& rng) {
    const int tree_ports = TreeHubModel::max_ports();
    const int most = std::min(tree_ports, HubModel::max_ports());
    const int per_leaf = TreeHubModel::leaf_ports();
    std::vector<int> chosen;
    switch (rng() % 4) {
    case 0: {  // one leaf alone: every other subtree neutral
        const int leaf = static_cast<int>(rng() % static_cast<unsigned>(TreeHubModel::leaves()));
        for (int p = 0; p < per_leaf && static_cast<int>(chosen.size()) < most; ++p)
            chosen.push_back(leaf * per_leaf + p);
        break;
    }
    case 1:  // one port on as many leaves as possible
        for (int leaf = 0; leaf < TreeHubModel::leaves() && static_cast<int>(chosen.size()) < most; ++leaf)
            chosen.push_back(leaf * per_leaf + static_cast<int>(rng() % static_cast<unsigned>(per_leaf)));
        break;
    default: {  // a random subset of 1..most ports anywhere
        std::vector<int> all(static_cast<std::size_t>(tree_ports));
        std::iota(all.begin(), all.end(), 0);
        std::shuffle(all.begin(), all.end(), rng);
        const int n = 1 + static_cast<int>(rng() % static_cast<unsigned>(most));
        chosen.assign(all.begin(), all.begin() + n);
        std::sort(chosen.begin(), chosen.end());
    }
    }
    return chosen;
}

std::uint64_t mask_of(const std::vector<int>& ports) {
    std::uint64_t m = 0;
    for (int p : ports) m |= 1ULL << p;
    return m;
}

std::uint64_t first_n(std::size_t n) { return n >= 64 ? ~0ULL : (1ULL << n) - 1; }

TEST(TreeEquivalence, CycleExactAgainstTheDelayedFlatHub) {
    const int delay = TreeHubModel::settle_clocks() - HubModel::settle_clocks();
    ASSERT_EQ(delay, 2 * (TreeHubModel::levels() - 1));
    int g_changes = 0, layouts = 0;
    for (unsigned seed = 1; seed <= 24; ++seed) {
        std::mt19937 rng(seed);
        const std::vector<int> pes = random_layout(rng);
        ++layouts;
        TreeHubModel tree;
        HubModel flat;
        tree.set_enable(mask_of(pes));
        flat.set_enable(first_n(pes.size()));
        std::deque<std::pair<unsigned, unsigned>> flat_history(static_cast<std::size_t>(delay),
                                                               {0U, 0U});  // reset values
        std::vector<unsigned> s(pes.size(), 0);
        unsigned last_g = 0;
        for (int c = 0; c < 1500; ++c) {
            // Strobes: often all equal (so G moves), else one flips or all random; X random.
            switch (rng() % 4) {
            case 0: std::fill(s.begin(), s.end(), rng() & 1U); break;
            case 1: s[rng() % s.size()] ^= 1U; break;
            case 2: for (auto& v : s) v = rng() & 1U; break;
            default: break;
            }
            for (std::size_t j = 0; j < pes.size(); ++j) {
                const std::uint8_t d = data(s[j], rng());
                tree.set_data(pes[j], d);
                flat.set_data(static_cast<int>(j), d);
            }
            // Disabled ports of both hubs carry garbage that must be ignored.
            for (int p = 0; p < TreeHubModel::max_ports(); ++p)
                if (!((mask_of(pes) >> p) & 1U)) tree.set_data(p, static_cast<std::uint8_t>(rng()));
            for (int p = static_cast<int>(pes.size()); p < HubModel::max_ports(); ++p)
                flat.set_data(p, static_cast<std::uint8_t>(rng()));
            tree.tick();
            flat.tick();
            flat_history.emplace_back(flat.g(), flat.r());
            const auto want = flat_history.front();
            flat_history.pop_front();
            for (int k = 0; k < TreeHubModel::leaves(); ++k) {
                ASSERT_EQ(std::make_pair(tree.g(k), static_cast<unsigned>(tree.r(k))), want)
                    << "seed " << seed << " clock " << c << " leaf " << k << " (" << pes.size()
                    << " PEs)";
            }
            g_changes += flat.g() != last_g;
            last_g = flat.g();
        }
    }
    EXPECT_GT(g_changes, layouts * 50) << "the stimulus hardly moves G";
}

// One hub driven by PEs that behave like the engine. Returns what each PE read, op by op.
struct PeRun {
    std::vector<std::vector<unsigned>> r_read;  // [pe][op]
    std::uint64_t clocks = 0;
    bool finished = false;
};

// x(pe, op) and the pause before posting op, the same for both hubs.
struct Script {
    std::vector<std::vector<unsigned>> x;      // [pe][op]
    std::vector<std::vector<int>> pause;       // [pe][op], clocks
};

template <typename Hub, typename PortOf, typename LeafOf>
PeRun drive(Hub& hub, const Script& script, PortOf port_of, LeafOf g_of) {
    const std::size_t npes = script.x.size(), nops = script.x[0].size();
    PeRun run;
    run.r_read.assign(npes, {});
    std::vector<std::size_t> op(npes, 0);
    std::vector<int> wait(npes);
    std::vector<bool> posted(npes, false);
    for (std::size_t j = 0; j < npes; ++j) wait[j] = script.pause[j][0];
    const std::uint64_t limit = nops * 200ULL;
    for (; run.clocks < limit; ++run.clocks) {
        bool all_done = true;
        for (std::size_t j = 0; j < npes; ++j) {
            if (op[j] >= nops) continue;
            all_done = false;
            const unsigned s = static_cast<unsigned>((op[j] + 1) & 1U);  // op 0 posts S = 1
            if (!posted[j]) {
                if (wait[j]-- > 0) continue;
                hub.set_data(port_of(j), data(s, script.x[j][op[j]]));
                posted[j] = true;
                continue;
            }
            const auto [g, r] = g_of(j);
            if (g != s) continue;  // the hub has not acknowledged this op yet
            run.r_read[j].push_back(r);
            posted[j] = false;
            if (++op[j] < nops) wait[j] = script.pause[j][op[j]];
        }
        if (all_done) {
            run.finished = true;
            break;
        }
        hub.tick();
    }
    return run;
}

TEST(TreeEquivalence, PeDrivenResultsEqualTheFlatHubsAndTheSpec) {
    constexpr std::size_t kOps = 60;
    for (unsigned seed = 100; seed < 116; ++seed) {
        std::mt19937 rng(seed);
        const std::vector<int> pes = random_layout(rng);
        Script script;
        script.x.assign(pes.size(), std::vector<unsigned>(kOps));
        script.pause.assign(pes.size(), std::vector<int>(kOps));
        for (std::size_t j = 0; j < pes.size(); ++j)
            for (std::size_t k = 0; k < kOps; ++k) {
                script.x[j][k] = rng() & 0xFU;
                script.pause[j][k] = static_cast<int>(rng() % 8);  // some PEs are slow
            }

        TreeHubModel tree;
        tree.set_enable(mask_of(pes));
        const auto tree_run = drive(
            tree, script, [&](std::size_t j) { return pes[j]; },
            [&](std::size_t j) {
                const int leaf = TreeHubModel::leaf_of(pes[j]);
                return std::make_pair(tree.g(leaf), static_cast<unsigned>(tree.r(leaf)));
            });
        HubModel flat;
        flat.set_enable(first_n(pes.size()));
        const auto flat_run = drive(
            flat, script, [](std::size_t j) { return static_cast<int>(j); },
            [&](std::size_t) { return std::make_pair(flat.g(), static_cast<unsigned>(flat.r())); });

        ASSERT_TRUE(tree_run.finished) << "seed " << seed << ": the tree deadlocked";
        ASSERT_TRUE(flat_run.finished) << "seed " << seed << ": the flat hub deadlocked";
        for (std::size_t j = 0; j < pes.size(); ++j) {
            ASSERT_EQ(tree_run.r_read[j], flat_run.r_read[j]) << "seed " << seed << " PE " << j;
            for (std::size_t k = 0; k < kOps; ++k) {
                unsigned acc = 0xF;
                for (std::size_t i = 0; i < pes.size(); ++i) acc &= script.x[i][k];
                ASSERT_EQ(tree_run.r_read[j][k], ~acc & 0xFU)
                    << "seed " << seed << " PE " << j << " op " << k << ": not the spec's NAND";
            }
        }
        // The tree is slower only by its extra latency per operation (and what that does to the
        // PEs' pauses): never faster, and within delay clocks per op of the flat hub.
        const std::uint64_t delay = static_cast<std::uint64_t>(TreeHubModel::settle_clocks() -
                                                               HubModel::settle_clocks());
        EXPECT_GE(tree_run.clocks, flat_run.clocks) << "seed " << seed;
        EXPECT_LE(tree_run.clocks, flat_run.clocks + delay * (kOps + 1)) << "seed " << seed;
    }
}

}  // namespace
