// Whole programs on the real driver code without hardware: PE processes
// (papers-suite), papers-probe, papers-reset and the hil script, with the
// substitute libieee1284 preloaded and papers-hubsim serving its ports.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "child_process.hpp"
#include "fake_wire.hpp"
#include "papers/driver/pins.hpp"
#include "papers/driver/sim_port.hpp"

namespace papers::test {
namespace {

using Env = std::map<std::string, std::string>;

Env fake_env(const std::string& sim_name, Env more = {}) {
    more["LD_PRELOAD"] = FAKE1284_SO;
    more["PAPERS_FAKE1284_SIM"] = sim_name;
    return more;
}

bool contains(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

// Starts `n` PE processes of papers-suite, rank r with env(r); all must pass.
void run_ranks(int n, const std::function<Env(int)>& env, const std::string& backend) {
    std::vector<Child> kids;
    for (int r = 0; r < n; ++r) {
        Env e = env(r);
        e["PAPERS_RANK"] = std::to_string(r);
        e["PAPERS_SIZE"] = std::to_string(n);
        e["PAPERS_TIMEOUT"] = "30";
        kids.push_back(spawn({SUITE_EXE}, clean_env(e), temp_path("rank.log")));
    }
    for (int r = 0; r < n; ++r) {
        const auto rc = wait_child(kids[r].pid, 150.0);
        const std::string out = read_file(kids[r].output_path);
        ::unlink(kids[r].output_path.c_str());
        EXPECT_TRUE(rc.has_value()) << "rank " << r << " did not finish: " << out;
        EXPECT_EQ(rc.value_or(-1), 0) << "rank " << r << ": " << out;
        EXPECT_TRUE(contains(out, "backend " + backend + ":")) << out;
        EXPECT_TRUE(contains(out, " 0 failures")) << out;
    }
}

TEST(Fake1284Jobs, HubSuiteN4ThroughThePreloadedLibrary) {
    Hubsim hub(HUBSIM_EXE, 4);
    ASSERT_TRUE(hub.ok()) << hub.error();
    run_ranks(4, [&](int r) {
        return fake_env(hub.name(), {{"PAPERS_BACKEND", "hub"},
                                     {"PAPERS_PORT", "sim" + std::to_string(r)},
                                     {"PAPERS_PORT_ACCESS", "ieee1284"}});
    }, "hub");
}

TEST(Fake1284Jobs, PapersrunOnLabPcsEachWithParport0) {
#ifndef PAPERSRUN_EXE
    GTEST_SKIP() << "papersrun is not built";
#else
    // Every "PC" sees one port, parport0 at 0x378, which is hub port <rank>.
    Hubsim hub(HUBSIM_EXE, 4);
    ASSERT_TRUE(hub.ok()) << hub.error();
    auto [rc, out] = run_command(
        {PAPERSRUN_EXE, "--backend", "hub", "--port", "/dev/parport0", "-np", "4", SUITE_EXE},
        fake_env(hub.name(), {{"PAPERS_FAKE1284_PORT", "rank"}, {"PAPERS_TIMEOUT", "30"}}),
        150.0);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_TRUE(contains(out, "backend hub:")) << out;
    EXPECT_FALSE(contains(out, "FAIL")) << out;
#endif
}

TEST(Probe, NoPortOnThisMachine) {
    auto [rc, out] = run_command({PROBE_EXE}, {}, 30.0);
    if (rc == 0) GTEST_SKIP() << "this machine has a usable parallel port:\n" << out;
    EXPECT_EQ(rc, 3) << out;
    EXPECT_TRUE(contains(out, "no usable parallel port")) << out;
    EXPECT_TRUE(contains(out, "0x378")) << out;
}

TEST(Probe, NamedPortThatCannotBeOpened) {
    auto [rc, out] = run_command({PROBE_EXE, "--port", "0x378"}, {}, 30.0);
    if (rc == 0 || rc == 4) GTEST_SKIP() << "0x378 works here:\n" << out;
    EXPECT_EQ(rc, 3) << out;
    EXPECT_TRUE(contains(out, "papers-probe: ")) << out;
}

TEST(Probe, UsageErrors) {
    EXPECT_EQ(run_command({PROBE_EXE, "--bogus"}, {}, 10.0).first, 2);
    EXPECT_EQ(run_command({PROBE_EXE, "--port", "0xZZ"}, {}, 10.0).first, 2);
    EXPECT_EQ(run_command({PROBE_EXE, "--access", "inb"}, {}, 10.0).first, 2);
    auto [rc, out] = run_command({PROBE_EXE, "--help"}, {}, 10.0);
    EXPECT_EQ(rc, 0);
    EXPECT_TRUE(contains(out, "--self-test")) << out;
}

TEST(Probe, SelfTestPassesWithThisPeAloneOnTheHub) {
    Hubsim hub(HUBSIM_EXE, 1);
    ASSERT_TRUE(hub.ok()) << hub.error();
    auto [rc, out] = run_command({PROBE_EXE, "--port", "sim0", "--self-test", "--rounds", "2"},
                                 fake_env(hub.name()), 60.0);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_TRUE(contains(out, "G=0 R=0x0: a hub in its power-on state")) << out;
    EXPECT_TRUE(contains(out, "x=0x5: R=0xa, expected 0xa  ok")) << out;
    EXPECT_TRUE(contains(out, "self-test PASSED")) << out;
    EXPECT_FALSE(contains(out, "WRONG")) << out;
}

TEST(Probe, SurveyFindsTheSimulatedPort) {
    Hubsim hub(HUBSIM_EXE, 1);
    ASSERT_TRUE(hub.ok()) << hub.error();
    auto [rc, out] = run_command({PROBE_EXE}, fake_env(hub.name()), 60.0);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_TRUE(contains(out, "sim0  (listed by libieee1284: base 0xe000")) << out;
    EXPECT_TRUE(contains(out, "ieee1284  works: ieee1284:sim0")) << out;
    EXPECT_TRUE(contains(out, "1 usable port")) << out;
}

TEST(Probe, SelfTestFailsWhenOtherPortsAreEnabled) {
    Hubsim hub(HUBSIM_EXE, 2);  // a second enabled port that nobody drives
    ASSERT_TRUE(hub.ok()) << hub.error();
    auto [rc, out] = run_command(
        {PROBE_EXE, "--port", "sim0", "--self-test", "--timeout", "0.3"}, fake_env(hub.name()),
        60.0);
    EXPECT_EQ(rc, 1) << out;
    EXPECT_TRUE(contains(out, "stopped answering")) << out;
    EXPECT_TRUE(contains(out, "jumpers")) << out;
    EXPECT_TRUE(contains(out, "self-test FAILED")) << out;
}

TEST(Probe, SelfTestNamesABrokenWire) {
    // A "hub" that always answers R with bit 2 stuck low: the test process
    // plays the hub on a bare wire, following S with G like a real one.
    FakeWire w(1);
    std::atomic<bool> stop{false};
    std::thread hub([&] {
        while (!stop.load()) {
            const std::uint8_t d = w.wire().data[0].load();
            const unsigned s = pins::data_strobe(d);
            const auto r = static_cast<std::uint8_t>(~pins::data_x(d) & 0xF & ~0x4);
            if (w.wire().status_pins[0].load() != pins::status_pins(s, r))
                w.set_pins(0, pins::status_pins(s, r));
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    });
    auto [rc, out] = run_command({PROBE_EXE, "--port", "sim0", "--self-test"},
                                 fake_env(w.name()), 60.0);
    stop.store(true);
    hub.join();
    EXPECT_EQ(rc, 1) << out;
    EXPECT_TRUE(contains(out, "bit 2 is wrong: check wire X2 (pin 4) and R2 (pin 12)")) << out;
    EXPECT_FALSE(contains(out, "bit 1 is wrong")) << out;
}

TEST(Probe, FloatingInputsMeanNoHub) {
    FakeWire w(1);
    w.set_pins(0, 0xF8);  // every status input high: nothing drives the cable
    auto [rc, out] = run_command({PROBE_EXE, "--port", "sim0"}, fake_env(w.name()), 30.0);
    EXPECT_EQ(rc, 4) << out;
    EXPECT_TRUE(contains(out, "no hub answering")) << out;
}

TEST(Reset, ClearsTheStrobesACrashedJobLeft) {
    Hubsim hub(HUBSIM_EXE, 2);
    ASSERT_TRUE(hub.ok()) << hub.error();
    std::string err;
    auto wire = std::make_shared<sim::WireMapping>(sim::WireMapping::open_shared(hub.name(), err));
    ASSERT_TRUE(*wire) << err;
    {
        // The crashed job: both PEs raised S (and L) and died there, so the hub went to G=1.
        driver::SimPort p0(wire, 0), p1(wire, 1);
        p0.write_data(pins::data_byte(1, 0x3, true));
        p1.write_data(pins::data_byte(1, 0x9, true));
    }
    auto g_is = [&](unsigned g) {
        for (int i = 0; i < 2000; ++i) {
            if (pins::status_g(pins::register_from_pins(wire->get()->status_pins[0].load())) == g)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return false;
    };
    ASSERT_TRUE(g_is(1));
    for (const char* port : {"sim0", "sim1"}) {
        auto [rc, out] = run_command({RESET_EXE, "--port", port}, fake_env(hub.name()), 30.0);
        EXPECT_EQ(rc, 0) << out;
        EXPECT_TRUE(contains(out, "wrote DATA=0x00 (S=0, L=0)")) << out;
    }
    EXPECT_EQ(wire->get()->data[0].load(), 0);
    EXPECT_EQ(wire->get()->data[1].load(), 0);
    EXPECT_TRUE(g_is(0)) << "the hub returns to G=0 once every S is 0";
}

TEST(Reset, UsageAndMissingPort) {
    auto [rc, out] = run_command({RESET_EXE}, {}, 10.0);
    EXPECT_EQ(rc, 2) << out;
    EXPECT_TRUE(contains(out, "which port?")) << out;
    EXPECT_EQ(run_command({RESET_EXE, "--port", "888"}, {}, 10.0).first, 2);
    auto [rc3, out3] = run_command({RESET_EXE, "--port", "0x378"}, {}, 10.0);
    if (rc3 == 0) GTEST_SKIP() << "0x378 is usable here";
    EXPECT_EQ(rc3, 3) << out3;
    EXPECT_TRUE(contains(out3, "ioperm")) << out3;
}

TEST(Hil, SkippedWithoutAPort) {
    auto [rc, out] = run_command({"/bin/sh", HIL_SCRIPT, PROBE_EXE, SUITE_EXE}, {}, 30.0);
    EXPECT_EQ(rc, 77) << out;
    EXPECT_TRUE(contains(out, "PAPERS_PORT is not set")) << out;
}

TEST(Hil, RunsTheSuiteOnThePortItIsGiven) {
    // The same script a lab PC runs (ctest -L hil), here on the simulated port.
    Hubsim hub(HUBSIM_EXE, 1);
    ASSERT_TRUE(hub.ok()) << hub.error();
    auto [rc, out] = run_command({"/bin/sh", HIL_SCRIPT, PROBE_EXE, SUITE_EXE},
                                 fake_env(hub.name(), {{"PAPERS_PORT", "sim0"}}), 120.0);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_TRUE(contains(out, "self-test PASSED")) << out;
    EXPECT_TRUE(contains(out, "backend hub:")) << out;
    EXPECT_TRUE(contains(out, " 0 failures")) << out;
}

}  // namespace
}  // namespace papers::test
