// PAPERS_PORT / PAPERS_PORT_ACCESS parsing.
#include <gtest/gtest.h>

#include "papers/driver/port_spec.hpp"

namespace papers::driver {
namespace {

TEST(PortSpec, BaseAddresses) {
    PortSpec s;
    std::string err;
    ASSERT_TRUE(parse_port_spec("0x378", s, err)) << err;
    EXPECT_EQ(s.kind, PortSpec::Kind::base_address);
    EXPECT_EQ(s.base, 0x378);
    ASSERT_TRUE(parse_port_spec("0X3BC", s, err)) << err;
    EXPECT_EQ(s.base, 0x3BC);
    ASSERT_TRUE(parse_port_spec("0xfffd", s, err)) << err;
    EXPECT_EQ(s.base, 0xFFFD);
}

TEST(PortSpec, DevicesAndNames) {
    PortSpec s;
    std::string err;
    ASSERT_TRUE(parse_port_spec("/dev/parport0", s, err)) << err;
    EXPECT_EQ(s.kind, PortSpec::Kind::device);
    EXPECT_EQ(parport_number(s), 0);
    ASSERT_TRUE(parse_port_spec("/dev/parports/3", s, err)) << err;
    EXPECT_EQ(parport_number(s), 3);
    ASSERT_TRUE(parse_port_spec("parport12", s, err)) << err;
    EXPECT_EQ(s.kind, PortSpec::Kind::name);
    EXPECT_EQ(parport_number(s), 12);
    ASSERT_TRUE(parse_port_spec("sim0", s, err)) << err;
    EXPECT_EQ(parport_number(s), -1);
}

TEST(PortSpec, BadSpecsSayWhatIsWrong) {
    struct Case {
        const char* text;
        const char* says;
    } cases[] = {
        {"", "empty"},
        {"0x", "not a valid I/O base"},
        {"0xZZ", "not a valid I/O base"},
        {"0x10000", "not a valid I/O base"},
        {"0xfffe", "not a valid I/O base"},
        {"0x0", "not a valid I/O base"},
        {"888", "decimal"},
        {"/tmp/port", "not a device under /dev/"},
        {"/dev/", "not a device under /dev/"},
        {"par port", "space"},
        {"a/b", "not a port name"},
    };
    for (const auto& c : cases) {
        PortSpec s;
        std::string err;
        EXPECT_FALSE(parse_port_spec(c.text, s, err)) << c.text;
        EXPECT_NE(err.find(c.says), std::string::npos) << c.text << " -> " << err;
    }
}

TEST(PortSpec, AccessMethods) {
    Access a{};
    std::string err;
    ASSERT_TRUE(parse_port_access("", a, err));
    EXPECT_EQ(a, Access::automatic);
    ASSERT_TRUE(parse_port_access("auto", a, err));
    EXPECT_EQ(a, Access::automatic);
    ASSERT_TRUE(parse_port_access("ieee1284", a, err));
    EXPECT_EQ(a, Access::ieee1284);
    ASSERT_TRUE(parse_port_access("direct", a, err));
    EXPECT_EQ(a, Access::direct);
    EXPECT_FALSE(parse_port_access("ppdev", a, err));
    EXPECT_NE(err.find("auto, ieee1284 or direct"), std::string::npos) << err;
}

}  // namespace
}  // namespace papers::driver
