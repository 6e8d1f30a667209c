// Allow list: literals, CIDR networks (v4 and v6), names from /etc/hosts,
// v4-mapped peers, and clear errors for bad entries. Expectations are
// written out by hand from the addresses' bits.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "channel/allow_list.hpp"

using namespace papers::dipc::channel;
using boost::asio::ip::make_address;

namespace {

bool allows(const AllowList& l, const char* a) { return l.allows(make_address(a)); }

std::string parse_error(const std::vector<std::string>& entries) {
    try {
        (void)AllowList::parse(entries);
        return "";
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
}

TEST(ChannelAllowList, LiteralsMatchExactly) {
    const auto l = AllowList::parse({"127.0.0.1", "fd00::7", " 10.1.2.3 "});
    EXPECT_TRUE(allows(l, "127.0.0.1"));
    EXPECT_FALSE(allows(l, "127.0.0.2"));
    EXPECT_TRUE(allows(l, "10.1.2.3"));
    EXPECT_TRUE(allows(l, "fd00::7"));
    EXPECT_FALSE(allows(l, "fd00::8"));
    EXPECT_FALSE(allows(l, "::1"));
}

TEST(ChannelAllowList, V4NetworksMatchTheirPrefixOnly) {
    const auto l = AllowList::parse({"10.0.0.0/8", "192.168.4.0/22", "172.16.5.128/25"});
    EXPECT_TRUE(allows(l, "10.0.0.0"));
    EXPECT_TRUE(allows(l, "10.255.255.255"));
    EXPECT_FALSE(allows(l, "11.0.0.0"));
    EXPECT_FALSE(allows(l, "9.255.255.255"));
    EXPECT_TRUE(allows(l, "192.168.4.0"));
    EXPECT_TRUE(allows(l, "192.168.7.255"));  // /22: 4.0 - 7.255
    EXPECT_FALSE(allows(l, "192.168.8.0"));
    EXPECT_FALSE(allows(l, "192.168.3.255"));
    EXPECT_TRUE(allows(l, "172.16.5.128"));
    EXPECT_TRUE(allows(l, "172.16.5.255"));
    EXPECT_FALSE(allows(l, "172.16.5.127"));
    // An IPv4 peer on a dual-stack socket.
    EXPECT_TRUE(allows(l, "::ffff:10.9.8.7"));
    EXPECT_FALSE(allows(l, "::ffff:11.9.8.7"));
}

TEST(ChannelAllowList, V6NetworksAndEdgePrefixes) {
    const auto l = AllowList::parse({"fd12:3456::/32", "2001:db8::1/128", "fe80::/10"});
    EXPECT_TRUE(allows(l, "fd12:3456::1"));
    EXPECT_TRUE(allows(l, "fd12:3456:ffff:ffff:ffff:ffff:ffff:ffff"));
    EXPECT_FALSE(allows(l, "fd12:3457::"));
    EXPECT_TRUE(allows(l, "2001:db8::1"));
    EXPECT_FALSE(allows(l, "2001:db8::2"));
    EXPECT_TRUE(allows(l, "febf::1"));   // fe80::/10 = fe80 - febf
    EXPECT_FALSE(allows(l, "fec0::1"));
    EXPECT_FALSE(allows(l, "10.0.0.1"));  // no v4 entry

    const auto all4 = AllowList::parse({"0.0.0.0/0"});
    EXPECT_TRUE(allows(all4, "1.2.3.4"));
    EXPECT_FALSE(allows(all4, "::1"));  // families are not mixed
    const auto all6 = AllowList::parse({"::/0"});
    EXPECT_TRUE(allows(all6, "::1"));
    EXPECT_FALSE(allows(all6, "1.2.3.4"));
}

TEST(ChannelAllowList, EmptyListAllowsNobody) {
    const auto l = AllowList::parse({});
    EXPECT_TRUE(l.empty());
    EXPECT_FALSE(allows(l, "127.0.0.1"));
    EXPECT_EQ(l.describe(), "nobody");
}

TEST(ChannelAllowList, NamesResolveOnceFromHosts) {
    const auto l = AllowList::parse({"localhost"});  // /etc/hosts: 127.0.0.1
    EXPECT_TRUE(allows(l, "127.0.0.1"));
    EXPECT_FALSE(allows(l, "127.0.0.2"));
    EXPECT_NE(l.describe().find("127.0.0.1/32 (localhost)"), std::string::npos) << l.describe();
}

TEST(ChannelAllowList, BadEntriesNameTheEntryAndTheProblem) {
    struct Case { std::string entry, expect; };
    const Case cases[] = {
        {"10.0.0.0/33", "above 32"},
        {"fd00::/129", "above 128"},
        {"10.0.0.0/", "not a number"},
        {"10.0.0.0/x", "not a number"},
        {"10.0.0.0/-1", "not a number"},
        {"/8", "not an IPv4 or IPv6 address"},
        {"myhost/24", "not an IPv4 or IPv6 address"},
        {"10.1.0.0/8", "bits set beyond the /8"},
        {"fd00::1/64", "bits set beyond the /64"},
        {"no-such-host.invalid", "not an address, a network"},
        {"  ", "empty"},
        {"10.0.0.256", "not an address"},
    };
    for (const Case& c : cases) {
        const std::string err = parse_error({"127.0.0.1", c.entry});
        EXPECT_NE(err.find(c.expect), std::string::npos) << c.entry << ": " << err;
        if (c.entry != "  ") {
            EXPECT_NE(err.find("'" + c.entry + "'"), std::string::npos) << err;
        }
    }
}

}  // namespace
