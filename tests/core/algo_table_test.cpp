// algo_table_test.cpp — the one selection function and the one override
// syntax (core/algo_table.hpp), on a table made for the test.
#include <gtest/gtest.h>

#include <string>

#include "core/algo_table.hpp"

namespace papers::algo {
namespace {

struct Shape {
    int n;
    std::size_t bytes;
};
enum class Id { small, big, fallback };
using Row = Algorithm<Id, Shape>;

constexpr Row kTable[] = {
    {Id::small, "small", "", "", [](const Shape& s) { return s.bytes <= 64; },
     [](const Shape&) { return 1.0; }},
    {Id::big, "big", "", "", [](const Shape& s) { return s.n >= 3; },
     [](const Shape& s) { return s.bytes > 1000 ? 0.5 : 2.0; }, "K, a width"},
    {Id::fallback, "fallback", "", "", [](const Shape&) { return true; },
     [](const Shape&) { return 2.0; }},
};

Id pick(Shape s, const Row* forced = nullptr) {
    return select<Id, Shape>(kTable, s, forced).id;
}

TEST(AlgoSelect, CheapestApplicableRowTiesToTheEarlier) {
    EXPECT_EQ(pick({2, 10}), Id::small);
    EXPECT_EQ(pick({2, 100}), Id::fallback);  // big does not apply to 2 ranks
    EXPECT_EQ(pick({3, 100}), Id::big);       // big and fallback cost 2: the earlier row
    EXPECT_EQ(pick({3, 5000}), Id::big);
}

TEST(AlgoSelect, ForcedRowWinsWhereItApplies) {
    EXPECT_EQ(pick({3, 10}, &kTable[1]), Id::big);
    EXPECT_EQ(pick({2, 10}, &kTable[1]), Id::small);  // cannot run: the automatic choice
    EXPECT_EQ(pick({2, 10}, &kTable[2]), Id::fallback);
}

TEST(AlgoOverrides, ParsesTheSyntax) {
    Overrides o;
    std::string err;
    ASSERT_TRUE(parse_overrides("barrier=central,reduce=groups:3", o, err)) << err;
    ASSERT_EQ(o.size(), 2u);
    EXPECT_EQ(o[0].collective, "barrier");
    EXPECT_EQ(o[0].algorithm, "central");
    EXPECT_EQ(o[0].parameter, -1);
    EXPECT_EQ(o[1].algorithm, "groups");
    EXPECT_EQ(o[1].parameter, 3);
    ASSERT_TRUE(parse_overrides("", o, err));
    EXPECT_TRUE(o.empty());
}

TEST(AlgoOverrides, RejectsMalformedText) {
    const std::pair<const char*, const char*> bad[] = {
        {"barrier", "'barrier' is not collective=algorithm"},
        {"barrier=", "'barrier=' is not collective=algorithm"},
        {"=central", "'=central' is not collective=algorithm"},
        {"vote=star", "'vote' is not a collective"},
        {"barrier=a,barrier=b", "barrier is named twice"},
        {"barrier=groups:0", "the parameter after ':' must be a number >= 1"},
        {"barrier=groups:", "the parameter after ':' must be a number >= 1"},
    };
    for (const auto& [text, want] : bad) {
        Overrides o;
        std::string err;
        EXPECT_FALSE(parse_overrides(text, o, err)) << text;
        EXPECT_NE(err.find(want), std::string::npos) << text << ": " << err;
    }
}

TEST(AlgoResolver, FindsTheForcedRowAndItsParameter) {
    Overrides o;
    std::string err;
    ASSERT_TRUE(parse_overrides("reduce=big:7", o, err));
    Resolver r(o, "test");
    long k = -1;
    const Row* row = r.forced<Id, Shape>("reduce", kTable, &k);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->id, Id::big);
    EXPECT_EQ(k, 7);
    EXPECT_EQ((r.forced<Id, Shape>("barrier", kTable)), nullptr);
    EXPECT_TRUE(r.ok(err)) << err;
}

TEST(AlgoResolver, NamesWhatItCannotHonour) {
    const std::pair<const char*, const char*> bad[] = {
        {"reduce=nope", "PAPERS_ALGORITHMS: reduce=nope: on the test backend it is not one of "
                        "its reduce algorithms (small, big, fallback)"},
        {"reduce=small:2", "reduce=small: on the test backend it takes no parameter"},
        {"bcast=small", "bcast=small: on the test backend it has no choice of bcast algorithm "
                        "(it chooses for: reduce)"},
    };
    for (const auto& [text, want] : bad) {
        Overrides o;
        std::string err;
        ASSERT_TRUE(parse_overrides(text, o, err)) << err;
        Resolver r(o, "test");
        r.forced<Id, Shape>("reduce", kTable);
        EXPECT_FALSE(r.ok(err)) << text;
        EXPECT_NE(err.find(want), std::string::npos) << text << ": " << err;
    }
}

}  // namespace
}  // namespace papers::algo
