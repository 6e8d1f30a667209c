// The direct-I/O port through injected ioperm/inb/outb: what it writes and
// reads where, and what each ioperm failure tells the user.
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <map>
#include <vector>

#include "papers/driver/direct_port.hpp"
#include "papers/driver/pins.hpp"

namespace papers::driver {
namespace {

// The injected functions are plain function pointers, so their state is global.
struct FakeIo {
    int ioperm_errno = 0;  // 0: ioperm succeeds
    bool inb_faults = false;
    std::vector<std::tuple<unsigned long, unsigned long, int>> ioperm_calls;
    std::vector<std::pair<std::uint8_t, std::uint16_t>> outs;
    std::vector<std::uint16_t> ins;
    std::map<std::uint16_t, std::uint8_t> regs;
};
FakeIo g_io;

int fake_ioperm(unsigned long from, unsigned long num, int on) {
    g_io.ioperm_calls.emplace_back(from, num, on);
    if (g_io.ioperm_errno) {
        errno = g_io.ioperm_errno;
        return -1;
    }
    return 0;
}
std::uint8_t fake_inb(std::uint16_t port) {
    if (g_io.inb_faults) std::raise(SIGSEGV);  // what #GP without permission looks like
    g_io.ins.push_back(port);
    return g_io.regs[port];
}
void fake_outb(std::uint8_t v, std::uint16_t port) {
    g_io.outs.emplace_back(v, port);
    g_io.regs[port] = v;
}
const IoFns kFake{fake_ioperm, fake_inb, fake_outb};

class DirectPortTest : public ::testing::Test {
protected:
    void SetUp() override { g_io = FakeIo{}; }
};

TEST_F(DirectPortTest, OpensWithIopermAndUsesTheThreeRegisters) {
    auto r = DirectPort::open(0x378, kFake);
    ASSERT_TRUE(r) << r.message;
    ASSERT_EQ(g_io.ioperm_calls.size(), 1u);
    EXPECT_EQ(g_io.ioperm_calls[0], std::make_tuple(0x378ul, 3ul, 1));
    auto& port = *r.port;
    EXPECT_EQ(port.name(), "direct:0x378");
    port.write_data(0x35);
    port.write_control(pins::kControlAtOpen);
    ASSERT_EQ(g_io.outs.size(), 2u);
    EXPECT_EQ(g_io.outs[0], std::make_pair(std::uint8_t(0x35), std::uint16_t(0x378)));
    EXPECT_EQ(g_io.outs[1], std::make_pair(std::uint8_t(0x04), std::uint16_t(0x37A)));
    // STATUS is handed over exactly as inb returns it (BUSY inverted).
    g_io.regs[0x379] = 0x5F;
    EXPECT_EQ(port.read_status(), 0x5F);
    EXPECT_EQ(g_io.ins.back(), 0x379);
    EXPECT_EQ(port.counters().reads, 1u);
    EXPECT_EQ(port.counters().writes, 1u);
    EXPECT_EQ(port.counters().control_writes, 1u);
}

TEST_F(DirectPortTest, EnosysSaysTheKernelLacksIopermAndNamesPpdev) {
    g_io.ioperm_errno = ENOSYS;
    auto r = DirectPort::open(0x378, kFake);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err, PortErr::unsupported);
    EXPECT_NE(r.message.find("CONFIG_X86_IOPL_IOPERM"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("PAPERS_PORT_ACCESS=ieee1284"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("0x378..0x37a"), std::string::npos) << r.message;
}

TEST_F(DirectPortTest, EpermWithoutAccessSaysHowToGetIt) {
    g_io.ioperm_errno = EPERM;
    g_io.inb_faults = true;
    auto r = DirectPort::open(0x278, kFake);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err, PortErr::no_permission);
    for (const char* s : {"papers-ioperm", "docs/papers-ioperm.md", "root", "cap_sys_rawio",
                          "PAPERS_PORT_ACCESS=ieee1284"})
        EXPECT_NE(r.message.find(s), std::string::npos) << s << " missing in: " << r.message;
}

TEST_F(DirectPortTest, EpermButPortsInheritedFromPapersIopermOpens) {
    // papers-ioperm granted the ports and dropped CAP_SYS_RAWIO before exec:
    // ioperm now says EPERM, but the ports answer.
    g_io.ioperm_errno = EPERM;
    g_io.regs[0x379] = 0x87;
    auto r = DirectPort::open(0x378, kFake);
    ASSERT_TRUE(r) << r.message;
    EXPECT_STREQ(static_cast<DirectPort&>(*r.port).how(), "inherited");
    EXPECT_EQ(r.port->read_status(), 0x87);
}

TEST_F(DirectPortTest, OtherErrors) {
    g_io.ioperm_errno = EINVAL;
    EXPECT_EQ(DirectPort::open(0x378, kFake).err, PortErr::bad_spec);
    g_io.ioperm_errno = EIO;
    auto r = DirectPort::open(0x378, kFake);
    EXPECT_EQ(r.err, PortErr::system);
    EXPECT_NE(r.message.find("Input/output error"), std::string::npos) << r.message;
}

TEST_F(DirectPortTest, NoIoFunctionsMeansNotSupported) {
    auto r = DirectPort::open(0x378, IoFns{nullptr, nullptr, nullptr});
    EXPECT_EQ(r.err, PortErr::unsupported);
    EXPECT_NE(r.message.find("x86"), std::string::npos) << r.message;
}

TEST_F(DirectPortTest, SelectionByConfiguration) {
    auto r = open_hw_port("0x3bc", "direct", &kFake);
    ASSERT_TRUE(r) << r.message;
    EXPECT_EQ(r.port->name(), "direct:0x3bc");
    auto bad = open_hw_port("sim0", "direct", &kFake);
    EXPECT_EQ(bad.err, PortErr::not_found);
    EXPECT_NE(bad.message.find("needs an I/O base"), std::string::npos) << bad.message;
    EXPECT_EQ(open_hw_port("0x378", "inb", &kFake).err, PortErr::bad_spec);
    auto unset = open_hw_port("", "direct", &kFake);
    EXPECT_EQ(unset.err, PortErr::bad_spec);
    EXPECT_NE(unset.message.find("PAPERS_PORT is not set"), std::string::npos);
}

TEST_F(DirectPortTest, GuardedInbCatchesTheFault) {
    g_io.inb_faults = true;
    std::uint8_t v = 0;
    EXPECT_FALSE(guarded_inb(kFake, 0x379, &v));
    g_io.inb_faults = false;
    g_io.regs[0x379] = 0x42;
    EXPECT_TRUE(guarded_inb(kFake, 0x379, &v));
    EXPECT_EQ(v, 0x42);
}

TEST(DirectPortReal, ThisMachineEitherGrantsOrExplains) {
    if (!direct_io_compiled_in()) GTEST_SKIP() << "no direct I/O on this CPU";
    auto r = DirectPort::open(0x378);  // the real ioperm; no port access is made
    if (r) GTEST_SKIP() << "ioperm works here (root on a kernel with ioperm)";
    EXPECT_TRUE(r.err == PortErr::unsupported || r.err == PortErr::no_permission)
        << port_err_name(r.err) << ": " << r.message;
    EXPECT_NE(r.message.find("ioperm(2)"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace papers::driver
