// hub_algorithms.hpp — the hub engine's algorithm tables (core/algo_table.hpp).
// Costs are hub exchanges (cost.hpp), exact: each is one DATA write and at
// least one STATUS read. The other collectives have one algorithm each
// (docs/hub-protocol.md, "Operations and their cost").
#pragma once
#include <cstddef>

#include "../core/algo_table.hpp"
#include "cost.hpp"
#include "papers/papers.h"

namespace papers::hub {

struct ReduceShape {
    int n;              // PEs
    std::size_t count;  // elements
    unsigned bits;      // element width
    papers_op_t op;
};

enum class ReduceAlgo { bitwise, logical, gather, bitserial };
enum class ReduceLocAlgo { gather, bitserial };

using ReduceRow = algo::Algorithm<ReduceAlgo, ReduceShape>;
using ReduceLocRow = algo::Algorithm<ReduceLocAlgo, ReduceShape>;

// Ties go to the earlier row: gather before bitserial keeps the gather
// where both cost the same (a MIN/MAX on 4 PEs).
inline constexpr ReduceRow kReduceAlgorithms[] = {
    {ReduceAlgo::bitwise, "bitwise", "BAND, BOR: the NAND computes them bit-parallel",
     "c·w/4 exchanges",
     [](const ReduceShape& s) { return s.op == PAPERS_BAND || s.op == PAPERS_BOR; },
     [](const ReduceShape& s) { return double(cost::reduce_bitwise(s.count, s.bits)); }},
    {ReduceAlgo::logical, "logical", "LAND, LOR: one truth bit per element, 4 per exchange",
     "ceil(c/4) exchanges",
     [](const ReduceShape& s) { return s.op == PAPERS_LAND || s.op == PAPERS_LOR; },
     [](const ReduceShape& s) { return double(cost::reduce_logical(s.count)); }},
    {ReduceAlgo::gather, "gather",
     "any op: gather every PE's elements, combine in rank order (bit-identical floats)",
     "2·(w/8)·c·N exchanges", [](const ReduceShape&) { return true; },
     [](const ReduceShape& s) { return double(cost::reduce_gather(s.n, s.count, s.bits)); }},
    {ReduceAlgo::bitserial, "bitserial",
     "MIN, MAX: most significant bit first over the OR, 4 elements per exchange; cheaper than "
     "the gather for N > 4",
     "w·ceil(c/4) exchanges",
     [](const ReduceShape& s) { return s.op == PAPERS_MIN || s.op == PAPERS_MAX; },
     [](const ReduceShape& s) { return double(cost::reduce_bitserial(s.count, s.bits)); }},
};

inline constexpr ReduceLocRow kReduceLocAlgorithms[] = {
    {ReduceLocAlgo::gather, "gather", "every PE sees every value; the first extreme in rank order",
     "2·(w/8)·N exchanges", [](const ReduceShape&) { return true; },
     [](const ReduceShape& s) { return double(cost::reduce_gather(s.n, 1, s.bits)); }},
    {ReduceLocAlgo::bitserial, "bitserial",
     "bit-serial MIN/MAX, then a waitvec of the PEs still holding the extreme", "w + ceil(N/4) "
     "exchanges",
     [](const ReduceShape&) { return true; },
     [](const ReduceShape& s) {
         return double(cost::reduce_bitserial(1, s.bits) + cost::waitvec(s.n));
     }},
};

}  // namespace papers::hub
