// mpi_algorithms.hpp — the mpi backend's algorithm table
// (core/algo_table.hpp): MPI's own all-reduce where it gives papers' exact
// results, the rank-order gather otherwise.
#pragma once
#include "../core/algo_table.hpp"
#include "papers/papers.h"

namespace papers::mpi {

struct ReduceShape {
    papers_type_t type;
};
enum class ReduceAlgo { allreduce, gather };
using ReduceRow = algo::Algorithm<ReduceAlgo, ReduceShape>;

inline constexpr ReduceRow kReduceAlgorithms[] = {
    {ReduceAlgo::allreduce, "allreduce",
     "integer types: MPI_Iallreduce (unsigned types for wrap-around sums)", "1",
     [](const ReduceShape& s) { return s.type != PAPERS_FLOAT && s.type != PAPERS_DOUBLE; },
     [](const ReduceShape&) { return 1.0; }},
    {ReduceAlgo::gather, "gather",
     "floating point: MPI_Iallgather, then combine in rank order (MPI promises no order)", "2",
     [](const ReduceShape&) { return true; }, [](const ReduceShape&) { return 2.0; }},
};

}  // namespace papers::mpi
