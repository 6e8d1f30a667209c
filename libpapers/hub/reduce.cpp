// reduce.cpp — picks the algorithm from the table in hub_algorithms.hpp
// (the cheapest by hub exchanges, or the one PAPERS_ALGORITHMS forces) and
// runs it:
//   bitwise    BAND/BOR bit-parallel            (reduce_bitwise.cpp)
//   logical    LAND/LOR four elements at a time (reduce_bitwise.cpp)
//   bitserial  MIN/MAX over the global OR       (reduce_bitserial.cpp)
//   gather     any op, rank-order combine       (reduce_gather.cpp)
#include <cstring>
#include <vector>

#include "../core/typeops.hpp"
#include "hub_engine.hpp"

namespace papers::hub {

int HubEngine::reduce(const void* in, void* out, std::size_t count, papers_type_t type,
                          papers_op_t op) {
    const std::size_t bytes = count * type_size(type);
    if (size_ == 1) {
        std::memmove(out, in, bytes);
        if (op == PAPERS_LAND || op == PAPERS_LOR) normalise_logical(out, count, type);
        return PAPERS_OK;
    }
    const ReduceShape shape{size_, count, type_bits(type), op};
    switch (algo::select<ReduceAlgo, ReduceShape>(kReduceAlgorithms, shape, forced_reduce_).id) {
        case ReduceAlgo::bitwise:
            return reduce_bitwise(static_cast<const unsigned char*>(in),
                                  static_cast<unsigned char*>(out), bytes, op);
        case ReduceAlgo::logical: return reduce_logical(in, out, count, type, op);
        case ReduceAlgo::bitserial: return reduce_bitserial(in, out, count, type, op, nullptr);
        case ReduceAlgo::gather: break;
    }
    return reduce_by_gather(in, out, count, type, op);
}

int HubEngine::reduce_loc(void* value, int* rank, papers_type_t type, papers_op_t op) {
    if (size_ == 1) {
        *rank = 0;
        return PAPERS_OK;
    }
    const ReduceShape shape{size_, 1, type_bits(type), op};
    const auto& row =
        algo::select<ReduceLocAlgo, ReduceShape>(kReduceLocAlgorithms, shape, forced_reduce_loc_);
    if (row.id == ReduceLocAlgo::bitserial) {
        // The PEs still candidates after the bit-serial pass hold the
        // extreme; the lowest of them is found with one waitvec.
        std::vector<bool> cand;
        std::vector<unsigned char> result(type_size(type));
        if (int rc = reduce_bitserial(value, result.data(), 1, type, op, &cand); rc) return rc;
        std::uint64_t mask = 0;
        if (int rc = waitvec(cand[0] ? 1 : 0, &mask); rc) return rc;
        std::memcpy(value, result.data(), result.size());
        *rank = __builtin_ctzll(mask);
        return PAPERS_OK;
    }
    // Gather: every PE sees every value; the first extreme in rank order wins.
    const std::size_t es = type_size(type);
    std::vector<unsigned char> all(es * size_);
    if (int rc = gather(value, all.data(), es); rc) return rc;
    FirstExtreme best(type, op);
    for (int r = 0; r < size_; ++r) best.offer(r, &all[es * r]);
    std::memcpy(value, best.value(), es);
    *rank = best.rank();
    return PAPERS_OK;
}

}  // namespace papers::hub
