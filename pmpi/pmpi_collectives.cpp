// pmpi_collectives.cpp — the five intercepted collectives. Each one either
// runs entirely on the papers hub or entirely in MPI (PMPI_), and the choice
// depends only on arguments MPI requires to be the same on every rank
// (communicator, count, datatype, op, root), so all ranks choose alike.
//
// Routed to the hub: a papers session is up, the communicator is the world
// (or congruent to it), 0 < bytes per rank <= PAPERS_PMPI_MAX_BYTES, and
//   Allreduce/Reduce  predefined integer (8..64 bit), float or double type
//                     with a predefined op MPI allows on it (pmpi_types.hpp);
//   Bcast/Allgather   predefined gap-free types, moved as bytes.
// MPI_IN_PLACE is handled (not passed through), as MPI allows it on only
// some ranks of MPI_Reduce (the root); so are send and receive buffers that
// alias without MPI_IN_PLACE (MPI rejects that for count > 1, but on one
// rank only it must not split the ranks between hub and MPI). Results:
// integers bit-identical to MPI's; float/double combined in rank order
// 0..N-1 (docs/mpi.md).
#include <optional>

#include "papers/papers.h"
#include "pmpi_state.hpp"
#include "pmpi_types.hpp"

#define PAPERS_PMPI_EXPORT extern "C" __attribute__((visibility("default")))

using namespace papers::pmpi;

namespace {

// MPI_BOTTOM is NULL in Open MPI: a NULL buffer only makes sense with
// absolute-address derived types, which MPI itself must handle.
bool usable(const void* p) { return p != nullptr; }

struct Reduction {
    papers_type_t type;
    papers_op_t op;
};

std::optional<Reduction> routable_reduction(int count, MPI_Datatype dt, MPI_Op op, MPI_Comm comm) {
    if (count <= 0 || !routed(comm)) return std::nullopt;
    auto t = reduce_type(dt);
    if (!t) return std::nullopt;
    int es = 0;
    PMPI_Type_size(dt, &es);
    if (static_cast<size_t>(count) * static_cast<size_t>(es) > max_bytes()) return std::nullopt;
    auto o = reduce_op(op, *t);
    if (!o) return std::nullopt;
    // With one rank MPI returns the value untouched, papers a 1/0 truth.
    if ((*o == PAPERS_LAND || *o == PAPERS_LOR) && world_size() == 1) return std::nullopt;
    return Reduction{*t, *o};
}

}  // namespace

PAPERS_PMPI_EXPORT int MPI_Barrier(MPI_Comm comm) {
    if (!routed(comm)) {
        count_passed(kBarrier);
        return PMPI_Barrier(comm);
    }
    if (int rc = papers_barrier(); rc) abort_job("MPI_Barrier", rc);
    count_routed(kBarrier);
    return MPI_SUCCESS;
}

PAPERS_PMPI_EXPORT int MPI_Allreduce(const void* sendbuf, void* recvbuf, int count,
                                     MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
    auto r = routable_reduction(count, datatype, op, comm);
    if (!r || !usable(sendbuf) || !usable(recvbuf)) {
        count_passed(kAllreduce);
        return PMPI_Allreduce(sendbuf, recvbuf, count, datatype, op, comm);
    }
    const void* in = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
    if (int rc = papers_reduce(in, recvbuf, static_cast<size_t>(count), r->type, r->op); rc)
        abort_job("MPI_Allreduce", rc);
    count_routed(kAllreduce);
    return MPI_SUCCESS;
}

PAPERS_PMPI_EXPORT int MPI_Reduce(const void* sendbuf, void* recvbuf, int count,
                                  MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm) {
    auto r = routable_reduction(count, datatype, op, comm);
    const bool is_root = world_rank() == root;
    // Only the root's recvbuf matters; MPI_IN_PLACE is legal only at the root.
    const bool args_ok = root >= 0 && root < world_size() && usable(sendbuf) &&
                         (is_root ? usable(recvbuf) : sendbuf != MPI_IN_PLACE);
    if (!r || !args_ok) {
        count_passed(kReduce);
        return PMPI_Reduce(sendbuf, recvbuf, count, datatype, op, root, comm);
    }
    // The hub's all-reduce costs what a reduce would: every rank gets the
    // result and the non-roots drop it.
    const void* in = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
    int es = 0;
    PMPI_Type_size(datatype, &es);
    void* out = is_root ? recvbuf : scratch(static_cast<size_t>(count) * static_cast<size_t>(es));
    if (int rc = papers_reduce(in, out, static_cast<size_t>(count), r->type, r->op); rc)
        abort_job("MPI_Reduce", rc);
    count_routed(kReduce);
    return MPI_SUCCESS;
}

PAPERS_PMPI_EXPORT int MPI_Bcast(void* buffer, int count, MPI_Datatype datatype, int root,
                                 MPI_Comm comm) {
    std::optional<size_t> bytes;
    if (count > 0 && usable(buffer) && root >= 0 && root < world_size() && routed(comm))
        bytes = contiguous_bytes(datatype, count);
    if (bytes && *bytes > max_bytes()) bytes.reset();
    if (!bytes) {
        count_passed(kBcast);
        return PMPI_Bcast(buffer, count, datatype, root, comm);
    }
    if (int rc = papers_bcast(buffer, *bytes, root); rc) abort_job("MPI_Bcast", rc);
    count_routed(kBcast);
    return MPI_SUCCESS;
}

PAPERS_PMPI_EXPORT int MPI_Allgather(const void* sendbuf, int sendcount, MPI_Datatype sendtype,
                                     void* recvbuf, int recvcount, MPI_Datatype recvtype,
                                     MPI_Comm comm) {
    std::optional<size_t> bytes;
    if (recvcount > 0 && usable(sendbuf) && usable(recvbuf) && routed(comm)) {
        bytes = contiguous_bytes(recvtype, recvcount);
        // The sender's description must be the same run of bytes.
        if (bytes && sendbuf != MPI_IN_PLACE && contiguous_bytes(sendtype, sendcount) != bytes)
            bytes.reset();
        if (bytes && *bytes > max_bytes()) bytes.reset();
    }
    if (!bytes) {
        count_passed(kAllgather);
        return PMPI_Allgather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
    }
    // In place, this rank's block is already where papers_gather puts it.
    const void* in = sendbuf == MPI_IN_PLACE
                         ? static_cast<const unsigned char*>(recvbuf) +
                               *bytes * static_cast<size_t>(world_rank())
                         : sendbuf;
    if (int rc = papers_gather(in, recvbuf, *bytes); rc) abort_job("MPI_Allgather", rc);
    count_routed(kAllgather);
    return MPI_SUCCESS;
}
