// The shm reductions' fast element loops must give exactly the bits of
// papers::combine for every type and operator, special values included.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/typeops.hpp"
#include "shm/reduce_kernels.hpp"

namespace {

template <class T>
std::vector<unsigned char> bytes_of(std::mt19937_64& rng, std::size_t n) {
    std::vector<unsigned char> v(n * sizeof(T) + 1);
    for (auto& b : v) b = static_cast<unsigned char>(rng());
    if constexpr (std::is_floating_point_v<T>) {
        const T specials[] = {T(0), -T(0), std::numeric_limits<T>::infinity(),
                              -std::numeric_limits<T>::infinity(),
                              std::numeric_limits<T>::quiet_NaN(), T(1), T(-1.5),
                              std::numeric_limits<T>::denorm_min()};
        for (std::size_t i = 0; i < n; i += 3) {
            T s = specials[rng() % 8];
            std::memcpy(&v[i * sizeof(T)], &s, sizeof s);
        }
    } else {
        for (std::size_t i = 0; i < n; i += 4) std::memset(&v[i * sizeof(T)], 0, sizeof(T));
    }
    return v;
}

template <class T>
void check_type(papers_type_t t) {
    std::mt19937_64 rng(42 + unsigned(t));
    for (int op = PAPERS_SUM; op < PAPERS_OP_COUNT_; ++op) {
        if (std::is_floating_point_v<T> && papers::op_is_bitwise(papers_op_t(op))) continue;
        for (std::size_t n : {1u, 2u, 7u, 16u, 33u, 1000u}) {
            for (int shift : {0, 1}) {  // 1: misaligned buffers take the generic path
                auto a = bytes_of<T>(rng, n), b = bytes_of<T>(rng, n);
                auto want = a;
                papers::combine(want.data() + shift, b.data() + shift, n, t, papers_op_t(op));
                papers::shm::combine_fast(a.data() + shift, b.data() + shift, n, t,
                                          papers_op_t(op));
                EXPECT_EQ(std::memcmp(a.data() + shift, want.data() + shift, n * sizeof(T)), 0)
                    << papers::type_name(t) << " " << papers::op_name(papers_op_t(op))
                    << " n=" << n << " shift=" << shift;
            }
        }
    }
}

TEST(ShmKernels, FastCombineIsBitIdenticalToPapersCombine) {
    check_type<std::int8_t>(PAPERS_INT8);
    check_type<std::int16_t>(PAPERS_INT16);
    check_type<std::int32_t>(PAPERS_INT32);
    check_type<std::int64_t>(PAPERS_INT64);
    check_type<std::uint8_t>(PAPERS_UINT8);
    check_type<std::uint16_t>(PAPERS_UINT16);
    check_type<std::uint32_t>(PAPERS_UINT32);
    check_type<std::uint64_t>(PAPERS_UINT64);
    check_type<float>(PAPERS_FLOAT);
    check_type<double>(PAPERS_DOUBLE);
}

}  // namespace
