// pmpi_types.hpp — which MPI datatypes and ops the interposer can hand to
// papers. Everything not listed here falls through to PMPI_ unchanged.
#pragma once
#include <mpi.h>

#include <cstddef>
#include <optional>

#include "papers/papers.h"

namespace papers::pmpi {

// Predefined types with a papers element type (integers of 8..64 bits,
// float, double). MPI_CHAR, MPI_BYTE, MPI_LONG_DOUBLE, MPI_C_BOOL, pair
// types and every derived type: none.
std::optional<papers_type_t> reduce_type(MPI_Datatype dt);

// A predefined op that MPI itself allows on `type` (bitwise/logical ops on
// integers only), mapped to papers'. User-defined ops, MPI_REPLACE,
// MPI_MINLOC/MAXLOC and invalid combinations: none.
std::optional<papers_op_t> reduce_op(MPI_Op op, papers_type_t type);

// Bytes of `count` elements when `dt` is a predefined type laid out with no
// gaps (size == extent, lower bound 0), so the buffer is one run of bytes
// (for MPI_Bcast / MPI_Allgather). nullopt for derived or gapped types.
std::optional<std::size_t> contiguous_bytes(MPI_Datatype dt, int count);

}  // namespace papers::pmpi
