// verilated_bits.hpp — read and write bit fields of Verilated ports, whatever their width.
// Ports up to 64 bits are plain integers (CData/SData/IData/QData); wider ones are VlWide
// arrays of 32-bit words. Used by hub_model.cpp and tree_hub_model.cpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "verilated.h"

namespace papers::sim::bits {

// Write `width` (<= 64) bits of `value` at bit `lsb`.
template <typename T>
    requires std::is_integral_v<T>
void put(T& field, int lsb, int width, std::uint64_t value) {
    const std::uint64_t ones = width >= 64 ? ~0ULL : (1ULL << width) - 1;
    const auto mask = static_cast<T>(ones << lsb);
    field = static_cast<T>((field & ~mask) | (static_cast<T>(value << lsb) & mask));
}

template <std::size_t Words>
void put(VlWide<Words>& field, int lsb, int width, std::uint64_t value) {
    for (int b = 0; b < width; ++b) {
        const int bit = lsb + b;
        const EData word_mask = EData{1} << (bit % 32);
        EData& word = field[static_cast<std::size_t>(bit / 32)];
        word = ((value >> b) & 1U) ? (word | word_mask) : (word & ~word_mask);
    }
}

// Read `width` (<= 64) bits at bit `lsb`.
template <typename T>
    requires std::is_integral_v<T>
std::uint64_t get(const T& field, int lsb, int width) {
    const std::uint64_t ones = width >= 64 ? ~0ULL : (1ULL << width) - 1;
    return (static_cast<std::uint64_t>(field) >> lsb) & ones;
}

template <std::size_t Words>
std::uint64_t get(const VlWide<Words>& field, int lsb, int width) {
    std::uint64_t value = 0;
    for (int b = 0; b < width; ++b) {
        const int bit = lsb + b;
        const EData word = field[static_cast<std::size_t>(bit / 32)];
        value |= static_cast<std::uint64_t>((word >> (bit % 32)) & 1U) << b;
    }
    return value;
}

// Bytes Verilator stores a port of `bits` bits in (up to 64 bits: the smallest integer).
constexpr std::size_t storage_bytes(int bits) {
    return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : bits <= 64 ? 8 : 4 * ((bits + 31) / 32);
}

}  // namespace papers::sim::bits
