// cost.hpp — hub exchanges per operation, as functions of N (PEs), the
// element width in bits and the count. Each exchange costs 1 DATA write and
// at least 1 STATUS read. The reduce chooser uses these to pick the cheapest
// algorithm; docs/hub-protocol.md lists the same formulas.
#pragma once
#include <cstddef>
#include <cstdint>

namespace papers::hub::cost {

inline constexpr std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

inline constexpr std::uint64_t barrier() { return 1; }
inline constexpr std::uint64_t vote() { return 1; }  // any / all
inline constexpr std::uint64_t waitvec(int n) { return ceil_div(n, 4); }
inline constexpr std::uint64_t bcast(std::size_t bytes) { return 2 * bytes; }
inline constexpr std::uint64_t gather(int n, std::size_t bytes) { return 2 * bytes * n; }
// Distinct requested sources m (excluding self-requests), not known beforehand.
inline constexpr std::uint64_t putget(int n, std::size_t bytes, int m) {
    return waitvec(n) + 2 * bytes * m;
}
inline constexpr std::uint64_t reduce_bitwise(std::size_t count, unsigned bits) {
    return count * bits / 4;
}
inline constexpr std::uint64_t reduce_logical(std::size_t count) { return ceil_div(count, 4); }
inline constexpr std::uint64_t reduce_bitserial(std::size_t count, unsigned bits) {
    return bits * ceil_div(count, 4);
}
inline constexpr std::uint64_t reduce_gather(int n, std::size_t count, unsigned bits) {
    return gather(n, count * bits / 8);
}

}  // namespace papers::hub::cost
