// call_tag_test.cpp — the PAPERS_DEBUG call tag: two calls that differ in
// anything the tag carries (collective, type, op, root, size) never share
// a word, for every pair of types and ops; and the word decodes back.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/call_tag.hpp"

namespace papers {
namespace {

// Every call the C API can make with one size and root, for every valid
// type x op (bitwise ops only on integer types).
std::vector<CallTag> every_call(std::uint64_t size, int root) {
    std::vector<CallTag> v = {CallTag::simple(Call::barrier), CallTag::simple(Call::any),
                              CallTag::simple(Call::all),     CallTag::simple(Call::waitvec),
                              CallTag::bcast(size, root),     CallTag::sized(Call::gather, size),
                              CallTag::sized(Call::putget, size)};
    for (int t = 0; t < PAPERS_TYPE_COUNT_; ++t)
        for (int o = 0; o < PAPERS_OP_COUNT_; ++o) {
            const bool is_float = t == PAPERS_FLOAT || t == PAPERS_DOUBLE;
            const bool bitwise = o == PAPERS_BAND || o == PAPERS_BOR || o == PAPERS_BXOR;
            if (is_float && bitwise) continue;
            v.push_back(CallTag::reduce(size, papers_type_t(t), papers_op_t(o)));
            if (o == PAPERS_MIN || o == PAPERS_MAX)
                v.push_back(CallTag::reduce_loc(papers_type_t(t), papers_op_t(o)));
        }
    return v;
}

TEST(CallTag, EveryPairOfDifferentCallsHasDifferentWords) {
    std::map<std::uint64_t, std::string> seen;
    int calls = 0;
    for (std::uint64_t size : {1u, 2u, 3u, 4096u})
        for (int root : {0, 1, 4095}) {
            for (const CallTag& t : every_call(size, root)) {
                const std::string what = describe_call(t);
                const auto [it, fresh] = seen.emplace(encode_tag(t), what);
                // The same call listed twice (calls without root or size) is fine.
                if (!fresh) {
                    EXPECT_EQ(it->second, what) << "two calls share a tag";
                }
                ++calls;
            }
        }
    EXPECT_GT(calls, 4 * 3 * 100);
    // 7 non-reduce kinds are not all distinct across sizes/roots, but every
    // distinct description has its own word and vice versa.
    std::map<std::string, std::uint64_t> by_text;
    for (const auto& [word, text] : seen) EXPECT_TRUE(by_text.emplace(text, word).second) << text;
}

TEST(CallTag, TheTypesAndOpsTheOldHubTagConfused) {
    EXPECT_NE(encode_tag(CallTag::reduce(1, PAPERS_INT8, PAPERS_SUM)),
              encode_tag(CallTag::reduce(1, PAPERS_INT16, PAPERS_SUM)));
    EXPECT_NE(encode_tag(CallTag::reduce(1, PAPERS_FLOAT, PAPERS_MAX)),
              encode_tag(CallTag::reduce(1, PAPERS_DOUBLE, PAPERS_MAX)));
    EXPECT_NE(encode_tag(CallTag::reduce_loc(PAPERS_INT8, PAPERS_MIN)),
              encode_tag(CallTag::reduce(1, PAPERS_INT32, PAPERS_MIN)));
}

TEST(CallTag, DecodesToTheSameFields) {
    for (const CallTag& t : every_call(123456789, 17)) {
        const CallTag d = decode_tag(encode_tag(t));
        EXPECT_EQ(int(d.call), int(t.call));
        EXPECT_EQ(d.size, t.size);
        EXPECT_EQ(d.root, t.root);
        EXPECT_EQ(d.type, t.type);
        EXPECT_EQ(d.op, t.op);
    }
}

TEST(CallTag, DescribesTheCall) {
    EXPECT_EQ(describe_call(CallTag::reduce(3, PAPERS_INT8, PAPERS_SUM)),
              "papers_reduce(3 x int8, sum)");
    EXPECT_EQ(describe_call(CallTag::bcast(100, 2)), "papers_bcast(100 bytes, root 2)");
    EXPECT_EQ(describe_call(CallTag::sized(Call::gather, 8)), "papers_gather(8 bytes)");
    EXPECT_EQ(describe_call(CallTag::reduce_loc(PAPERS_DOUBLE, PAPERS_MAX)),
              "papers_reduce_loc(double, max)");
    EXPECT_EQ(describe_call(CallTag::simple(Call::barrier)), "papers_barrier()");
}

}  // namespace
}  // namespace papers
