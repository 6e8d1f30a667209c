// mpi_reduce.cpp — reductions with the same results as every other papers
// backend:
//   integers   MPI_Allreduce directly; SUM/PROD/bitwise/logical on the
//              unsigned MPI type of the same width (two's-complement wrap
//              without relying on signed overflow inside MPI), MIN/MAX on
//              the signed one; LAND/LOR normalised to 1/0 even for one PE.
//   float/dbl  MPI_Allgather, then papers::combine in rank order 0..N-1:
//              MPI does not promise a reduction order, papers promises
//              bit-identical results equal to the rank-order combination,
//              and MIN/MAX use typeops' total order (-0 < +0, NaNs ordered).
#include <algorithm>
#include <cstring>
#include <vector>

#include "../core/typeops.hpp"
#include "mpi_backend.hpp"

namespace papers::mpi {

namespace {

constexpr std::size_t kChunkElems = std::size_t(1) << 27;  // elements per MPI call

MPI_Datatype mpi_int_type(papers_type_t t, bool as_unsigned) {
    switch (t) {
        case PAPERS_INT8: return as_unsigned ? MPI_UINT8_T : MPI_INT8_T;
        case PAPERS_INT16: return as_unsigned ? MPI_UINT16_T : MPI_INT16_T;
        case PAPERS_INT32: return as_unsigned ? MPI_UINT32_T : MPI_INT32_T;
        case PAPERS_INT64: return as_unsigned ? MPI_UINT64_T : MPI_INT64_T;
        case PAPERS_UINT8: return MPI_UINT8_T;
        case PAPERS_UINT16: return MPI_UINT16_T;
        case PAPERS_UINT32: return MPI_UINT32_T;
        case PAPERS_UINT64: return MPI_UINT64_T;
        default: return MPI_DATATYPE_NULL;
    }
}

MPI_Op mpi_op(papers_op_t op) {
    switch (op) {
        case PAPERS_SUM: return MPI_SUM;
        case PAPERS_PROD: return MPI_PROD;
        case PAPERS_MIN: return MPI_MIN;
        case PAPERS_MAX: return MPI_MAX;
        case PAPERS_BAND: return MPI_BAND;
        case PAPERS_BOR: return MPI_BOR;
        case PAPERS_BXOR: return MPI_BXOR;
        case PAPERS_LAND: return MPI_LAND;
        case PAPERS_LOR: return MPI_LOR;
        default: return MPI_OP_NULL;
    }
}

}  // namespace

int MpiBackend::reduce(const void* in, void* out, std::size_t count, papers_type_t type,
                       papers_op_t op) {
    switch (algo::select<ReduceAlgo, ReduceShape>(kReduceAlgorithms, {type}, forced_reduce_).id) {
        case ReduceAlgo::allreduce: return allreduce_int(in, out, count, type, op);
        case ReduceAlgo::gather: break;
    }
    return reduce_by_gather(in, out, count, type, op);
}

int MpiBackend::allreduce_int(const void* in, void* out, std::size_t count, papers_type_t type,
                              papers_op_t op) {
    const bool ordered = op == PAPERS_MIN || op == PAPERS_MAX;
    const MPI_Datatype dt = mpi_int_type(type, !ordered);
    const std::size_t es = type_size(type);
    auto* dst = static_cast<unsigned char*>(out);
    const auto* src = static_cast<const unsigned char*>(in);
    const std::size_t bytes = count * es;
    std::vector<unsigned char> copy;
    const bool in_place = in == out;
    if (!in_place && src < dst + bytes && dst < src + bytes) {  // partial overlap
        copy.assign(src, src + bytes);
        src = copy.data();
    }
    for (std::size_t off = 0; off < count; off += kChunkElems) {
        const int n = static_cast<int>(std::min(kChunkElems, count - off));
        const void* send = in_place ? MPI_IN_PLACE : static_cast<const void*>(src + off * es);
        MPI_Request r;
        if (int rc = PMPI_Iallreduce(send, dst + off * es, n, dt, mpi_op(op), comm_, &r);
            rc != MPI_SUCCESS)
            return mpi_failed(rc, "MPI_Iallreduce", "reduce");
        if (int rc = wait(&r, 1, "reduce"); rc) return rc;
    }
    // MPI leaves a single PE's value as it is; papers gives 1/0 always.
    if (op == PAPERS_LAND || op == PAPERS_LOR) normalise_logical(out, count, type);
    return PAPERS_OK;
}

int MpiBackend::reduce_by_gather(const void* in, void* out, std::size_t count,
                                 papers_type_t type, papers_op_t op) {
    const std::size_t bytes = count * type_size(type);
    std::vector<unsigned char> all(bytes * static_cast<std::size_t>(size_));
    if (int rc = allgather_bytes(in, all.data(), bytes, "reduce (gather)"); rc) return rc;
    if (op == PAPERS_LAND || op == PAPERS_LOR) normalise_logical(all.data(), count, type);
    for (int r = 1; r < size_; ++r)
        combine(all.data(), all.data() + bytes * static_cast<std::size_t>(r), count, type, op);
    std::memcpy(out, all.data(), bytes);
    return PAPERS_OK;
}

int MpiBackend::reduce_loc(void* value, int* rank, papers_type_t type, papers_op_t op) {
    // Every PE sees every value; the first extreme in rank order wins, as on the hub.
    const std::size_t es = type_size(type);
    std::vector<unsigned char> all(es * static_cast<std::size_t>(size_));
    if (int rc = allgather_bytes(value, all.data(), es, "reduce_loc"); rc) return rc;
    FirstExtreme best(type, op);
    for (int r = 0; r < size_; ++r) best.offer(r, &all[es * static_cast<std::size_t>(r)]);
    std::memcpy(value, best.value(), es);
    *rank = best.rank();
    return PAPERS_OK;
}

}  // namespace papers::mpi
