// errors_test.cpp — the error codes made from PAPERS_ERRNO_MAP (papers.h):
// distinct negative values, and papers_strerror knows every one.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "papers/papers.h"

namespace {

TEST(ErrorCodes, DistinctNegativeAndNamed) {
    std::set<int> values;
    std::set<std::string> texts;
    int n = 0;
#define PAPERS_TEST_CODE_(name, value, text, meaning)                            \
    EXPECT_EQ(PAPERS_##name, value);                                             \
    EXPECT_LT(value, 0) << #name;                                                \
    EXPECT_TRUE(values.insert(value).second) << #name " repeats a value";        \
    EXPECT_STREQ(papers_strerror(PAPERS_##name), text) << #name;                 \
    EXPECT_TRUE(texts.insert(text).second) << #name " repeats a text";           \
    ++n;
    PAPERS_ERRNO_MAP(PAPERS_TEST_CODE_)
#undef PAPERS_TEST_CODE_
    EXPECT_EQ(n, 14);
    EXPECT_STREQ(papers_strerror(PAPERS_OK), "success");
    EXPECT_STREQ(papers_strerror(-99), "unknown error");
    EXPECT_STREQ(papers_strerror(1), "unknown error");
}

}  // namespace
