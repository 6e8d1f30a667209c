// mpi_ops.cpp — barrier, votes and data movement as MPI-3 non-blocking
// collectives (completed by the bounded wait in mpi_backend.cpp).
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <vector>

#include "mpi_backend.hpp"

namespace papers::mpi {

namespace {

constexpr int kPutgetTag = 0x5a9e;
constexpr std::size_t kChunk = std::size_t(1) << 30;  // bytes per MPI call (int counts)

bool overlaps(const void* a, std::size_t na, const void* b, std::size_t nb) {
    auto pa = reinterpret_cast<std::uintptr_t>(a), pb = reinterpret_cast<std::uintptr_t>(b);
    return pa < pb + nb && pb < pa + na;
}

}  // namespace

int MpiBackend::check_count(std::size_t n, const char* op) {
    if (n <= static_cast<std::size_t>(INT_MAX)) return PAPERS_OK;
    return fail(PAPERS_ENOTSUP, std::string("mpi: ") + op + ": " + std::to_string(n) +
                                    " bytes per rank exceed MPI's int count (" +
                                    std::to_string(INT_MAX) + ")");
}

int MpiBackend::barrier() {
    MPI_Request r;
    if (int rc = PMPI_Ibarrier(comm_, &r); rc != MPI_SUCCESS)
        return mpi_failed(rc, "MPI_Ibarrier", "barrier");
    return wait(&r, 1, "barrier");
}

int MpiBackend::any(int flag) {
    int in = flag != 0, out = 0;
    MPI_Request r;
    if (int rc = PMPI_Iallreduce(&in, &out, 1, MPI_INT, MPI_LOR, comm_, &r); rc != MPI_SUCCESS)
        return mpi_failed(rc, "MPI_Iallreduce", "any");
    if (int rc = wait(&r, 1, "any"); rc) return rc;
    return out != 0;
}

int MpiBackend::all(int flag) {
    int in = flag != 0, out = 0;
    MPI_Request r;
    if (int rc = PMPI_Iallreduce(&in, &out, 1, MPI_INT, MPI_LAND, comm_, &r); rc != MPI_SUCCESS)
        return mpi_failed(rc, "MPI_Iallreduce", "all");
    if (int rc = wait(&r, 1, "all"); rc) return rc;
    return out != 0;
}

int MpiBackend::waitvec(int flag, std::uint64_t* mask) {
    // One bit per rank, OR-ed: the core allows this only for size <= 64.
    std::uint64_t in = flag ? std::uint64_t(1) << rank_ : 0, out = 0;
    MPI_Request r;
    if (int rc = PMPI_Iallreduce(&in, &out, 1, MPI_UINT64_T, MPI_BOR, comm_, &r);
        rc != MPI_SUCCESS)
        return mpi_failed(rc, "MPI_Iallreduce", "waitvec");
    if (int rc = wait(&r, 1, "waitvec"); rc) return rc;
    *mask = out;
    return PAPERS_OK;
}

int MpiBackend::bcast(void* buf, std::size_t bytes, int root) {
    auto* p = static_cast<unsigned char*>(buf);
    for (std::size_t off = 0; off < bytes; off += kChunk) {
        const int n = static_cast<int>(std::min(kChunk, bytes - off));
        MPI_Request r;
        if (int rc = PMPI_Ibcast(p + off, n, MPI_BYTE, root, comm_, &r); rc != MPI_SUCCESS)
            return mpi_failed(rc, "MPI_Ibcast", "bcast");
        if (int rc = wait(&r, 1, "bcast"); rc) return rc;
    }
    return PAPERS_OK;
}

int MpiBackend::allgather_bytes(const void* in, void* out, std::size_t bytes, const char* op) {
    if (int rc = check_count(bytes, op); rc) return rc;
    auto* dst = static_cast<unsigned char*>(out);
    const void* send = in;
    // MPI forbids aliasing send and receive buffers; papers allows it.
    if (overlaps(in, bytes, out, bytes * static_cast<std::size_t>(size_))) {
        std::memmove(dst + bytes * static_cast<std::size_t>(rank_), in, bytes);
        send = MPI_IN_PLACE;
    }
    MPI_Request r;
    if (int rc = PMPI_Iallgather(send, static_cast<int>(bytes), MPI_BYTE, out,
                                 static_cast<int>(bytes), MPI_BYTE, comm_, &r);
        rc != MPI_SUCCESS)
        return mpi_failed(rc, "MPI_Iallgather", op);
    return wait(&r, 1, op);
}

int MpiBackend::gather(const void* in, void* out, std::size_t bytes) {
    return allgather_bytes(in, out, bytes, "gather");
}

// Who reads whom is known only locally, so first every source is shared
// (one int per rank), then each PE sends its block only to its readers.
int MpiBackend::putget(const void* in, void* out, std::size_t bytes, int src) {
    if (int rc = check_count(bytes, "putget"); rc) return rc;
    std::vector<int> srcs(size_);
    MPI_Request r;
    if (int rc = PMPI_Iallgather(&src, 1, MPI_INT, srcs.data(), 1, MPI_INT, comm_, &r);
        rc != MPI_SUCCESS)
        return mpi_failed(rc, "MPI_Iallgather", "putget");
    if (int rc = wait(&r, 1, "putget (sources)"); rc) return rc;

    std::vector<unsigned char> copy;
    const void* mine = in;
    if (overlaps(in, bytes, out, bytes)) {  // receiving into out must not clobber what we send
        copy.assign(static_cast<const unsigned char*>(in),
                    static_cast<const unsigned char*>(in) + bytes);
        mine = copy.data();
    }
    std::vector<MPI_Request> reqs;
    reqs.reserve(static_cast<std::size_t>(size_));
    const int n = static_cast<int>(bytes);
    for (int peer = 0; peer < size_; ++peer) {
        if (peer == rank_ || srcs[peer] != rank_) continue;
        reqs.emplace_back();
        if (int rc = PMPI_Isend(mine, n, MPI_BYTE, peer, kPutgetTag, comm_, &reqs.back());
            rc != MPI_SUCCESS)
            return mpi_failed(rc, "MPI_Isend", "putget");
    }
    if (src != rank_) {
        reqs.emplace_back();
        if (int rc = PMPI_Irecv(out, n, MPI_BYTE, src, kPutgetTag, comm_, &reqs.back());
            rc != MPI_SUCCESS)
            return mpi_failed(rc, "MPI_Irecv", "putget");
    }
    if (!reqs.empty())
        if (int rc = wait(reqs.data(), static_cast<int>(reqs.size()), "putget"); rc) return rc;
    if (src == rank_) std::memmove(out, mine, bytes);
    return PAPERS_OK;
}

}  // namespace papers::mpi
