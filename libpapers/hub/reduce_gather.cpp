// reduce_gather.cpp — gather every PE's elements, then combine them locally
// in rank order 0, 1, ..., N-1, so every PE computes the bit-identical
// result (floating point included). 2*N exchanges per byte of input.
#include <cstring>
#include <vector>

#include "../core/typeops.hpp"
#include "hub_engine.hpp"

namespace papers::hub {

int HubEngine::reduce_by_gather(const void* in, void* out, std::size_t count,
                                    papers_type_t type, papers_op_t op) {
    const std::size_t bytes = count * type_size(type);
    std::vector<unsigned char> all(bytes * size_);
    std::memcpy(all.data() + bytes * rank_, in, bytes);
    for (int r = 0; r < size_; ++r)
        if (int rc = bcast_bytes(all.data() + bytes * r, bytes, r, "reduce (gather)"); rc)
            return rc;
    for (int r = 1; r < size_; ++r) combine(all.data(), all.data() + bytes * r, count, type, op);
    std::memcpy(out, all.data(), bytes);
    return PAPERS_OK;
}

}  // namespace papers::hub
