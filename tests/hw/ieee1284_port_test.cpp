// The libieee1284 port's real code, linked against the substitute
// libieee1284 (driver/fake1284) instead of the real one: port lookup, open
// (exclusive, then shared), claim, the pin-level vs register question, and
// the failure messages.
#include <gtest/gtest.h>
#include <ieee1284.h>

#include <chrono>
#include <cstdlib>

#include "fake_wire.hpp"
#include "papers/driver/direct_port.hpp"
#include "papers/driver/ieee1284_port.hpp"
#include "papers/driver/pins.hpp"

namespace papers::driver {
namespace {

using test::FakeWire;

class Ieee1284PortTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* v : {"PAPERS_FAKE1284_PORT", "PAPERS_FAKE1284_NOEXCL",
                              "PAPERS_FAKE1284_OPEN_ERROR", "PAPERS_FAKE1284_ERRNO"})
            unsetenv(v);
    }
    void TearDown() override { SetUp(); }

    static std::unique_ptr<Ieee1284Port> open_ok(const std::string& spec) {
        auto r = open_hw_port(spec, "ieee1284");
        EXPECT_TRUE(r) << spec << ": " << r.message;
        return std::unique_ptr<Ieee1284Port>(static_cast<Ieee1284Port*>(r.port.release()));
    }
};

TEST_F(Ieee1284PortTest, ListsTheSimulatedPorts) {
    FakeWire w(3);
    std::vector<Ieee1284PortInfo> ports;
    std::string err;
    ASSERT_TRUE(ieee1284_list(ports, err)) << err;
    ASSERT_EQ(ports.size(), 3u);
    EXPECT_EQ(ports[2].name, "sim2");
    EXPECT_EQ(ports[2].base, 0xE010u);
}

TEST_F(Ieee1284PortTest, FindsPortsByNameAndBaseAddress) {
    FakeWire w(3);
    auto a = open_ok("sim1");
    ASSERT_TRUE(a);
    a->write_data(0x15);
    EXPECT_EQ(w.wire().data[1].load(), 0x15);
    auto b = open_ok("0xe010");  // base address of sim2
    ASSERT_TRUE(b);
    b->write_data(0x2A);
    EXPECT_EQ(w.wire().data[2].load(), 0x2A);
    EXPECT_TRUE(a->exclusive());
    EXPECT_TRUE(a->caps() & CAP1284_RAW);
}

TEST_F(Ieee1284PortTest, LabPcViewParport0ByDeviceNameOrBase) {
    FakeWire w(4);
    setenv("PAPERS_FAKE1284_PORT", "2", 1);  // this "PC" is on hub port 2
    for (const char* spec : {"/dev/parport0", "parport0", "0x378", "/dev/parports/0"}) {
        auto p = open_ok(spec);
        ASSERT_TRUE(p) << spec;
        p->write_data(0x11);
        EXPECT_EQ(w.wire().data[2].load(), 0x11) << spec;
        w.wire().data[2].store(0);
    }
}

TEST_F(Ieee1284PortTest, FallsBackToSharedWhenExclusiveIsRefused) {
    FakeWire w(1);
    setenv("PAPERS_FAKE1284_NOEXCL", "1", 1);  // like the io and /dev/port methods
    auto p = open_ok("sim0");
    ASSERT_TRUE(p);
    EXPECT_FALSE(p->exclusive());
}

TEST_F(Ieee1284PortTest, UnknownPortListsThoseThatExist) {
    FakeWire w(2);
    auto r = open_hw_port("sim7", "ieee1284");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err, PortErr::not_found);
    EXPECT_NE(r.message.find("'sim7'"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("sim0 (base 0xe000"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("sim1 (base 0xe008"), std::string::npos) << r.message;
}

TEST_F(Ieee1284PortTest, NoPortsAtAll) {
    unsetenv("PAPERS_FAKE1284_SIM");
    auto r = open_hw_port("parport0", "ieee1284");
    EXPECT_EQ(r.err, PortErr::not_found);
    EXPECT_NE(r.message.find("lists: none"), std::string::npos) << r.message;
}

TEST_F(Ieee1284PortTest, OpenFailuresAreExplained) {
    FakeWire w(1);
    setenv("PAPERS_FAKE1284_OPEN_ERROR", "-7", 1);  // E1284_INIT
    setenv("PAPERS_FAKE1284_ERRNO", "13", 1);       // EACCES
    auto r = open_hw_port("sim0", "ieee1284");
    EXPECT_EQ(r.err, PortErr::no_permission);
    EXPECT_NE(r.message.find("group lp"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("udev"), std::string::npos) << r.message;

    setenv("PAPERS_FAKE1284_ERRNO", "2", 1);  // ENOENT: no /dev/parportN
    r = open_hw_port("sim0", "ieee1284");
    EXPECT_EQ(r.err, PortErr::not_found);
    EXPECT_NE(r.message.find("E1284_INIT"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("ppdev"), std::string::npos) << r.message;

    setenv("PAPERS_FAKE1284_OPEN_ERROR", "-2", 1);  // E1284_NOTAVAIL
    r = open_hw_port("sim0", "ieee1284");
    EXPECT_EQ(r.err, PortErr::busy);
}

TEST_F(Ieee1284PortTest, TheSubstituteKeepsTheRealLibrarysContract) {
    FakeWire w(1);
    parport_list list{};
    ASSERT_EQ(ieee1284_find_ports(&list, 0), E1284_OK);
    ASSERT_EQ(list.portc, 1);
    parport* p = list.portv[0];
    int caps = 0;
    setenv("PAPERS_FAKE1284_OPEN_ERROR", "-7", 1);
    EXPECT_EQ(ieee1284_open(p, 0, &caps), E1284_INIT);
    EXPECT_EQ(caps, 0x8e) << "caps are preset even when open fails";
    unsetenv("PAPERS_FAKE1284_OPEN_ERROR");
    EXPECT_EQ(ieee1284_open(p, 0x40, &caps), E1284_NOTAVAIL) << "unknown flags are refused";
    ASSERT_EQ(ieee1284_open(p, F1284_EXCL, &caps), E1284_OK);
    ieee1284_free_ports(&list);  // the open port keeps its own reference
    EXPECT_EQ(ieee1284_read_status(p), E1284_INVALIDPORT) << "status needs a claim";
    ieee1284_write_data(p, 0x1F);
    EXPECT_EQ(w.wire().data[0].load(), 0) << "data needs a claim";
    ASSERT_EQ(ieee1284_claim(p), E1284_OK);
    w.set_pins(0, pins::status_pins(1, 0x0));
    EXPECT_EQ(ieee1284_read_status(p) & 0xF8, 0x80) << "pin levels: BUSY not inverted";
    ieee1284_write_data(p, 0x1F);
    EXPECT_EQ(w.wire().data[0].load(), 0x1F);
    ieee1284_release(p);
    EXPECT_EQ(ieee1284_read_status(p), E1284_INVALIDPORT);
    EXPECT_EQ(ieee1284_close(p), E1284_OK);
}

// The lead's rule: Port::read_status has the REGISTER meaning (as inb).
// libieee1284 hands back pin levels; the direct port hands back inb. For
// every one of the 32 pin combinations a hub can drive, both ports must give
// the engine the same byte and the same G and R.
TEST_F(Ieee1284PortTest, PinLevelsAndRegisterGiveTheEngineTheSameGAndR) {
    FakeWire w(1);
    auto lib = open_ok("sim0");
    ASSERT_TRUE(lib);
    static std::uint8_t s_register = 0;  // what the injected inb returns
    const IoFns io{[](unsigned long, unsigned long, int) { return 0; },
                   [](std::uint16_t) { return s_register; }, [](std::uint8_t, std::uint16_t) {}};
    auto direct = DirectPort::open(0x378, io);
    ASSERT_TRUE(direct) << direct.message;
    for (unsigned g = 0; g < 2; ++g)
        for (unsigned r = 0; r < 16; ++r) {
            const std::uint8_t levels = pins::status_pins(g, static_cast<std::uint8_t>(r));
            w.set_pins(0, levels);
            // A real port's register: BUSY inverted, bits 0..2 floating high.
            s_register = static_cast<std::uint8_t>(pins::register_from_pins(levels) | 0x07);
            const std::uint8_t via_lib = lib->read_status();
            const std::uint8_t via_inb = direct.port->read_status();
            EXPECT_EQ(via_lib & 0xF8, via_inb & 0xF8) << "g=" << g << " r=" << r;
            EXPECT_EQ(pins::status_g(via_lib), g);
            EXPECT_EQ(pins::status_r(via_lib), r);
            EXPECT_EQ(pins::status_g(via_inb), g);
            EXPECT_EQ(pins::status_r(via_inb), r);
        }
}

TEST_F(Ieee1284PortTest, ControlRegisterGetsTheRawValue) {
    FakeWire w(1);
    auto p = open_ok("sim0");
    ASSERT_TRUE(p);
    p->write_control(pins::kControlAtOpen);
    // The library inverts nStrobe/nAutoFd/nSelectIn on the way to the register.
    const int ct = ieee1284_read_control(p->handle());
    ASSERT_GE(ct, 0);
    EXPECT_EQ(ct ^ C1284_INVERTED, pins::kControlAtOpen);
}

TEST_F(Ieee1284PortTest, IdleWakesWhenBusyMovesAndIsBoundedOtherwise) {
    FakeWire w(1);
    auto p = open_ok("sim0");
    ASSERT_TRUE(p);
    w.set_pins(0, pins::status_pins(0, 0));
    const std::uint8_t st = p->read_status();
    auto t0 = Clock::now();
    p->idle(st, t0 + std::chrono::seconds(5));  // nothing moves: about 1 ms
    EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(500));
    w.set_pins(0, pins::status_pins(1, 0));
    t0 = Clock::now();
    p->idle(st, t0 + std::chrono::seconds(5));  // BUSY already moved: at once
    EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(100));
}

TEST_F(Ieee1284PortTest, AutoPrefersIeee1284) {
    FakeWire w(1);
    auto r = open_hw_port("sim0", "auto");
    ASSERT_TRUE(r) << r.message;
    EXPECT_EQ(r.port->name().rfind("ieee1284:sim0", 0), 0u) << r.port->name();
}

}  // namespace
}  // namespace papers::driver
