// Port accesses per operation on the hub engine: every exchange is exactly
// one DATA write, at least one STATUS read. The expected numbers are written
// out literally (docs/hub-protocol.md), not computed from cost.hpp.
#include <gtest/gtest.h>

#include <mutex>

#include "hub_engine_harness.hpp"

namespace papers::test {
namespace {

struct Measured {
    papers_stats_t s{};
};

// Runs `op` once on every PE after a warm-up barrier, returns rank 0's stats.
papers_stats_t measure(int n, const std::function<int(int, hub::HubEngine&)>& op) {
    papers_stats_t out{};
    std::mutex mu;
    run_pes(n, [&](int r, hub::HubEngine& pe) {
        ASSERT_EQ(pe.barrier(), 0);
        pe.reset_stats();
        ASSERT_GE(op(r, pe), 0);
        auto s = pe.stats();
        EXPECT_EQ(s.port_writes, s.hub_ops) << "one outb per exchange";
        EXPECT_GE(s.port_reads, s.hub_ops) << "at least one inb per exchange";
        if (r == 0) {
            std::lock_guard lock(mu);
            out = s;
        }
        EXPECT_EQ(pe.finalize(), 0);
    });
    return out;
}

TEST(HubEngineCost, BarrierIsOneWrite) {
    for (int n : {1, 2, 4, 8}) {
        auto s = measure(n, [](int, hub::HubEngine& pe) { return pe.barrier(); });
        EXPECT_EQ(s.hub_ops, 1u) << n;
        EXPECT_EQ(s.port_writes, 1u) << n;
        EXPECT_GE(s.port_reads, 1u) << n;
    }
}

TEST(HubEngineCost, Bcast32BitsIsEightWrites) {
    for (int n : {2, 3, 4, 8}) {
        auto s = measure(n, [](int r, hub::HubEngine& pe) {
            std::uint32_t v = r == 1 ? 0xDEADBEEF : 0;
            int rc = pe.bcast(&v, 4, 1);
            EXPECT_EQ(v, 0xDEADBEEFu);
            return rc;
        });
        EXPECT_EQ(s.port_writes, 8u) << n;
    }
}

TEST(HubEngineCost, VotesAndGatherCosts) {
    auto any = measure(4, [](int r, hub::HubEngine& pe) { return pe.any(r == 3); });
    EXPECT_EQ(any.port_writes, 1u);
    auto wv = measure(8, [](int r, hub::HubEngine& pe) {
        std::uint64_t m = 0;
        int rc = pe.waitvec(r % 3 == 0, &m);
        EXPECT_EQ(m, 0b01001001u);
        return rc;
    });
    EXPECT_EQ(wv.port_writes, 2u) << "ceil(8/4)";
    auto g = measure(3, [](int r, hub::HubEngine& pe) {
        std::uint16_t in = std::uint16_t(100 + r), out[3] = {};
        int rc = pe.gather(&in, out, 2);
        EXPECT_EQ(out[2], 102);
        return rc;
    });
    EXPECT_EQ(g.port_writes, 12u) << "2 exchanges x 2 bytes x 3 PEs";
}

TEST(HubEngineCost, ReduceChoosesCheapestAlgorithm) {
    // 32-bit MAX: gather costs 8*N, bit-serial 32: gather for N=4, bit-serial for N=5.
    auto g4 = measure(4, [](int r, hub::HubEngine& pe) {
        std::int32_t v = r * 10 - 15, o = 0;
        int rc = pe.reduce(&v, &o, 1, PAPERS_INT32, PAPERS_MAX);
        EXPECT_EQ(o, 15);
        return rc;
    });
    EXPECT_EQ(g4.port_writes, 32u);
    auto b5 = measure(5, [](int r, hub::HubEngine& pe) {
        std::int32_t v = -r * 1000, o = 0;
        int rc = pe.reduce(&v, &o, 1, PAPERS_INT32, PAPERS_MIN);
        EXPECT_EQ(o, -4000);
        return rc;
    });
    EXPECT_EQ(b5.port_writes, 32u) << "bit-serial: one exchange per bit";
    auto bor = measure(8, [](int r, hub::HubEngine& pe) {
        std::uint64_t v = std::uint64_t(1) << (r * 7), o = 0;
        int rc = pe.reduce(&v, &o, 1, PAPERS_UINT64, PAPERS_BOR);
        EXPECT_EQ(o, 0x0002040810204081ull);
        return rc;
    });
    EXPECT_EQ(bor.port_writes, 16u) << "64/4";
    auto land = measure(3, [](int r, hub::HubEngine& pe) {
        std::int32_t v[5] = {1, r, 1, 0, 7}, o[5] = {};
        int rc = pe.reduce(v, o, 5, PAPERS_INT32, PAPERS_LAND);
        EXPECT_EQ(o[0], 1);
        EXPECT_EQ(o[1], 0);
        EXPECT_EQ(o[3], 0);
        EXPECT_EQ(o[4], 1);
        return rc;
    });
    EXPECT_EQ(land.port_writes, 2u) << "ceil(5/4)";
    auto sum = measure(4, [](int r, hub::HubEngine& pe) {
        double v = 0.1 * (r + 1), o = 0;
        int rc = pe.reduce(&v, &o, 1, PAPERS_DOUBLE, PAPERS_SUM);
        EXPECT_EQ(o, ((0.1 + 0.2) + 0.30000000000000004) + 0.4);
        return rc;
    });
    EXPECT_EQ(sum.port_writes, 64u) << "gather: 2 x 8 bytes x 4 PEs";
}

TEST(HubEngineCost, PutgetSendsOnlyRequestedBlocks) {
    // Everyone reads rank 0: 1 mask exchange + 2*4 for one block.
    auto s = measure(4, [](int r, hub::HubEngine& pe) {
        std::uint32_t in = 0x1000u + std::uint32_t(r), out = 0;
        int rc = pe.putget(&in, &out, 4, 0);
        EXPECT_EQ(out, 0x1000u);
        return rc;
    });
    EXPECT_EQ(s.port_writes, 9u);
}

// PAPERS_ALGORITHMS reaches the engine: forcing a row of the reduce table
// changes what a 32-bit MAX on 5 PEs costs (bit-serial 32, gather 40), and a
// forced row that cannot run the call (bitwise for a SUM) leaves it alone.
TEST(HubEngineCost, ForcedAlgorithmsRunWhereTheyApply) {
    auto forced_max = [](const char* text) {
        return measure(5, [text](int r, hub::HubEngine& pe) {
            algo::Overrides o;
            std::string err;
            EXPECT_TRUE(algo::parse_overrides(text, o, err)) << err;
            EXPECT_EQ(pe.force_algorithms(o), 0);
            std::int32_t v = r * 3 - 7, got = 0;
            const int rc = pe.reduce(&v, &got, 1, PAPERS_INT32, PAPERS_MAX);
            EXPECT_EQ(got, 5);
            return rc;
        });
    };
    EXPECT_EQ(forced_max("").port_writes, 32u) << "automatic: bit-serial";
    EXPECT_EQ(forced_max("reduce=gather").port_writes, 40u) << "2 x 4 bytes x 5 PEs";
    EXPECT_EQ(forced_max("reduce=bitwise").port_writes, 32u) << "cannot run a MAX: automatic";
}

}  // namespace
}  // namespace papers::test
