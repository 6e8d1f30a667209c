// The referee's key table against the kernel's ipcget rules.
#include <gtest/gtest.h>
#include <sys/ipc.h>

#include <cerrno>

#include "proto/ids.hpp"
#include "referee.hpp"

using namespace papers::dipc;
using papers::dipcd::Referee;

namespace {

proto::Resolved resolved(const proto::Reply& r) {
    proto::Resolved x;
    EXPECT_TRUE(proto::decode_payload(r.payload, x));
    return x;
}

}  // namespace

TEST(DipcReferee, KeysFollowIpcgetRules) {
    Referee ref{proto::Limits{}};
    std::uint32_t a = ref.register_host({0, "a", "10.0.0.1", 1});
    std::uint32_t b = ref.register_host({0, "b", "10.0.0.2", 1});
    EXPECT_NE(a, b);
    auto r = ref.resolve(a, {proto::Kind::sem, 0x42, 0, 3});
    EXPECT_EQ(r.reply.err, ENOENT);
    r = ref.resolve(a, {proto::Kind::sem, 0x42, IPC_CREAT, 3});
    ASSERT_EQ(r.reply.err, 0);
    auto c = resolved(r.reply);
    EXPECT_TRUE(c.created);
    EXPECT_EQ(c.owner, a);
    EXPECT_TRUE(proto::is_dipc_id(c.id));
    ASSERT_TRUE(r.added);
    r = ref.resolve(b, {proto::Kind::sem, 0x42, IPC_CREAT, 3});
    auto e = resolved(r.reply);
    EXPECT_FALSE(e.created);
    EXPECT_EQ(e.id, c.id);
    EXPECT_EQ(e.owner, a);
    EXPECT_EQ(ref.resolve(b, {proto::Kind::sem, 0x42, IPC_CREAT | IPC_EXCL, 3}).reply.err, EEXIST);
    // The same key in another kind is another structure.
    r = ref.resolve(b, {proto::Kind::msg, 0x42, IPC_CREAT, 0});
    EXPECT_TRUE(resolved(r.reply).created);
    // Private structures always get a new id.
    auto p1 = resolved(ref.resolve(a, {proto::Kind::sem, IPC_PRIVATE, 0, 1}).reply);
    auto p2 = resolved(ref.resolve(a, {proto::Kind::sem, IPC_PRIVATE, 0, 1}).reply);
    EXPECT_NE(p1.id, p2.id);
}

TEST(DipcReferee, RemovalFreesTheKeyAndTheSlotGetsANewSequence) {
    Referee ref{proto::Limits{}};
    std::uint32_t a = ref.register_host({0, "a", "10.0.0.1", 1});
    auto first = resolved(ref.resolve(a, {proto::Kind::msg, 7, IPC_CREAT, 0}).reply);
    EXPECT_FALSE(ref.removed(a + 1, {proto::Kind::msg, first.id}));  // only the owner removes
    EXPECT_TRUE(ref.removed(a, {proto::Kind::msg, first.id}));
    EXPECT_EQ(ref.resolve(a, {proto::Kind::msg, 7, 0, 0}).reply.err, ENOENT);
    auto second = resolved(ref.resolve(a, {proto::Kind::msg, 7, IPC_CREAT, 0}).reply);
    EXPECT_EQ(proto::slot_of(second.id), proto::slot_of(first.id));
    EXPECT_NE(second.id, first.id);
}

TEST(DipcReferee, LimitsGiveEnospc) {
    proto::Limits l;
    l.semmni = 2;
    l.semmns = 10;
    Referee ref{l};
    std::uint32_t a = ref.register_host({0, "a", "10.0.0.1", 1});
    EXPECT_EQ(ref.resolve(a, {proto::Kind::sem, 1, IPC_CREAT, 11}).reply.err, ENOSPC);  // SEMMNS
    EXPECT_EQ(ref.resolve(a, {proto::Kind::sem, 1, IPC_CREAT, 0}).reply.err, EINVAL);   // newary: nsems 0
    EXPECT_EQ(ref.resolve(a, {proto::Kind::sem, 1, IPC_CREAT, 5}).reply.err, 0);
    EXPECT_EQ(ref.resolve(a, {proto::Kind::sem, 2, IPC_CREAT, 4}).reply.err, 0);
    EXPECT_EQ(ref.resolve(a, {proto::Kind::sem, 3, IPC_CREAT, 1}).reply.err, ENOSPC);   // SEMMNI
}

TEST(DipcReferee, LostHostTakesItsStructuresAndANewIncarnationGetsANewId) {
    Referee ref{proto::Limits{}};
    std::uint32_t a = ref.register_host({0, "a", "10.0.0.1", 1});
    std::uint32_t b = ref.register_host({0, "b", "10.0.0.2", 1});
    ref.resolve(a, {proto::Kind::sem, 1, IPC_CREAT, 1});
    ref.resolve(b, {proto::Kind::sem, 2, IPC_CREAT, 1});
    auto gone = ref.host_lost(a);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(ref.resolve(b, {proto::Kind::sem, 1, 0, 1}).reply.err, ENOENT);
    EXPECT_EQ(ref.resolve(b, {proto::Kind::sem, 2, 0, 1}).reply.err, 0);
    std::uint32_t a2 = ref.register_host({0, "a", "10.0.0.1", 1});
    EXPECT_NE(a2, a);
    EXPECT_EQ(ref.hosts().size(), 2u);
}
