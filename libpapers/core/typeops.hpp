// typeops.hpp — element types and local reduction, shared by every backend
// so that all of them combine values the same way (rank order for floating
// point, two's-complement wrap for integers, a total order for min/max).
#pragma once
#include <cstddef>
#include <cstdint>

#include "papers/papers.h"

namespace papers {

std::size_t type_size(papers_type_t t);  // 0 for an unknown type
unsigned type_bits(papers_type_t t);
bool type_is_float(papers_type_t t);
bool type_is_signed(papers_type_t t);
bool type_valid(papers_type_t t);
bool op_valid(papers_op_t op);
bool op_is_bitwise(papers_op_t op);  // BAND, BOR, BXOR: integer types only
const char* type_name(papers_type_t t);
const char* op_name(papers_op_t op);

// acc[i] = acc[i] (op) in[i] for i < count. For MIN/MAX the order is the
// total order of order_key(); LAND/LOR produce 1 or 0 in the element type.
void combine(void* acc, const void* in, std::size_t count, papers_type_t t, papers_op_t op);

// Converts the truth of every element to 0/1 in place (for LAND/LOR of one PE).
void normalise_logical(void* buf, std::size_t count, papers_type_t t);

// A key whose unsigned order is the element order: flips the sign bit of
// signed integers; for IEEE floats maps -NaN < -inf < ... < -0 < +0 < ... <
// +inf < +NaN. from_order_key inverts it. Keys are right-aligned in 64 bits.
std::uint64_t order_key(const void* elem, papers_type_t t);
void from_order_key(std::uint64_t key, void* elem, papers_type_t t);

// reduce_loc's rule on every backend: the extreme (MIN or MAX in the order
// of order_key) held by the lowest rank. Offer the ranks' values in rank
// order; a later value wins only when strictly better.
class FirstExtreme {
public:
    FirstExtreme(papers_type_t t, papers_op_t op) : type_(t), min_(op == PAPERS_MIN) {}
    void offer(int rank, const void* value) {
        const std::uint64_t k = order_key(value, type_);
        if (rank_ >= 0 && !(min_ ? k < key_ : k > key_)) return;
        rank_ = rank;
        key_ = k;
        value_ = value;
    }
    int rank() const { return rank_; }
    const void* value() const { return value_; }  // as offered: must still be valid

private:
    papers_type_t type_;
    bool min_;
    int rank_ = -1;
    std::uint64_t key_ = 0;
    const void* value_ = nullptr;
};

}  // namespace papers
