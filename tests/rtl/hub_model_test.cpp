// hub_model_test.cpp — the Verilated papers_hub (through HubModel) against hub protocol v1 (spec §4).
// Expected values are computed here, from the spec text; the product code computes none.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hub_model.hpp"

namespace {

using papers::sim::HubModel;

// DATA byte of spec §2: X on bits 0..3, S on bit 4.
constexpr std::uint8_t data(unsigned s, unsigned x) {
    return static_cast<std::uint8_t>(((s & 1U) << 4) | (x & 0xFU));
}

// NAND over the nybbles of the enabled ports (spec §4).
std::uint8_t nand_enabled(std::uint64_t en, const std::vector<unsigned>& x) {
    unsigned acc = 0xF;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if ((en >> i) & 1U) acc &= x[i];
    }
    return static_cast<std::uint8_t>(~acc & 0xFU);
}

std::uint64_t first_n(int n) { return n >= 64 ? ~0ULL : (1ULL << n) - 1; }

class HubModelTest : public ::testing::Test {
protected:
    HubModel hub;

    void ticks(int n) {
        for (int i = 0; i < n; ++i) hub.tick();
    }
    void settle() { ticks(HubModel::settle_clocks()); }

    // Every port in [0, n) posts (s, x[i]) in one DATA write, then the hub settles.
    void operation(int n, unsigned s, const std::vector<unsigned>& x) {
        for (int i = 0; i < n; ++i) hub.set_data(i, data(s, x[static_cast<std::size_t>(i)]));
        settle();
    }
};

// ---- identity ---------------------------------------------------------------------------

TEST_F(HubModelTest, VersionIsProtocolOne) { EXPECT_EQ(HubModel::rtl_version(), 1); }

TEST_F(HubModelTest, MaxPortsIsTheConfiguredModelWidth) {
    EXPECT_EQ(HubModel::max_ports(), PAPERS_HUB_PORTS);
}

TEST_F(HubModelTest, SettleClocksIsTheSpecPipeline) {
    // Input register (1) + the extra S delay (1) + the G/R register (1).
    EXPECT_EQ(HubModel::settle_clocks(), 3);
}

// ---- reset ------------------------------------------------------------------------------

TEST_F(HubModelTest, PowerOnAndResetGiveGZeroRZero) {
    EXPECT_EQ(hub.g(), 0U);
    EXPECT_EQ(hub.r(), 0U);
    hub.set_enable(first_n(2));
    operation(2, 1, {0x1, 0x2});  // G rises, R = ~(1 & 2) = 0xF
    ASSERT_EQ(hub.g(), 1U);
    ASSERT_EQ(hub.r(), 0xF);
    hub.reset();
    EXPECT_EQ(hub.g(), 0U);
    EXPECT_EQ(hub.r(), 0U);
    // The PEs still drive S = 1, so after reset the hub sees ALL1 again and G rises anew.
    settle();
    EXPECT_EQ(hub.g(), 1U);
    EXPECT_EQ(hub.r(), 0xF);
}

// ---- C-element --------------------------------------------------------------------------

TEST_F(HubModelTest, GRisesOnlyWhenEveryEnabledStrobeIsOne) {
    constexpr int n = 4;
    hub.set_enable(first_n(n));
    for (int i = 0; i < n; ++i) {
        hub.set_data(i, data(1, 0x5));
        settle();
        ticks(5);  // more than enough: a mixed state must hold forever
        if (i < n - 1) {
            EXPECT_EQ(hub.g(), 0U) << "G rose with only " << i + 1 << " of " << n << " strobes";
            EXPECT_EQ(hub.r(), 0U);
        }
    }
    EXPECT_EQ(hub.g(), 1U);
    EXPECT_EQ(hub.r(), 0xA);  // ~0x5
}

TEST_F(HubModelTest, GFallsOnlyWhenEveryEnabledStrobeIsZero) {
    constexpr int n = 4;
    hub.set_enable(first_n(n));
    operation(n, 1, {0xF, 0xF, 0xF, 0xF});
    ASSERT_EQ(hub.g(), 1U);
    ASSERT_EQ(hub.r(), 0x0);
    for (int i = 0; i < n; ++i) {
        hub.set_data(i, data(0, 0x9));
        settle();
        ticks(5);
        if (i < n - 1) {
            EXPECT_EQ(hub.g(), 1U) << "G fell with only " << i + 1 << " of " << n << " strobes";
            EXPECT_EQ(hub.r(), 0x0);
        }
    }
    EXPECT_EQ(hub.g(), 0U);
    EXPECT_EQ(hub.r(), 0x6);  // ~0x9
}

TEST_F(HubModelTest, GHoldsWhileStrobesAreMixed) {
    constexpr int n = 3;
    hub.set_enable(first_n(n));
    operation(n, 1, {0x3, 0x7, 0xF});  // G = 1, R = ~3 = 0xC
    ASSERT_EQ(hub.g(), 1U);
    // Strobes wander through every mixed pattern (never all 0) with changing X: G and R hold.
    for (unsigned pattern : {0b110U, 0b101U, 0b011U, 0b100U, 0b010U, 0b001U, 0b110U}) {
        for (int i = 0; i < n; ++i) hub.set_data(i, data((pattern >> i) & 1U, pattern + 1U));
        ticks(HubModel::settle_clocks() + 2);
        EXPECT_EQ(hub.g(), 1U) << "pattern " << pattern;
        EXPECT_EQ(hub.r(), 0xC) << "pattern " << pattern;
    }
}

// ---- R latching -------------------------------------------------------------------------

TEST_F(HubModelTest, RIsLatchedAtTheChangeOfGAndHeldForASlowReader) {
    constexpr int n = 3;
    hub.set_enable(first_n(n));
    operation(n, 1, {0xE, 0xB, 0x7});  // AND = 0x2 -> R = 0xD
    ASSERT_EQ(hub.g(), 1U);
    ASSERT_EQ(hub.r(), 0xD);
    // Fast PEs 0 and 1 already post their next operation (new X, S = 0); PE 2 is slow and has
    // not read R yet. However long it takes, R must still be this operation's result.
    hub.set_data(0, data(0, 0x0));
    hub.set_data(1, data(0, 0x0));
    for (int t = 0; t < 100; ++t) {
        hub.set_data(2, data(1, static_cast<unsigned>(t)));  // X wiggles, S unchanged
        hub.tick();
        ASSERT_EQ(hub.g(), 1U) << "tick " << t;
        ASSERT_EQ(hub.r(), 0xD) << "tick " << t;
    }
    // The slow PE finally posts its own next operation: now G falls with the new NAND.
    hub.set_data(2, data(0, 0x8));
    settle();
    EXPECT_EQ(hub.g(), 0U);
    EXPECT_EQ(hub.r(), 0xF);  // ~(0 & 0 & 8)
}

// ---- enable mask ------------------------------------------------------------------------

TEST_F(HubModelTest, DisabledPortsAreIgnoredEntirely) {
    // Ports 0 and 2 enabled; ports 1 and 3 hold X = 0 (would force R = 0xF) and S = 0.
    const std::uint64_t en = 0b0101;
    hub.set_enable(en);
    hub.set_data(1, data(0, 0x0));
    hub.set_data(3, data(0, 0x0));
    hub.set_data(0, data(1, 0xC));
    hub.set_data(2, data(1, 0x6));
    settle();
    EXPECT_EQ(hub.g(), 1U);
    EXPECT_EQ(hub.r(), 0xB);  // ~(0xC & 0x6) = ~0x4
    // A disabled port's strobe moving alone does nothing.
    hub.set_data(3, data(1, 0x0));
    ticks(10);
    hub.set_data(3, data(0, 0x0));
    ticks(10);
    EXPECT_EQ(hub.g(), 1U);
    EXPECT_EQ(hub.r(), 0xB);
    // Only the enabled ports returning to 0 make G fall, even with disabled port 1 at S = 1.
    hub.set_data(1, data(1, 0x0));
    hub.set_data(0, data(0, 0x9));
    settle();
    EXPECT_EQ(hub.g(), 1U);
    hub.set_data(2, data(0, 0xB));
    settle();
    EXPECT_EQ(hub.g(), 0U);
    EXPECT_EQ(hub.r(), 0x6);  // ~(0x9 & 0xB) = ~0x9
}

TEST_F(HubModelTest, NoPortEnabledHoldsWhateverTheStrobes) {
    hub.set_enable(0);
    for (int i = 0; i < HubModel::max_ports(); ++i) hub.set_data(i, data(1, 0));
    ticks(10);
    EXPECT_EQ(hub.g(), 0U);  // ALL1 and ALL0 both true: hold
    EXPECT_EQ(hub.r(), 0U);
}

TEST_F(HubModelTest, LedAndReservedBitsAreIgnored) {
    hub.set_enable(first_n(2));
    hub.set_data(0, static_cast<std::uint8_t>(0xE0 | data(1, 0x3)));
    hub.set_data(1, static_cast<std::uint8_t>(0xE0 | data(1, 0x5)));
    settle();
    EXPECT_EQ(hub.g(), 1U);
    EXPECT_EQ(hub.r(), 0xE);  // ~(3 & 5) = ~1
}

// ---- settling ---------------------------------------------------------------------------

TEST_F(HubModelTest, SettleClocksIsExactlyEnough) {
    hub.set_enable(first_n(2));
    hub.set_data(0, data(1, 0x1));
    hub.set_data(1, data(1, 0x1));
    ticks(HubModel::settle_clocks() - 1);
    EXPECT_EQ(hub.g(), 0U) << "G changed before settle_clocks(): the export is too large";
    hub.tick();
    EXPECT_EQ(hub.g(), 1U) << "G not settled after settle_clocks(): the export is too small";
    EXPECT_EQ(hub.r(), 0xE);
}

TEST_F(HubModelTest, XWrittenWithTheStrobeIsTheOneLatched) {
    // One outb carries X and S (spec §2): the new X, not the previous one, must be latched.
    hub.set_enable(first_n(2));
    hub.set_data(0, data(0, 0x0));
    hub.set_data(1, data(0, 0x0));
    ticks(5);
    hub.set_data(0, data(1, 0x7));
    hub.set_data(1, data(1, 0xD));
    settle();
    EXPECT_EQ(hub.g(), 1U);
    EXPECT_EQ(hub.r(), 0xA);  // ~(7 & D) = ~5; with the old X (0) R would be 0xF
}

TEST_F(HubModelTest, XArrivingOneClockAfterTheStrobeIsStillLatched) {
    // The S delay stage: X may lag S by up to one hub clock (pin skew) and still count.
    hub.set_enable(first_n(1));
    hub.set_data(0, data(1, 0x0));
    hub.tick();
    hub.set_data(0, data(1, 0x6));
    settle();
    EXPECT_EQ(hub.g(), 1U);
    EXPECT_EQ(hub.r(), 0x9);
    // Two clocks of lag is beyond the window: the X of the clock before is latched. This pins
    // down where the window ends, so a deeper pipeline would have to change settle_clocks().
    hub.set_data(0, data(0, 0x6));
    ticks(2);
    hub.set_data(0, data(0, 0xF));
    settle();
    EXPECT_EQ(hub.g(), 0U);
    EXPECT_EQ(hub.r(), 0x9);
}

// ---- exhaustive -------------------------------------------------------------------------

TEST_F(HubModelTest, ExhaustiveNybblesForOneToFourPorts) {
    for (int n = 1; n <= 4 && n <= HubModel::max_ports(); ++n) {
        hub.reset();
        hub.set_enable(first_n(n));
        for (int i = 0; i < HubModel::max_ports(); ++i) hub.set_data(i, data(0, 0));
        settle();
        unsigned s = 0;
        std::vector<unsigned> x(static_cast<std::size_t>(n));
        const unsigned combos = 1U << (4 * n);
        for (unsigned c = 0; c < combos; ++c) {
            for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = (c >> (4 * i)) & 0xFU;
            s ^= 1U;
            operation(n, s, x);
            ASSERT_EQ(hub.g(), s) << n << " ports, combination " << c;
            ASSERT_EQ(hub.r(), nand_enabled(first_n(n), x)) << n << " ports, combination " << c;
        }
    }
}

// ---- random, clock by clock against a reference -----------------------------------------

// The spec's hub, cycle by cycle: X registered once, S twice, G/R updated on the next edge.
struct ReferenceHub {
    std::uint64_t en = 0;
    std::vector<unsigned> x1;  // X one clock old
    std::vector<unsigned> s1, s2;  // S one and two clocks old
    unsigned g = 0, r = 0;

    explicit ReferenceHub(int ports) { reset(ports); }

    void reset(int ports) {
        x1.assign(static_cast<std::size_t>(ports), 0);
        s1.assign(static_cast<std::size_t>(ports), 0);
        s2.assign(static_cast<std::size_t>(ports), 0);
        g = 0;
        r = 0;
    }

    void clock(const std::vector<unsigned>& x, const std::vector<unsigned>& s) {
        bool all1 = true, all0 = true;
        for (std::size_t i = 0; i < s2.size(); ++i) {
            if (((en >> i) & 1U) == 0) continue;
            all1 = all1 && s2[i] == 1;
            all0 = all0 && s2[i] == 0;
        }
        if ((all1 && !all0 && g == 0) || (all0 && !all1 && g == 1)) {
            g ^= 1U;
            r = nand_enabled(en, x1);
        }
        s2 = s1;
        s1 = s;
        x1 = x;
    }
};

TEST_F(HubModelTest, RandomEightPortSequenceMatchesReferenceEveryClock) {
    constexpr int n = 8;
    ASSERT_GE(HubModel::max_ports(), n);
    constexpr int kClocks = 200000;
    std::mt19937_64 rng(20261121);
    ReferenceHub ref(n);
    std::vector<unsigned> x(n, 0), s(n, 0);
    int g_changes = 0;
    unsigned last_g = 0;
    for (int c = 0; c < kClocks; ++c) {
        if (c % 2000 == 0) {  // a new static enable mask; sometimes all, sometimes none
            const auto pick = rng() % 8;
            ref.en = pick == 0 ? 0 : pick == 1 ? first_n(n) : (rng() & first_n(n)) | 1U << (rng() % n);
            hub.set_enable(ref.en);
        }
        if (c % 20011 == 20010) {  // an occasional reset in the middle of traffic
            hub.reset();  // rst_ni low across one clock edge; the next tick is a normal one
            ref.reset(n);
            last_g = 0;
        }
        for (auto& xi : x) xi = static_cast<unsigned>(rng() & 0xF);
        switch (rng() % 4) {  // often all strobes equal, so G really moves
            case 0: {
                const unsigned v = rng() & 1U;
                for (auto& si : s) si = v;
                break;
            }
            case 1: s[rng() % n] ^= 1U; break;
            case 2:
                for (auto& si : s) si = static_cast<unsigned>(rng() & 1U);
                break;
            default: break;
        }
        for (int i = 0; i < n; ++i) {
            hub.set_data(i, data(s[static_cast<std::size_t>(i)], x[static_cast<std::size_t>(i)]));
        }
        hub.tick();
        ref.clock(x, s);
        ASSERT_EQ(hub.g(), ref.g) << "clock " << c;
        ASSERT_EQ(hub.r(), ref.r) << "clock " << c;
        g_changes += hub.g() != last_g;
        last_g = hub.g();
    }
    EXPECT_GT(g_changes, kClocks / 50) << "stimulus too weak to exercise G";
    RecordProperty("g_changes", g_changes);
}

// ---- the C++ handle ---------------------------------------------------------------------

TEST_F(HubModelTest, ClocksCountsTicks) {
    const auto before = hub.clocks();
    ticks(7);
    EXPECT_EQ(hub.clocks(), before + 7);
}

TEST_F(HubModelTest, BadPortAndMaskAreRejectedWithAMessage) {
    EXPECT_THROW(hub.set_data(-1, 0), std::out_of_range);
    EXPECT_THROW(hub.set_data(HubModel::max_ports(), 0), std::out_of_range);
    if (HubModel::max_ports() < 64) {
        try {
            hub.set_enable(1ULL << HubModel::max_ports());
            FAIL() << "mask beyond max_ports() accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("PAPERS_HUB_PORTS"), std::string::npos);
        }
    }
}

TEST_F(HubModelTest, TwoModelsAreIndependent) {
    HubModel other;
    hub.set_enable(first_n(1));
    other.set_enable(first_n(1));
    hub.set_data(0, data(1, 0x0));
    settle();
    for (int i = 0; i < HubModel::settle_clocks(); ++i) other.tick();
    EXPECT_EQ(hub.g(), 1U);
    EXPECT_EQ(other.g(), 0U);
}

TEST_F(HubModelTest, TraceIsAVcdWithA20nsHubClock) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("papers_hub_trace_" + std::to_string(::getpid()) + ".vcd");
    std::string err;
    ASSERT_TRUE(hub.open_trace(path.string(), err)) << err;
    hub.set_enable(first_n(1));
    hub.set_data(0, data(1, 0x3));
    ticks(5);
    hub.close_trace();
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    const std::string vcd = text.str();
    std::filesystem::remove(path);
    // The unit, not just the keyword: a 1 s timescale made a 4-PE run look 9,000 s long.
    EXPECT_TRUE(std::regex_search(vcd, std::regex(R"(\$timescale\s+1ns\s+\$end)")))
        << vcd.substr(0, 400);
    for (const char* pin : {"clk_i", "rst_ni", "en_i", "x_i", "s_i", "g_o", "r_o", "version_o"}) {
        EXPECT_NE(vcd.find(pin), std::string::npos) << pin;
    }
    // A dump at every half clock: 10 timestamps 10 ns apart (5 clocks of 20 ns).
    std::vector<long> times;
    const std::regex stamp(R"(^#(\d+)$)");
    std::istringstream lines(vcd);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_match(line, m, stamp)) times.push_back(std::stol(m[1]));
    }
    ASSERT_EQ(times.size(), 10U);
    for (std::size_t i = 1; i < times.size(); ++i) EXPECT_EQ(times[i] - times[i - 1], 10);
}

TEST_F(HubModelTest, TraceToAnUnwritablePathFailsWithTheReason) {
    std::string err;
    EXPECT_FALSE(hub.open_trace("/nonexistent-dir/papers/hub.vcd", err));
    EXPECT_NE(err.find("/nonexistent-dir/papers/hub.vcd"), std::string::npos) << err;
    hub.tick();  // the model keeps working without a trace
}

// Threads of this process (Linux: one entry per thread in /proc/self/task).
int thread_count() {
    int n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
    return n;
}

// The model is verilated single-threaded, so it must run on the caller's thread alone. Verilator
// 5's context otherwise starts hardware_concurrency()-1 idle workers per model, whose start-up
// races on Verilator's global "last context" (ThreadSanitizer, docs/reliability.md). Can only
// fail on a machine with more than one CPU.
TEST(HubModelThreads, ModelsStartNoThreadsOfTheirOwn) {
    const int before = thread_count();
    HubModel a, b;
    a.tick();
    b.tick();
    EXPECT_EQ(thread_count(), before) << "std::thread::hardware_concurrency() = "
                                      << std::thread::hardware_concurrency();
}

}  // namespace
