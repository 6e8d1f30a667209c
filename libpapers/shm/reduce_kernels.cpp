// reduce_kernels.cpp — vectorisable element loops (built with -O3, see
// sources.cmake). papers::combine switches on the operator per element,
// which costs ~1.6 ns per double here: as much as the whole exchange of a
// 1024-double all-reduce between two cores.
#include "reduce_kernels.hpp"

#include <cstdint>
#include <type_traits>

#include "../core/typeops.hpp"

namespace papers::shm {

namespace {

template <class T, class F>
void loop(void* acc, const void* in, std::size_t n, F f) {
    T* __restrict a = static_cast<T*>(acc);
    const T* __restrict b = static_cast<const T*>(in);
    for (std::size_t i = 0; i < n; ++i) a[i] = f(a[i], b[i]);
}

template <class T>
bool typed(void* acc, const void* in, std::size_t n, papers_op_t op) {
    if constexpr (std::is_integral_v<T>) {
        using U = std::make_unsigned_t<T>;  // wrap-around, as papers::combine
        switch (op) {
            case PAPERS_SUM: loop<T>(acc, in, n, [](T x, T y) { return T(U(x) + U(y)); }); return true;
            case PAPERS_PROD: loop<T>(acc, in, n, [](T x, T y) { return T(U(x) * U(y)); }); return true;
            case PAPERS_BAND: loop<T>(acc, in, n, [](T x, T y) { return T(x & y); }); return true;
            case PAPERS_BOR: loop<T>(acc, in, n, [](T x, T y) { return T(x | y); }); return true;
            case PAPERS_BXOR: loop<T>(acc, in, n, [](T x, T y) { return T(x ^ y); }); return true;
            // Integer order is the order of order_key (sign bit flipped).
            case PAPERS_MIN: loop<T>(acc, in, n, [](T x, T y) { return y < x ? y : x; }); return true;
            case PAPERS_MAX: loop<T>(acc, in, n, [](T x, T y) { return y > x ? y : x; }); return true;
            default: break;
        }
    } else {
        switch (op) {
            case PAPERS_SUM: loop<T>(acc, in, n, [](T x, T y) { return x + y; }); return true;
            case PAPERS_PROD: loop<T>(acc, in, n, [](T x, T y) { return x * y; }); return true;
            default: break;  // MIN/MAX: NaN and -0 need the total order
        }
    }
    switch (op) {
        case PAPERS_LAND:
            loop<T>(acc, in, n, [](T x, T y) { return T((x != T(0)) && (y != T(0))); });
            return true;
        case PAPERS_LOR:
            loop<T>(acc, in, n, [](T x, T y) { return T((x != T(0)) || (y != T(0))); });
            return true;
        default: return false;
    }
}

template <class T>
bool aligned(const void* a, const void* b) {
    return (reinterpret_cast<std::uintptr_t>(a) | reinterpret_cast<std::uintptr_t>(b)) %
               alignof(T) == 0;
}

template <class T>
bool try_typed(void* acc, const void* in, std::size_t n, papers_op_t op) {
    return aligned<T>(acc, in) && typed<T>(acc, in, n, op);
}

}  // namespace

void combine_fast(void* acc, const void* in, std::size_t count, papers_type_t type,
                  papers_op_t op) {
    bool done = false;
    switch (type) {
        case PAPERS_INT8: done = try_typed<std::int8_t>(acc, in, count, op); break;
        case PAPERS_INT16: done = try_typed<std::int16_t>(acc, in, count, op); break;
        case PAPERS_INT32: done = try_typed<std::int32_t>(acc, in, count, op); break;
        case PAPERS_INT64: done = try_typed<std::int64_t>(acc, in, count, op); break;
        case PAPERS_UINT8: done = try_typed<std::uint8_t>(acc, in, count, op); break;
        case PAPERS_UINT16: done = try_typed<std::uint16_t>(acc, in, count, op); break;
        case PAPERS_UINT32: done = try_typed<std::uint32_t>(acc, in, count, op); break;
        case PAPERS_UINT64: done = try_typed<std::uint64_t>(acc, in, count, op); break;
        case PAPERS_FLOAT: done = try_typed<float>(acc, in, count, op); break;
        case PAPERS_DOUBLE: done = try_typed<double>(acc, in, count, op); break;
        default: break;
    }
    if (!done) combine(acc, in, count, type, op);
}

}  // namespace papers::shm
