// reduce_kernels.hpp — the local combine of the shm reductions.
#pragma once
#include <cstddef>

#include "papers/papers.h"

namespace papers::shm {

// acc[i] = acc[i] (op) in[i], with exactly the result bits of
// papers::combine (core/typeops.hpp): the same IEEE operation on the same
// two operands per element, nothing reassociated. Plain loops the compiler
// can vectorise for integer ops and for floating SUM/PROD/LAND/LOR;
// floating MIN/MAX (total order on NaN and -0) and misaligned buffers go to
// papers::combine itself.
void combine_fast(void* acc, const void* in, std::size_t count, papers_type_t type,
                  papers_op_t op);

}  // namespace papers::shm
