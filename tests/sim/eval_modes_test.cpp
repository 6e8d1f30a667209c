// eval_modes_test.cpp — the direct mode (PEs evaluate the Verilated hub themselves,
// docs/sim-eval.md) against the served mode (papers-hubsim's server loop), on the same seeded
// sequence of DATA writes, one write at a time:
//  - served: HubServer in a thread, fed through SimPorts, traced to a VCD;
//  - direct: SimPorts on a direct-mode wire, each write evaluated through the RTL plugin
//    libpapers_hubrtl.so as a PE process does;
//  - direct, traced: a DirectEvaluator in this process that restores the hub's state from the
//    wire before every step (the path a PE takes when another PE evaluated last), traced.
// After every write the STATUS pins of every port (G and R) must be the same on all three, and
// at the end the two VCDs must be byte for byte the same. The reference is the served mode,
// which the project's RTL tests already hold against the Icarus testbench.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "direct_evaluator.hpp"
#include "hub_model.hpp"
#include "hub_rtl.hpp"
#include "hub_server.hpp"
#include "in_process_hub.hpp"
#include "papers/driver/pins.hpp"
#include "papers/driver/sim_port.hpp"
#include "plugin_path.hpp"
#include "tree_hub_model.hpp"

namespace papers::sim {
namespace {

using driver::SimPort;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string temp_path(const std::string& name) {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/papers-eval-modes-" +
           std::to_string(getpid()) + "-" + name;
}

// Seeded DATA writes that reach G changes often even with many ports: mostly the moves of a
// barrier (a port whose S lags takes the target S, with a random nybble and LED bit), now and
// then any byte at all.
class WriteSequence {
public:
    WriteSequence(int nports, std::uint32_t seed) : data_(nports, 0), rng_(seed) {}

    // The next (port, byte); the byte always differs from the port's current one.
    std::pair<int, std::uint8_t> next() {
        const int n = static_cast<int>(data_.size());
        int port = static_cast<int>(rng_() % n);
        std::uint8_t byte = 0;
        if (rng_() % 4 != 0) {
            std::vector<int> lagging;
            for (int p = 0; p < n; ++p)
                if (pins::data_strobe(data_[p]) != target_) lagging.push_back(p);
            if (lagging.empty()) {
                target_ ^= 1u;
                for (int p = 0; p < n; ++p) lagging.push_back(p);
            }
            port = lagging[rng_() % lagging.size()];
            byte = pins::data_byte(target_, static_cast<std::uint8_t>(rng_() & 0xF), rng_() & 1);
        } else {
            byte = static_cast<std::uint8_t>(rng_());
        }
        if (byte == data_[port]) byte ^= 0x40;  // a bit the hub ignores: still a write
        data_[port] = byte;
        return {port, byte};
    }

private:
    std::vector<std::uint8_t> data_;
    std::mt19937 rng_;
    unsigned target_ = 1;
};

// Waits (bounded) until the served hub has finished evaluating the write just made: its
// clock count moves once per evaluation, after the last publish.
// The served hub took the write and settled: its clock count moved, and then it went back to
// sleep (server_sleeping is set only after the last clock's pins are published; the count
// moves before each clock's pins, for the trace notes, so it alone would race the pins).
bool wait_served(const Wire& w, std::uint64_t clocks_before) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (w.hub_clocks.load() == clocks_before || w.server_sleeping.load() != 1) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::yield();
    }
    return true;
}

std::vector<std::uint8_t> pins_of(const Wire& w, int nports) {
    std::vector<std::uint8_t> v;
    for (int p = 0; p < nports; ++p) v.push_back(w.status_pins[p].load());
    return v;
}

std::string describe(const std::vector<std::uint8_t>& pins) {
    std::ostringstream o;
    for (std::uint8_t p : pins) o << " G" << (p >> 7) << "/R" << ((p >> 3) & 0xF);
    return o.str();
}

void run_equivalence(int nports, std::optional<TreeShape> tree, int steps, std::uint32_t seed) {
    SCOPED_TRACE("nports " + std::to_string(nports) + (tree ? " tree" : " flat") + ", seed " +
                 std::to_string(seed));
    const std::string served_vcd = temp_path("served.vcd");
    const std::string direct_vcd = temp_path("direct.vcd");

    // The old path: papers-hubsim's server loop, traced.
    std::optional<InProcessHub> served;
    served.emplace(nports, WireMode::hub, served_vcd, tree, "served");
    ASSERT_EQ(served->eval_mode(), EvalMode::served);

    // The new path as PEs take it: SimPorts on a direct-mode wire, the RTL plugin evaluating.
    InProcessHub direct(nports, WireMode::hub, "", tree, "direct");
    ASSERT_EQ(direct.eval_mode(), EvalMode::direct);

    // The new path traced: an evaluator of this process over a third direct-mode wire.
    WireMapping traced_mapping = WireMapping::create_private();
    Wire& traced = *traced_mapping.get();
    std::string err;
    {
        std::unique_ptr<HubRtl> probe =
            tree ? make_tree_hub_rtl(*tree, nports, err) : make_flat_hub_rtl(nports, err);
        ASSERT_TRUE(probe) << err;
        wire_init(traced, static_cast<std::uint32_t>(nports),
                  static_cast<std::uint32_t>(probe->version()), WireMode::hub);
    }
    ASSERT_TRUE(wire_init_direct(traced, "unused: this process evaluates",
                                 tree ? tree->leaf_ports : 0, tree ? tree->leaves : 0, err))
        << err;
    traced.ready.store(1);
    std::unique_ptr<DirectEvaluator> evaluator = make_direct_evaluator(traced, err);
    ASSERT_TRUE(evaluator) << err;
    ASSERT_TRUE(evaluator->rtl().open_trace(direct_vcd, err)) << err;
    ASSERT_TRUE(evaluator->power_on(err)) << err;

    std::vector<std::unique_ptr<SimPort>> served_ports, direct_ports;
    for (int p = 0; p < nports; ++p) {
        served_ports.push_back(std::make_unique<SimPort>(served->wire(), p));
        direct_ports.push_back(std::make_unique<SimPort>(direct.wire(), p));
    }
    ASSERT_EQ(pins_of(served->wire(), nports), pins_of(direct.wire(), nports));
    ASSERT_EQ(pins_of(served->wire(), nports), pins_of(traced, nports));

    WriteSequence seq(nports, seed);
    int g_changes = 0;
    std::uint8_t last_g = served->wire().status_pins[0].load() >> 7;
    for (int step = 0; step < steps; ++step) {
        const auto [port, byte] = seq.next();
        const std::uint64_t clocks = served->wire().hub_clocks.load();
        served_ports[port]->write_data(byte);
        ASSERT_TRUE(wait_served(served->wire(), clocks)) << "served hub stuck at step " << step;
        direct_ports[port]->write_data(byte);
        traced.data[port].store(byte);
        evaluator->forget_local_state();
        evaluator->evaluate();

        const auto want = pins_of(served->wire(), nports);
        ASSERT_EQ(want, pins_of(direct.wire(), nports))
            << "step " << step << " (port " << port << " <- 0x" << std::hex << int(byte)
            << "): served" << describe(want) << ", direct"
            << describe(pins_of(direct.wire(), nports));
        ASSERT_EQ(want, pins_of(traced, nports)) << "step " << step << ": traced direct differs";
        const std::uint8_t g = want[0] >> 7;
        g_changes += g != last_g;
        last_g = g;
    }
    // The sequence must have exercised the hub, or the comparison proves little.
    EXPECT_GT(g_changes, steps / 50);
    EXPECT_EQ(direct.evaluations(), static_cast<std::uint64_t>(steps));
    EXPECT_EQ(traced.hub_evals.load(), static_cast<std::uint64_t>(steps));
    EXPECT_EQ(served->evaluations(), static_cast<std::uint64_t>(steps));
    EXPECT_EQ(served->wire().hub_clocks.load(), traced.hub_clocks.load());

    served_ports.clear();
    served.reset();  // closes the served trace
    evaluator->rtl().close_trace();
    const std::string a = read_file(served_vcd), b = read_file(direct_vcd);
    EXPECT_GT(a.size(), 1000u);
    EXPECT_TRUE(a == b) << "VCDs differ: " << served_vcd << " (" << a.size() << " bytes) vs "
                        << direct_vcd << " (" << b.size() << " bytes)";
    if (a == b && !::testing::Test::HasFailure()) {
        std::remove(served_vcd.c_str());
        std::remove(direct_vcd.c_str());
    }
}

std::uint32_t seed_from_env(std::uint32_t fallback) {
    const char* s = std::getenv("PAPERS_EVAL_MODES_SEED");
    return s && *s ? static_cast<std::uint32_t>(std::strtoul(s, nullptr, 10)) : fallback;
}

TEST(EvalModes, FlatHubFourPortsSameGRAndVcd) {
    run_equivalence(4, std::nullopt, 3000, seed_from_env(14));
}

TEST(EvalModes, FlatHubAllPortsSameGRAndVcd) {
    run_equivalence(HubModel::max_ports(), std::nullopt, 3000, seed_from_env(1414));
}

TEST(EvalModes, FlatHubOnePortSameGRAndVcd) {
    run_equivalence(1, std::nullopt, 500, seed_from_env(7));
}

TEST(EvalModes, HubTreeSameGRAndVcd) {
    const TreeShape shape{TreeHubModel::leaf_ports(), 2};
    run_equivalence(shape.capacity(), shape, 2000, seed_from_env(141414));
}

// The raw state copy (state_buffer.hpp) is what the direct mode runs on: its self-check must
// have passed with this Verilator, or every evaluation pays for Verilator's serialization.
TEST(EvalModes, RawStateFormInUse) {
    EXPECT_TRUE(HubModel::raw_state_form());
    EXPECT_TRUE(TreeHubModel::raw_state_form());
}

// A saved state restored into another model instance gives the same G/R on the same inputs
// afterwards (the hand-over between two PE processes), in both forms the bytes may take.
TEST(EvalModes, StateMovesBetweenModelInstances) {
    HubModel a, b;
    a.set_enable(0xF);
    b.set_enable(0xF);
    std::mt19937 rng(99);
    for (int step = 0; step < 400; ++step) {
        const int port = static_cast<int>(rng() % 4);
        const auto byte = static_cast<std::uint8_t>(rng());
        HubModel& from = step % 2 ? a : b;
        HubModel& to = step % 2 ? b : a;
        std::size_t n = 0;
        const std::uint8_t* bytes = from.save_state(n);
        const std::vector<std::uint8_t> copy(bytes, bytes + n);
        to.restore_state(copy.data(), copy.size());
        EXPECT_EQ(to.clocks(), from.clocks());
        for (HubModel* m : {&a, &b}) {
            m->set_data(port, byte);
            for (int k = 0; k < HubModel::settle_clocks(); ++k) m->tick();
        }
        ASSERT_EQ(a.g(), b.g()) << "step " << step;
        ASSERT_EQ(a.r(), b.r()) << "step " << step;
    }
}

TEST(EvalModes, ForeignStateIsRefused) {
    HubModel a;
    TreeHubModel t;
    std::size_t n = 0;
    const std::uint8_t* bytes = t.save_state(n);
    const std::vector<std::uint8_t> copy(bytes, bytes + n);
    EXPECT_THROW(a.restore_state(copy.data(), copy.size()), std::invalid_argument);
    EXPECT_THROW(a.restore_state(copy.data(), 3), std::invalid_argument);
}

TEST(EvalModes, TraceNeedsTheServedMode) {
    EXPECT_THROW(InProcessHub(2, WireMode::hub, temp_path("refused.vcd"), std::nullopt, "direct"),
                 std::invalid_argument);
    EXPECT_THROW(InProcessHub(2, WireMode::laplink, "", std::nullopt, "direct"),
                 std::invalid_argument);
    InProcessHub auto_traced(2, WireMode::hub, temp_path("auto.vcd"), std::nullopt, "auto");
    EXPECT_EQ(auto_traced.eval_mode(), EvalMode::served);
    std::remove(temp_path("auto.vcd").c_str());
    InProcessHub auto_plain(2, WireMode::hub, "", std::nullopt, "auto");
    EXPECT_EQ(auto_plain.eval_mode(), EvalMode::direct);
}

}  // namespace
}  // namespace papers::sim
