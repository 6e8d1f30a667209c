// test_access_policy.cpp — permission decisions against an injected user database.
#include <gtest/gtest.h>

#include <map>

#include "access_policy.hpp"

using namespace papers::ioperm;

namespace {

class FakeNames final : public NameResolver {
public:
    std::map<std::string, uid_t> users{{"alice", 1000}, {"bob", 1001}, {"alias", 1000}};
    std::map<std::string, gid_t> groups{{"lp", 7}, {"papers", 500}};
    std::optional<uid_t> uid_of(const std::string& u) const override {
        auto it = users.find(u);
        return it == users.end() ? std::nullopt : std::optional<uid_t>(it->second);
    }
    std::optional<gid_t> gid_of(const std::string& g) const override {
        auto it = groups.find(g);
        return it == groups.end() ? std::nullopt : std::optional<gid_t>(it->second);
    }
};

ConfigTable table(const char* text) {
    auto r = parse_config(text, "t.conf");
    EXPECT_TRUE(r.ok) << r.error;
    return r.table;
}

Caller who(uid_t uid, gid_t gid, std::vector<gid_t> groups = {}, std::string name = {}) {
    return Caller{uid, gid, std::move(groups), std::move(name)};
}

const FakeNames names;

}  // namespace

TEST(AccessPolicy, AllowedByUserName) {
    const auto t = table("port 0x378 users alice\n");
    const auto d = decide(t, who(1000, 1000, {}, "alice"), 0x378u, names, "t.conf");
    EXPECT_TRUE(d.allowed) << d.reason;
    EXPECT_EQ(d.port, 0x378u);
    EXPECT_NE(d.reason.find("user alice"), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("t.conf line 1"), std::string::npos) << d.reason;
}

TEST(AccessPolicy, NameMatchingIsByUidNotByTheCallersName) {
    // "alias" resolves to uid 1000 too; the caller's own name plays no part.
    const auto t = table("port 0x378 users alias\n");
    EXPECT_TRUE(decide(t, who(1000, 1000, {}, "alice"), 0x378u, names, "t.conf").allowed);
    EXPECT_FALSE(decide(t, who(1001, 1000, {}, "alias"), 0x378u, names, "t.conf").allowed);
}

TEST(AccessPolicy, AllowedByUid) {
    const auto t = table("port 0x378 uids 54321\n");
    EXPECT_TRUE(decide(t, who(54321, 54321), 0x378u, names, "t.conf").allowed);
    EXPECT_FALSE(decide(t, who(54322, 54321), 0x378u, names, "t.conf").allowed);
}

TEST(AccessPolicy, AllowedBySupplementaryGroupOrPrimaryGroup) {
    const auto t = table("port 0x378 groups lp\nport 0x278 gids 500\n");
    const auto sup = decide(t, who(2000, 2000, {3, 7}), 0x378u, names, "t.conf");
    EXPECT_TRUE(sup.allowed) << sup.reason;
    EXPECT_NE(sup.reason.find("group lp"), std::string::npos);
    EXPECT_TRUE(decide(t, who(2000, 7), 0x378u, names, "t.conf").allowed);  // primary gid
    EXPECT_TRUE(decide(t, who(2000, 2000, {500}), 0x278u, names, "t.conf").allowed);
    EXPECT_FALSE(decide(t, who(2000, 2000, {500}), 0x378u, names, "t.conf").allowed);
}

TEST(AccessPolicy, NotAllowed) {
    const auto t = table("port 0x378 users alice groups lp uids 5 gids 6\n");
    const auto d = decide(t, who(1001, 100, {8, 9}, "bob"), 0x378u, names, "t.conf");
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.reason, "user 'bob' (uid 1001) may not use port 0x378 (t.conf line 1 does not list it or its groups)");
}

TEST(AccessPolicy, PortNotConfigured) {
    const auto t = table("port 0x378 users alice\n");
    const auto d = decide(t, who(1000, 1000, {}, "alice"), 0x278u, names, "t.conf");
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.reason, "port 0x278 is not configured in t.conf");
}

TEST(AccessPolicy, UsersAndGroupsThatDoNotExistMatchNobody) {
    const auto t = table("port 0x378 users ghost groups phantom\n");
    for (uid_t u : {0u, 1000u, 65534u})
        EXPECT_FALSE(decide(t, who(u, u, {0, 7, 500, 65534}), 0x378u, names, "t.conf").allowed);
}

TEST(AccessPolicy, WithoutPortTheSingleAllowedPortIsChosen) {
    const auto t = table("port 0x378 users bob\nport 0x278 users alice\nport 0x3bc groups papers\n");
    const auto one = decide(t, who(1000, 1000), std::nullopt, names, "t.conf");
    EXPECT_TRUE(one.allowed) << one.reason;
    EXPECT_EQ(one.port, 0x278u);

    const auto two = decide(t, who(1000, 1000, {500}), std::nullopt, names, "t.conf");
    EXPECT_FALSE(two.allowed);
    EXPECT_NE(two.reason.find("several ports (0x278, 0x3bc): choose one with --port"), std::string::npos)
        << two.reason;

    const auto none = decide(t, who(4242, 4242), std::nullopt, names, "t.conf");
    EXPECT_FALSE(none.allowed);
    EXPECT_EQ(none.reason, "uid 4242 is not allowed any port in t.conf");
}

TEST(AccessPolicy, EmptyConfigAllowsNothingEvenForRoot) {
    const ConfigTable empty;
    EXPECT_FALSE(decide(empty, who(0, 0), std::nullopt, names, "t.conf").allowed);
    EXPECT_FALSE(decide(empty, who(0, 0), 0x378u, names, "t.conf").allowed);
}

TEST(AccessPolicy, SystemResolverFindsRootAndNotNonsense) {
    const SystemResolver sys;
    EXPECT_EQ(sys.uid_of("root"), std::optional<uid_t>(0));
    EXPECT_EQ(sys.gid_of("root"), std::optional<gid_t>(0));
    EXPECT_FALSE(sys.uid_of("no-such-user-papers-ioperm").has_value());
    EXPECT_FALSE(sys.gid_of("no-such-group-papers-ioperm").has_value());
    EXPECT_EQ(user_name_of(0), "root");
    EXPECT_EQ(user_name_of(54321), "");
}
