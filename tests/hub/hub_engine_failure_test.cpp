// Failure behaviour of the hub engine: timeouts name the operation and
// phase, census mismatches are membership errors, clean exit restores the
// hub's power-on state.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "hub/hub_exchanger.hpp"
#include "hub_engine_harness.hpp"
#include "papers/driver/pins.hpp"

namespace papers::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(HubEngineFailure, MissingPeTimesOutNamingOperationAndPhase) {
    sim::InProcessHub hub(3);
    std::vector<std::unique_ptr<hub::HubEngine>> pes;
    std::vector<int> open_rc(3);
    std::vector<std::thread> ts;
    for (int r = 0; r < 3; ++r) pes.push_back(make_pe(hub.wire(), r, 3, 0.5));
    for (int r = 0; r < 3; ++r) ts.emplace_back([&, r] { open_rc[r] = pes[r]->open(); });
    for (auto& t : ts) t.join();
    ts.clear();
    for (int r = 0; r < 3; ++r) ASSERT_EQ(open_rc[r], 0);
    // Rank 2 never arrives at the broadcast.
    std::vector<int> rc(2);
    std::vector<std::string> msg(2);
    std::vector<double> took(2);
    for (int r = 0; r < 2; ++r)
        ts.emplace_back([&, r] {
            auto t0 = Clock::now();
            std::uint32_t v = 5;
            rc[r] = pes[r]->bcast(&v, 4, 0);
            took[r] = std::chrono::duration<double>(Clock::now() - t0).count();
            msg[r] = last_error();
        });
    for (auto& t : ts) t.join();
    for (int r = 0; r < 2; ++r) {
        EXPECT_EQ(rc[r], PAPERS_ETIMEDOUT);
        EXPECT_NE(msg[r].find("bcast"), std::string::npos) << msg[r];
        EXPECT_NE(msg[r].find("nybble of byte"), std::string::npos) << msg[r];
        EXPECT_GE(took[r], 0.45);
        EXPECT_LT(took[r], 3.0) << "well within the bound";
    }
}

// A stray write into the live wire (a process of the job's own user; the
// ownership checks at open cannot stop it) overwrites its header while PE 0
// waits in a barrier PE 1 never joins: the wait fails naming the damage
// after its next idle, not as a timeout blaming an absent PE 3 s later.
TEST(HubEngineFailure, WireOverwrittenWhileInUseFailsTheWaitNamingIt) {
    for (const char* eval : {"direct", "served"}) {
        sim::InProcessHub hub(2, sim::WireMode::hub, "", std::nullopt, eval);
        std::vector<std::unique_ptr<hub::HubEngine>> pes;
        for (int r = 0; r < 2; ++r) pes.push_back(make_pe(hub.wire(), r, 2, 3.0));
        std::vector<int> open_rc(2);
        std::vector<std::thread> ts;
        for (int r = 0; r < 2; ++r) ts.emplace_back([&, r] { open_rc[r] = pes[r]->open(); });
        for (auto& t : ts) t.join();
        ASSERT_EQ(open_rc, (std::vector<int>{0, 0}));
        std::thread stray([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            __atomic_store_n(&hub.wire().magic, 0x0BADF00Du, __ATOMIC_RELAXED);
        });
        const auto t0 = Clock::now();
        const int rc = pes[0]->barrier();
        const double took = std::chrono::duration<double>(Clock::now() - t0).count();
        const std::string msg = last_error();
        stray.join();
        EXPECT_EQ(rc, PAPERS_EBROKEN) << eval << ": " << msg;
        EXPECT_NE(msg.find("was overwritten while in use: header field 'magic' is 0x0badf00d where "
                           "the simulator wrote 0x50415053"),
                  std::string::npos)
            << msg;
        EXPECT_NE(msg.find("barrier"), std::string::npos) << msg;
        EXPECT_LT(took, 1.5) << eval << ": " << msg;
        // The stray write is undone so that the hub can be torn down as usual.
        __atomic_store_n(&hub.wire().magic, sim::kWireMagic, __ATOMIC_RELAXED);
    }
}

TEST(HubEngineFailure, DuplicateRankIsMembershipError) {
    sim::InProcessHub hub(3);
    std::vector<int> rc(3);
    std::vector<std::string> msg(3);
    std::vector<std::thread> ts;
    const int ranks[3] = {0, 1, 1};  // rank 2 missing, rank 1 twice
    // PEs whose port index differs from the rank they claim.
    for (int p = 0; p < 3; ++p)
        ts.emplace_back([&, p] {
            auto port = std::make_unique<driver::SimPort>(hub.wire(), p);
            auto ex = std::make_unique<hub::HubExchanger>(std::move(port), std::chrono::seconds(2), 64);
            hub::HubEngine pe(std::move(ex), ranks[p], 3, "sim");
            rc[p] = pe.open();
            msg[p] = last_error();
        });
    for (auto& t : ts) t.join();
    for (int p = 0; p < 3; ++p) {
        EXPECT_EQ(rc[p], PAPERS_EMEMBERSHIP);
        EXPECT_NE(msg[p].find("rank(s) 2"), std::string::npos) << msg[p];
    }
}

TEST(HubEngineFailure, SizeDisagreementIsMembershipError) {
    sim::InProcessHub hub(2);
    std::vector<int> rc(2);
    std::vector<std::thread> ts;
    for (int p = 0; p < 2; ++p)
        ts.emplace_back([&, p] {
            auto pe = make_pe(hub.wire(), p, p == 0 ? 2 : 3, 2.0);
            rc[p] = pe->open();
        });
    for (auto& t : ts) t.join();
    EXPECT_EQ(rc[0], PAPERS_EMEMBERSHIP);
    EXPECT_EQ(rc[1], PAPERS_EMEMBERSHIP);
}

TEST(HubEngineFailure, CleanExitLeavesPowerOnState) {
    for (int ops : {0, 1, 2, 3}) {  // odd and even numbers of exchanges
        sim::InProcessHub hub(3);
        std::vector<std::thread> ts;
        for (int r = 0; r < 3; ++r)
            ts.emplace_back([&, r] {
                auto pe = make_pe(hub.wire(), r, 3);
                ASSERT_EQ(pe->open(), 0);
                for (int i = 0; i < ops; ++i) ASSERT_EQ(pe->barrier(), 0);
                ASSERT_EQ(pe->finalize(), 0);
            });
        for (auto& t : ts) t.join();
        // Let the simulator settle on the last writes.
        for (int i = 0; i < 1000 && hub.wire().status_pins[0].load() != 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        for (int r = 0; r < 3; ++r) {
            EXPECT_EQ(hub.wire().data[r].load(), 0) << "S = 0, L = 0 on port " << r;
            EXPECT_EQ(pins::status_g(pins::register_from_pins(hub.wire().status_pins[r].load())), 0u);
        }
    }
}

}  // namespace
}  // namespace papers::test
