// test_config_parse.cpp — the config parser with good, bad and hostile input.
#include <gtest/gtest.h>

#include <string>

#include "config_parse.hpp"

using namespace papers::ioperm;

namespace {

ParseResult parse(std::string_view text) { return parse_config(text, "test.conf"); }

// Asserts a parse failure whose message contains `needle`.
void expect_error(std::string_view text, const std::string& needle) {
    const auto r = parse(text);
    EXPECT_FALSE(r.ok) << "accepted: " << text;
    EXPECT_NE(r.error.find(needle), std::string::npos) << "message was: " << r.error;
    EXPECT_TRUE(r.table.rules.empty());
}

}  // namespace

TEST(ConfigParse, GoodConfigWithCommentsAndAllClauses) {
    const auto r = parse(
        "# papers hubs\n"
        "\n"
        "port 0x378 users alice,bob groups lp,papers   # the hub\n"
        "\tport 0x278\tuids 54321,0 gids 100\n"
        "port 956 users svc$\n"  // 956 == 0x3bc, decimal accepted
        "   # trailing comment line");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.table.rules.size(), 3u);
    const auto& a = r.table.rules[0];
    EXPECT_EQ(a.base, 0x378u);
    EXPECT_EQ(a.line, 3);
    EXPECT_EQ(a.users, (std::vector<std::string>{"alice", "bob"}));
    EXPECT_EQ(a.groups, (std::vector<std::string>{"lp", "papers"}));
    const auto& b = r.table.rules[1];
    EXPECT_EQ(b.base, 0x278u);
    EXPECT_EQ(b.uids, (std::vector<uid_t>{54321, 0}));
    EXPECT_EQ(b.gids, (std::vector<gid_t>{100}));
    EXPECT_EQ(r.table.rules[2].base, 0x3bcu);
    EXPECT_EQ(r.table.find(0x278), &r.table.rules[1]);
    EXPECT_EQ(r.table.find(0x279), nullptr);
}

TEST(ConfigParse, EmptyAndCommentOnlyConfigsAreValidButGrantNothing) {
    EXPECT_TRUE(parse("").ok);
    const auto r = parse("# nothing here\n\n   \n");
    EXPECT_TRUE(r.ok);
    EXPECT_TRUE(r.table.rules.empty());
}

TEST(ConfigParse, HighestAndLowestPorts) {
    EXPECT_TRUE(parse("port 0xfffd uids 1\n").ok);
    EXPECT_TRUE(parse("port 0xFFFD uids 1\n").ok);
    EXPECT_TRUE(parse("port 0 uids 1\n").ok);
    expect_error("port 0xfffe uids 1\n", "above 0xfffd");
    expect_error("port 0xffff uids 1\n", "above 0xfffd");
    expect_error("port 65534 uids 1\n", "above 0xfffd");
}

TEST(ConfigParse, HugeNegativeAndGarbledNumbersAreRefused) {
    expect_error("port 0x100000000000000000378 uids 1\n", "too long");
    expect_error("port 99999999999 uids 1\n", "not a port number");
    expect_error("port 4294967296 uids 1\n", "not a port number");
    expect_error("port -1 uids 1\n", "not a port number");
    expect_error("port +888 uids 1\n", "not a port number");
    expect_error("port 0x uids 1\n", "not a port number");
    expect_error("port 0x37g uids 1\n", "not a port number");
    expect_error("port 0378 uids 1\n", "leading zero");
    expect_error("port 0x378 uids -5\n", "not a numeric id");
    expect_error("port 0x378 uids 4294967295\n", "not a numeric id");  // (uid_t)-1
    expect_error("port 0x378 uids 99999999999999999999\n", "not a numeric id");
    expect_error("port 0x378 gids 0100\n", "leading zero");
    EXPECT_TRUE(parse("port 0x378 uids 4294967294\n").ok);
}

TEST(ConfigParse, DuplicateAndOverlappingPortsNameBothLines) {
    expect_error("port 0x378 uids 1\n# x\nport 0x378 uids 2\n", "test.conf:3: port 0x378 is already configured on line 1");
    expect_error("port 888 uids 1\nport 0x378 uids 2\n", "already configured on line 1");
    expect_error("port 0x378 uids 1\nport 0x37a uids 2\n", "test.conf:2: port 0x37a overlaps port 0x378 on line 1");
    expect_error("port 0x37a uids 1\nport 0x378 uids 2\n", "overlaps");
    EXPECT_TRUE(parse("port 0x378 uids 1\nport 0x37b uids 2\n").ok);  // adjacent is fine
}

TEST(ConfigParse, UnknownKeywordsAndMissingPartsAreRefusedWithLineNumbers) {
    expect_error("\n\nallow 0x378 uids 1\n", "test.conf:3: unknown keyword 'allow'");
    expect_error("port 0x378 user alice\n", "test.conf:1: unknown keyword 'user'");
    expect_error("port\n", "needs a port number");
    expect_error("port 0x378\n", "names no users, groups, uids or gids");
    expect_error("port 0x378 users\n", "'users' needs a comma-separated list");
    expect_error("port 0x378 users a users b\n", "'users' given twice");
    expect_error("port 0x378 users a,,b\n", "empty entry");
    expect_error("port 0x378 users a,\n", "empty entry");
    expect_error("port 0x378 users ,a\n", "empty entry");
    expect_error("port 0x378 users a,b,a\n", "'a' is listed twice");
    expect_error("PORT 0x378 users a\n", "unknown keyword");
}

TEST(ConfigParse, BadNamesAreRefused) {
    expect_error("port 0x378 users -rf\n", "not a valid user name");
    expect_error("port 0x378 users 1000\n", "not a valid user name");  // numbers belong in uids
    expect_error("port 0x378 groups a/b\n", "not a valid group name");
    expect_error("port 0x378 users al;ice\n", "not a valid user name");
    expect_error("port 0x378 users " + std::string(33, 'a') + "\n", "not a valid user name");
    expect_error("port 0x378 users a$b\n", "not a valid user name");
    EXPECT_TRUE(parse("port 0x378 users " + std::string(32, 'a') + "\n").ok);
}

TEST(ConfigParse, HostileBytesAreRefused) {
    using namespace std::string_literals;
    expect_error("port 0x378 users alice\0root\n"s, "test.conf:1: contains a NUL byte");
    expect_error("# ok\n#\0 in a comment too\n"s, "test.conf:2: contains a NUL byte");
    expect_error("port 0x378 users alice\r\n", "carriage return");
    expect_error("port 0x378 users \x1b[31malice\n", "control character");
    expect_error("port 0x378 users al\x7fice\n", "control character");
    // UTF-8 in a name: not a valid name, and the message shows the bytes escaped.
    const auto r = parse("port 0x378 users \xc3\xa9t\xc3\xa9\n");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("\\xc3\\xa9"), std::string::npos) << r.error;
    EXPECT_TRUE(parse("# caf\xc3\xa9 is fine in a comment\n").ok);
}

TEST(ConfigParse, LongLinesAndHugeFilesAreRefused) {
    expect_error("port 0x378 users a\n" + std::string(kMaxLineBytes + 1, '#') + "\n", "test.conf:2: line is longer");
    EXPECT_TRUE(parse(std::string(kMaxLineBytes, '#') + "\n").ok);
    std::string big;
    while (big.size() <= kMaxConfigBytes) big += "# padding padding padding padding\n";
    expect_error(big, "larger than 65536 bytes");
}

TEST(ConfigParse, MessagesNeverEchoRawControlBytes) {
    const auto r = parse("port 0x378 bogus\xff\xfe x\n");
    ASSERT_FALSE(r.ok);
    for (const char c : r.error) EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
}

TEST(ConfigParse, PortParserIsStrict) {
    EXPECT_EQ(parse_port("0x378"), 0x378u);
    EXPECT_EQ(parse_port("0X3BC"), 0x3bcu);
    EXPECT_EQ(parse_port("888"), 888u);
    EXPECT_EQ(parse_port("0"), 0u);
    for (const char* bad : {"", " 0x378", "0x378 ", "0x-1", "0x+1", "1e3", "0b1", "0x378\n", "00", "0o7"})
        EXPECT_FALSE(parse_port(bad).has_value()) << bad;
    std::string why;
    EXPECT_FALSE(parse_port("0x10000", &why));
    EXPECT_NE(why.find("above 0xfffd"), std::string::npos);
    EXPECT_EQ(port_string(0x378), "0x378");
}

TEST(ConfigParse, IoportsClause) {
    auto r = parse("port 0xe000 users alice ioports any\nport 0x378 ioports parport uids 1\n");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.table.rules[0].any_base);
    EXPECT_FALSE(r.table.rules[1].any_base);
    EXPECT_FALSE(parse("port 0x378 uids 1\n").table.rules[0].any_base);  // the default checks
    expect_error("port 0x378 uids 1 ioports\n", "'ioports' is followed by 'parport'");
    expect_error("port 0x378 uids 1 ioports all\n", "'ioports' is followed by 'parport'");
    expect_error("port 0x378 uids 1 ioports any ioports any\n", "'ioports' given twice");
    expect_error("port 0x378 ioports any\n", "names no users, groups, uids or gids");
}
