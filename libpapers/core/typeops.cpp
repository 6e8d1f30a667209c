#include "typeops.hpp"

#include <cstring>
#include <type_traits>

namespace papers {

std::size_t type_size(papers_type_t t) {
    switch (t) {
        case PAPERS_INT8: case PAPERS_UINT8: return 1;
        case PAPERS_INT16: case PAPERS_UINT16: return 2;
        case PAPERS_INT32: case PAPERS_UINT32: case PAPERS_FLOAT: return 4;
        case PAPERS_INT64: case PAPERS_UINT64: case PAPERS_DOUBLE: return 8;
        default: return 0;
    }
}
unsigned type_bits(papers_type_t t) { return static_cast<unsigned>(type_size(t) * 8); }
bool type_valid(papers_type_t t) { return t >= PAPERS_INT8 && t < PAPERS_TYPE_COUNT_; }
bool op_valid(papers_op_t op) { return op >= PAPERS_SUM && op < PAPERS_OP_COUNT_; }
bool type_is_float(papers_type_t t) { return t == PAPERS_FLOAT || t == PAPERS_DOUBLE; }
bool type_is_signed(papers_type_t t) { return t >= PAPERS_INT8 && t <= PAPERS_INT64; }
bool op_is_bitwise(papers_op_t op) {
    return op == PAPERS_BAND || op == PAPERS_BOR || op == PAPERS_BXOR;
}

const char* type_name(papers_type_t t) {
    static const char* const names[] = {"int8",   "int16",  "int32",  "int64", "uint8",
                                        "uint16", "uint32", "uint64", "float", "double"};
    return type_valid(t) ? names[t] : "unknown-type";
}
const char* op_name(papers_op_t op) {
    static const char* const names[] = {"sum", "prod", "min", "max", "band",
                                        "bor", "bxor", "land", "lor"};
    return op_valid(op) ? names[op] : "unknown-op";
}

namespace {

template <class U>
U load(const void* p) {
    U v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
template <class U>
void store(void* p, U v) {
    std::memcpy(p, &v, sizeof v);
}

template <class T>
std::uint64_t key_of(T v) {
    using U = std::make_unsigned_t<std::conditional_t<std::is_floating_point_v<T>,
                                                      std::conditional_t<sizeof(T) == 4, std::int32_t,
                                                                         std::int64_t>,
                                                      T>>;
    constexpr U sign = U(1) << (sizeof(U) * 8 - 1);
    U bits;
    std::memcpy(&bits, &v, sizeof bits);
    if constexpr (std::is_floating_point_v<T>) {
        return (bits & sign) ? U(~bits) : U(bits | sign);
    } else if constexpr (std::is_signed_v<T>) {
        return U(bits ^ sign);
    } else {
        return bits;
    }
}

template <class T>
T value_of(std::uint64_t key) {
    using U = std::make_unsigned_t<std::conditional_t<std::is_floating_point_v<T>,
                                                      std::conditional_t<sizeof(T) == 4, std::int32_t,
                                                                         std::int64_t>,
                                                      T>>;
    constexpr U sign = U(1) << (sizeof(U) * 8 - 1);
    U k = static_cast<U>(key);
    U bits;
    if constexpr (std::is_floating_point_v<T>) {
        bits = (k & sign) ? U(k & ~sign) : U(~k);
    } else if constexpr (std::is_signed_v<T>) {
        bits = U(k ^ sign);
    } else {
        bits = k;
    }
    T v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

template <class T>
void combine_typed(void* acc, const void* in, std::size_t count, papers_op_t op) {
    auto* a = static_cast<unsigned char*>(acc);
    auto* b = static_cast<const unsigned char*>(in);
    for (std::size_t i = 0; i < count; ++i, a += sizeof(T), b += sizeof(T)) {
        T x = load<T>(a), y = load<T>(b);
        T r{};
        if constexpr (std::is_integral_v<T>) {
            using U = std::make_unsigned_t<T>;  // wrap, never UB
            switch (op) {
                case PAPERS_SUM: r = T(U(x) + U(y)); break;
                case PAPERS_PROD: r = T(U(x) * U(y)); break;
                case PAPERS_BAND: r = T(x & y); break;
                case PAPERS_BOR: r = T(x | y); break;
                case PAPERS_BXOR: r = T(x ^ y); break;
                default: break;
            }
        } else {
            switch (op) {
                case PAPERS_SUM: r = x + y; break;
                case PAPERS_PROD: r = x * y; break;
                default: break;
            }
        }
        switch (op) {
            case PAPERS_MIN: r = key_of(y) < key_of(x) ? y : x; break;
            case PAPERS_MAX: r = key_of(y) > key_of(x) ? y : x; break;
            case PAPERS_LAND: r = T((x != T(0)) && (y != T(0))); break;
            case PAPERS_LOR: r = T((x != T(0)) || (y != T(0))); break;
            default: break;
        }
        store(a, r);
    }
}

template <class F>
void dispatch(papers_type_t t, F&& f) {
    switch (t) {
        case PAPERS_INT8: f(std::int8_t{}); break;
        case PAPERS_INT16: f(std::int16_t{}); break;
        case PAPERS_INT32: f(std::int32_t{}); break;
        case PAPERS_INT64: f(std::int64_t{}); break;
        case PAPERS_UINT8: f(std::uint8_t{}); break;
        case PAPERS_UINT16: f(std::uint16_t{}); break;
        case PAPERS_UINT32: f(std::uint32_t{}); break;
        case PAPERS_UINT64: f(std::uint64_t{}); break;
        case PAPERS_FLOAT: f(float{}); break;
        case PAPERS_DOUBLE: f(double{}); break;
        default: break;
    }
}

}  // namespace

void combine(void* acc, const void* in, std::size_t count, papers_type_t t, papers_op_t op) {
    dispatch(t, [&](auto tag) { combine_typed<decltype(tag)>(acc, in, count, op); });
}

void normalise_logical(void* buf, std::size_t count, papers_type_t t) {
    dispatch(t, [&](auto tag) {
        using T = decltype(tag);
        auto* p = static_cast<unsigned char*>(buf);
        for (std::size_t i = 0; i < count; ++i, p += sizeof(T)) store(p, T(load<T>(p) != T(0)));
    });
}

std::uint64_t order_key(const void* elem, papers_type_t t) {
    std::uint64_t k = 0;
    dispatch(t, [&](auto tag) { k = key_of(load<decltype(tag)>(elem)); });
    return k;
}

void from_order_key(std::uint64_t key, void* elem, papers_type_t t) {
    dispatch(t, [&](auto tag) { store(elem, value_of<decltype(tag)>(key)); });
}

}  // namespace papers
