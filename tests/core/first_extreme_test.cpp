// first_extreme_test.cpp — reduce_loc's rule (FirstExtreme in typeops.hpp),
// shared by the hub, shm and mpi backends: the extreme in the total order
// of the MIN/MAX reductions, ties to the lowest rank.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/typeops.hpp"

namespace papers {
namespace {

template <class T>
int pick(const std::vector<T>& v, papers_type_t t, papers_op_t op, T* value) {
    FirstExtreme best(t, op);
    for (int r = 0; r < int(v.size()); ++r) best.offer(r, &v[r]);
    *value = *static_cast<const T*>(best.value());
    return best.rank();
}

TEST(FirstExtreme, TiesGoToTheLowestRank) {
    const std::vector<int> v{3, -2, 7, -2, 7};
    int got = 0;
    EXPECT_EQ(pick(v, PAPERS_INT32, PAPERS_MIN, &got), 1);
    EXPECT_EQ(got, -2);
    EXPECT_EQ(pick(v, PAPERS_INT32, PAPERS_MAX, &got), 2);
    EXPECT_EQ(got, 7);
}

TEST(FirstExtreme, UnsignedAndFloatOrders) {
    const std::vector<unsigned> u{5, 0xFFFFFFFFu, 0};
    unsigned gu = 0;
    EXPECT_EQ(pick(u, PAPERS_UINT32, PAPERS_MAX, &gu), 1);
    EXPECT_EQ(pick(u, PAPERS_UINT32, PAPERS_MIN, &gu), 2);
    // -0 < +0 in the total order, and -inf below everything finite.
    const std::vector<double> d{0.0, -0.0, 1.5, -INFINITY};
    double gd = 0;
    EXPECT_EQ(pick(d, PAPERS_DOUBLE, PAPERS_MIN, &gd), 3);
    EXPECT_EQ(pick(std::vector<double>{0.0, -0.0}, PAPERS_DOUBLE, PAPERS_MIN, &gd), 1);
    EXPECT_TRUE(std::signbit(gd));
    EXPECT_EQ(pick(std::vector<double>{-0.0, 0.0}, PAPERS_DOUBLE, PAPERS_MAX, &gd), 1);
}

}  // namespace
}  // namespace papers
