// CAPERS (spec §8) in-process: two PE threads on a virtual LapLink cable
// (the simulator's server in laplink mode), each with SimPort +
// CapersExchanger + the unchanged HubEngine.
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "../../libpapers/core/config.hpp"
#include "../../libpapers/core/error.hpp"
#include "../suite/backend_ops.hpp"
#include "capers/capers_exchanger.hpp"
#include "fake_wire.hpp"
#include "hub/hub_engine.hpp"
#include "in_process_hub.hpp"
#include "papers/driver/pins.hpp"
#include "papers/driver/sim_port.hpp"

namespace papers {
namespace capers {
std::unique_ptr<Backend> make_capers_backend(const Config&, int*);
}
namespace test {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<hub::HubEngine> make_capers_pe(sim::Wire& wire, int rank, double timeout_s) {
    auto port = std::make_unique<driver::SimPort>(wire, rank);
    auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(timeout_s));
    const unsigned spins = port->spin_polls();
    auto ex = std::make_unique<capers::CapersExchanger>(std::move(port), rank == 0, timeout, spins);
    return std::make_unique<hub::HubEngine>(std::move(ex), rank, 2, "capers");
}

// Both PEs on one virtual cable; body runs after a successful open.
std::vector<int> run_pair(const std::function<void(int, hub::HubEngine&)>& body,
                          double timeout_s = 10.0,
                          const std::function<void(sim::Wire&)>& before = {},
                          std::chrono::milliseconds leader_delay = 0ms) {
    sim::InProcessHub cable(2, sim::WireMode::laplink);
    if (before) before(cable.wire());
    std::vector<int> rc(2, 0);
    std::vector<std::thread> pes;
    for (int r : {1, 0})
        pes.emplace_back([&, r] {
            if (r == 0) std::this_thread::sleep_for(leader_delay);
            auto pe = make_capers_pe(cable.wire(), r, timeout_s);
            rc[r] = pe->open();
            if (rc[r] == 0) body(r, *pe);
        });
    for (auto& t : pes) t.join();
    return rc;
}

void suite_over_cable(bool debug) {
    std::mutex mu;
    std::vector<std::string> failures;
    int checks = 0;
    auto rc = run_pair(
        [&](int r, hub::HubEngine& pe) {
            BackendOps ops(pe, r, 2, debug);
            auto res = run_op_suite(ops, 5);
            const int frc = pe.finalize();
            std::lock_guard lock(mu);
            checks += res.checks;
            failures.insert(failures.end(), res.failures.begin(), res.failures.end());
            if (frc) failures.push_back("finalize: " + last_error());
        },
        10.0);
    EXPECT_EQ(rc[0], 0);
    EXPECT_EQ(rc[1], 0);
    EXPECT_GT(checks, 200);
    for (std::size_t i = 0; i < failures.size() && i < 30; ++i) ADD_FAILURE() << failures[i];
}

TEST(CapersCable, EveryOperationMatchesReference) { suite_over_cable(false); }
TEST(CapersCable, EveryOperationWithDebugTags) { suite_over_cable(true); }

TEST(CapersCable, FinalizeLeavesBothSidesAtSZeroLZero) {
    sim::InProcessHub cable(2, sim::WireMode::laplink);
    std::vector<int> rc(2, -1);
    std::vector<std::thread> pes;
    for (int r : {0, 1})
        pes.emplace_back([&, r] {
            auto pe = make_capers_pe(cable.wire(), r, 10.0);
            rc[r] = pe->open();
            if (!rc[r]) rc[r] = pe->barrier();
            if (!rc[r]) rc[r] = pe->finalize();
        });
    for (auto& t : pes) t.join();
    EXPECT_EQ(rc[0], 0);
    EXPECT_EQ(rc[1], 0);
    EXPECT_EQ(cable.wire().data[0].load(), 0);
    EXPECT_EQ(cable.wire().data[1].load(), 0);
}

// Regression: the follower used to clear its X at finalize right after its
// last answer, before the leader had read it (the leader then computed with
// X = 0). Finalize must wait until the peer has taken the last answer.
TEST(CapersCable, FinalizeDoesNotClobberTheLastAnswer) {
    for (int round = 0; round < 40; ++round) {
        std::int32_t got[2] = {0, 0};
        auto rc = run_pair([&](int r, hub::HubEngine& pe) {
            std::int32_t a = r + 1, b = 0, c = 0;
            ASSERT_EQ(pe.barrier(), 0);
            ASSERT_EQ(pe.reduce(&a, &b, 1, PAPERS_INT32, PAPERS_SUM), 0);
            ASSERT_EQ(pe.reduce(&b, &c, 1, PAPERS_INT32, PAPERS_SUM), 0);
            got[r] = c;
            ASSERT_EQ(pe.finalize(), 0);
        });
        ASSERT_EQ(rc[0], 0);
        ASSERT_EQ(rc[1], 0);
        ASSERT_EQ(got[0], 6) << "round " << round;
        ASSERT_EQ(got[1], 6) << "round " << round;
    }
}

TEST(CapersCable, CostPerExchangeIsOneWriteAndAtLeastTwoReads) {
    std::atomic<int> bad{0};
    auto rc = run_pair([&](int r, hub::HubEngine& pe) {
        pe.reset_stats();
        for (int i = 0; i < 50; ++i)
            if (pe.barrier()) ++bad;
        const papers_stats_t st = pe.stats();
        if (st.hub_ops != 50 || st.port_writes != 50 || st.port_reads < 100) {
            ADD_FAILURE() << "rank " << r << ": " << st.hub_ops << " exchanges, "
                          << st.port_writes << " writes, " << st.port_reads << " reads";
        }
        pe.finalize();
    });
    EXPECT_EQ(rc[0], 0);
    EXPECT_EQ(bad.load(), 0);
}

TEST(CapersCable, StaleLeaderStrobeFromACrashedJobIsNotARequest) {
    // A crashed job left S=1, X=7 on the leader's side; the follower starts
    // first and must wait for the leader's handshake instead of answering.
    std::atomic<int> wrong{0};
    auto rc = run_pair(
        [&](int r, hub::HubEngine& pe) {
            unsigned char buf[4] = {0, 0, 0, 0};
            if (r == 0) buf[0] = 0xA5, buf[1] = 0x3C, buf[2] = 0x81, buf[3] = 0x7E;
            if (pe.bcast(buf, 4, 0)) ++wrong;
            if (buf[0] != 0xA5 || buf[1] != 0x3C || buf[2] != 0x81 || buf[3] != 0x7E) ++wrong;
            pe.finalize();
        },
        10.0,
        [](sim::Wire& w) {
            w.data[0].store(pins::data_byte(1, 0x7, true));
            w.data_seq.fetch_add(1);
            sim::futex_wake_all(w.data_seq);
        },
        100ms);
    EXPECT_EQ(rc[0], 0) << last_error();
    EXPECT_EQ(rc[1], 0);
    EXPECT_EQ(wrong.load(), 0);
}

TEST(CapersCable, StaleFollowerStateIsNotAnAnswer) {
    std::atomic<int> wrong{0};
    auto rc = run_pair(
        [&](int r, hub::HubEngine& pe) {
            int v = r == 0 ? 1 : 0;
            if (pe.any(v) != 1) ++wrong;
            if (pe.all(v) != 0) ++wrong;
            pe.finalize();
        },
        10.0,
        [](sim::Wire& w) {
            w.data[1].store(pins::data_byte(1, capers::kHello, false));
            w.data_seq.fetch_add(1);
            sim::futex_wake_all(w.data_seq);
        });
    EXPECT_EQ(rc[0], 0);
    EXPECT_EQ(rc[1], 0);
    EXPECT_EQ(wrong.load(), 0);
}

TEST(CapersCable, MissingPeerTimesOutAtTheHandshake) {
    sim::InProcessHub cable(2, sim::WireMode::laplink);
    auto pe = make_capers_pe(cable.wire(), 0, 0.3);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(pe->open(), PAPERS_ETIMEDOUT);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
    EXPECT_NE(last_error().find("capers handshake"), std::string::npos) << last_error();
    EXPECT_NE(last_error().find("follower's hello"), std::string::npos) << last_error();
    EXPECT_NE(last_error().find("LapLink cable"), std::string::npos) << last_error();
}

TEST(CapersCable, PeerThatStopsMidJobTimesOutNamingTheOperation) {
    std::string leader_err;
    int leader_rc = 0;
    run_pair(
        [&](int r, hub::HubEngine& pe) {
            if (r == 1) return;  // the follower vanishes after papers_init
            leader_rc = pe.bcast(&leader_rc, 1, 0);
            leader_err = last_error();
        },
        0.3);
    EXPECT_EQ(leader_rc, PAPERS_ETIMEDOUT);
    EXPECT_NE(leader_err.find("follower's answer"), std::string::npos) << leader_err;
    EXPECT_NE(leader_err.find("byte"), std::string::npos) << leader_err;
}

// A stray write overwrites the virtual cable's header while the leader waits
// for the follower: the wait fails naming the damage, not as a timeout.
TEST(CapersCable, CableOverwrittenWhileInUseFailsTheWaitNamingIt) {
    std::string leader_err;
    int leader_rc = 0;
    double took = 0;
    sim::Wire* wire = nullptr;
    run_pair(
        [&](int r, hub::HubEngine& pe) {
            if (r == 1) {  // the follower stops taking part and scribbles on the wire
                std::this_thread::sleep_for(100ms);  // once the leader's open is done
                __atomic_store_n(&wire->mode, static_cast<sim::WireMode>(7), __ATOMIC_RELAXED);
                return;
            }
            const auto t0 = std::chrono::steady_clock::now();
            leader_rc = pe.bcast(&leader_rc, 1, 0);
            took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            leader_err = last_error();
        },
        3.0, [&](sim::Wire& w) { wire = &w; });
    EXPECT_EQ(leader_rc, PAPERS_EBROKEN) << leader_err;
    EXPECT_NE(leader_err.find("header field 'mode' is 0x00000007 where the simulator wrote 0x00000001"),
              std::string::npos)
        << leader_err;
    EXPECT_LT(took, 1.5) << leader_err;
}

// A port whose STATUS reads follow a script (then repeat the last value),
// to show what "read twice" filters.
class ScriptedPort final : public driver::Port {
public:
    explicit ScriptedPort(std::deque<std::uint8_t> script) : script_(std::move(script)) {}
    std::string name() const override { return "scripted"; }
    std::vector<std::uint8_t> writes;

protected:
    void do_write_data(std::uint8_t v) override { writes.push_back(v); }
    std::uint8_t do_read_status() override {
        const std::uint8_t v = script_.front();
        if (script_.size() > 1) script_.pop_front();
        return v;
    }
    void do_write_control(std::uint8_t) override {}

private:
    std::deque<std::uint8_t> script_;
};

std::uint8_t peer_status(unsigned s, std::uint8_t x) {
    return static_cast<std::uint8_t>(pins::register_from_pins(pins::status_pins(s, x)) | 0x07);
}

TEST(CapersExchanger, ReadTwiceFiltersAValueInTransit) {
    // The follower waits for the leader's S=1. The first read catching S=1
    // shows X=0x0 (lines still settling), the next ones show the real 0x6.
    ScriptedPort port({peer_status(0, 0x3), peer_status(1, 0x0), peer_status(1, 0x6),
                       peer_status(1, 0x6)});
    capers::CapersExchanger ex(port, /*leader=*/false, 1s, 100);
    std::uint8_t r = 0;
    ASSERT_EQ(ex.nand(0xF, &r, {"test", "nybble", 0}), 0) << last_error();
    EXPECT_EQ(r, static_cast<std::uint8_t>(~0x6 & 0xF)) << "NAND(0xF, 0x6) = 0x9";
    ASSERT_EQ(port.writes.size(), 1u);
    EXPECT_EQ(port.writes[0], pins::data_byte(1, 0xF, false)) << "answer after reading";
    EXPECT_EQ(port.counters().reads, 4u);
}

TEST(CapersExchanger, LeaderPostsFirstThenComputesNand) {
    ScriptedPort port({peer_status(0, 0x0), peer_status(1, 0xA), peer_status(1, 0xA)});
    capers::CapersExchanger ex(port, /*leader=*/true, 1s, 100);
    std::uint8_t r = 0;
    ASSERT_EQ(ex.nand(0x3, &r, {"test", "nybble", 0}), 0) << last_error();
    EXPECT_EQ(r, static_cast<std::uint8_t>(~(0x3 & 0xA) & 0xF));
    ASSERT_EQ(port.writes.size(), 1u);
    EXPECT_EQ(port.writes[0], pins::data_byte(1, 0x3, true));
}

TEST(CapersBackend, NeedsExactlyTwoPes) {
    Config cfg;
    cfg.backend = "capers";
    cfg.size = 3;
    int code = 0;
    EXPECT_FALSE(capers::make_capers_backend(cfg, &code));
    EXPECT_EQ(code, PAPERS_EMEMBERSHIP);
    EXPECT_NE(last_error().find("exactly 2 PCs"), std::string::npos) << last_error();
}

TEST(CapersBackend, NeedsACable) {
    Config cfg;
    cfg.backend = "capers";
    cfg.size = 2;
    int code = 0;
    EXPECT_FALSE(capers::make_capers_backend(cfg, &code));
    EXPECT_EQ(code, PAPERS_ENODEV);
    EXPECT_NE(last_error().find("papersrun --backend capers -np 2"), std::string::npos)
        << last_error();
}

TEST(CapersBackend, RefusesASimulatorWiredAsAHub) {
    FakeWire hub_wire(2, sim::WireMode::hub);
    Config cfg;
    cfg.backend = "capers";
    cfg.size = 2;
    cfg.sim = hub_wire.name();
    int code = 0;
    EXPECT_FALSE(capers::make_capers_backend(cfg, &code));
    EXPECT_EQ(code, PAPERS_ENODEV);
    EXPECT_NE(last_error().find("wired as a hub"), std::string::npos) << last_error();
}

}  // namespace
}  // namespace test
}  // namespace papers
