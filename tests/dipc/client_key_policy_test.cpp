// PAPERS_DIPC_KEYS parsing and matching (decision 1).
#include <gtest/gtest.h>

#include "key_policy.hpp"
#include "proto/ids.hpp"

using papers::dipc::client::KeyPolicy;
using papers::dipc::client::parse_key_policy;
constexpr int kDipc = papers::dipc::proto::kIpcDipc;

namespace {

KeyPolicy parsed(const char* text) {
    KeyPolicy p;
    std::string why;
    EXPECT_TRUE(parse_key_policy(text, p, why)) << text << ": " << why;
    return p;
}

std::string refusal(const char* text) {
    KeyPolicy p;
    std::string why;
    EXPECT_FALSE(parse_key_policy(text, p, why)) << "accepted " << text;
    return why;
}

}  // namespace

TEST(ClientKeyPolicy, UnsetEmptyAndFlagMeanTheFlagOnly) {
    for (const char* t : {static_cast<const char*>(nullptr), "", "flag", " flag "}) {
        KeyPolicy p = parsed(t);
        EXPECT_EQ(p.mode, KeyPolicy::Mode::flag);
        EXPECT_FALSE(p.distributes(0x1234, 0600 | 01000));
        EXPECT_TRUE(p.distributes(0x1234, 0600 | kDipc));
        EXPECT_TRUE(p.distributes(0, kDipc));  // IPC_PRIVATE by the flag
        EXPECT_FALSE(p.distributes(0, 0));
    }
}

TEST(ClientKeyPolicy, AllDistributesEveryKeyAndPrivate) {
    KeyPolicy p = parsed("all");
    EXPECT_EQ(p.mode, KeyPolicy::Mode::all);
    EXPECT_TRUE(p.distributes(0x1234, 0));
    EXPECT_TRUE(p.distributes(0, 0));
    EXPECT_TRUE(p.distributes(-5, 0));
}

TEST(ClientKeyPolicy, ListOfKeysAndRanges) {
    KeyPolicy p = parsed("0x1234, 0x5000-0x50ff,77,4294967295");
    ASSERT_EQ(p.mode, KeyPolicy::Mode::list);
    ASSERT_EQ(p.ranges.size(), 4u);
    EXPECT_TRUE(p.distributes(0x1234, 0));
    EXPECT_FALSE(p.distributes(0x1235, 0));
    EXPECT_TRUE(p.distributes(0x5000, 0));
    EXPECT_TRUE(p.distributes(0x5080, 0));
    EXPECT_TRUE(p.distributes(0x50ff, 0));
    EXPECT_FALSE(p.distributes(0x4fff, 0));
    EXPECT_FALSE(p.distributes(0x5100, 0));
    EXPECT_TRUE(p.distributes(77, 0));
    EXPECT_TRUE(p.distributes(-1, 0));  // 0xffffffff: ftok keys may be negative
    EXPECT_TRUE(p.distributes(0x9999, kDipc));  // the flag still distributes
    EXPECT_TRUE(p.distributes(0, kDipc));
}

TEST(ClientKeyPolicy, ListNeverMatchesPrivateEvenInARange) {
    KeyPolicy p = parsed("0-0xff");
    EXPECT_TRUE(p.distributes(1, 0));
    EXPECT_FALSE(p.distributes(0, 0));
}

TEST(ClientKeyPolicy, BadInputIsRefusedNamingTheEntry) {
    EXPECT_NE(refusal("0x12zz").find("entry 1 (\"0x12zz\")"), std::string::npos);
    EXPECT_NE(refusal("0x10,,0x20").find("entry 2 is empty"), std::string::npos);
    EXPECT_NE(refusal("0x10,").find("entry 2 is empty"), std::string::npos);
    EXPECT_NE(refusal("0x20-0x10").find("lo above hi"), std::string::npos);
    EXPECT_NE(refusal("0").find("IPC_PRIVATE"), std::string::npos);
    EXPECT_NE(refusal("0x100000000").find("at most 0xffffffff"), std::string::npos);
    EXPECT_NE(refusal("4294967296").find("at most 0xffffffff"), std::string::npos);
    refusal("-5");
    refusal("0x10-");
    refusal("0x-1");
    refusal("0x");
    refusal("ALL");
    refusal("flag,0x10");
    refusal("1 2");
    refusal("0x10-0x20-0x30");
}
