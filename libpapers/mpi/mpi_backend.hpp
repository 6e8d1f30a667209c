// mpi_backend.hpp — every papers operation as MPI collectives on a private
// duplicate of MPI_COMM_WORLD (inside the plugin libpapers_mpi.so).
//
// Every MPI call is a PMPI_ call: the profiling entry points, so the papers
// PMPI interposer (or any MPI tool) never sees papers' own traffic and can
// never recurse into papers. Every collective is non-blocking (MPI-3
// MPI_I*) and completed by a bounded wait, so PAPERS_TIMEOUT holds here as
// on every other backend.
#pragma once
#include <mpi.h>

#include <string>

#include "mpi_algorithms.hpp"
#include "mpi_plugin.hpp"

namespace papers::mpi {

class MpiBackend final : public Backend {
public:
    // Takes ownership of `comm`; `owns_mpi` when the plugin called MPI_Init
    // (then finalize() calls MPI_Finalize too).
    MpiBackend(MPI_Comm comm, int rank, int size, bool owns_mpi, const Config& cfg,
               const PluginHost& host);
    ~MpiBackend() override;
    // The algorithm PAPERS_ALGORITHMS forces (mpi_algorithms.hpp), checked
    // by the factory before it touches MPI.
    void force_reduce(const ReduceRow* row) { forced_reduce_ = row; }

    int barrier() override;
    int any(int flag) override;
    int all(int flag) override;
    int waitvec(int flag, std::uint64_t* mask) override;
    int bcast(void* buf, std::size_t bytes, int root) override;
    int gather(const void* in, void* out, std::size_t bytes) override;
    int putget(const void* in, void* out, std::size_t bytes, int src) override;
    int reduce(const void* in, void* out, std::size_t count, papers_type_t type,
               papers_op_t op) override;
    int reduce_loc(void* value, int* rank, papers_type_t type, papers_op_t op) override;
    int finalize() override;

    const char* name() const override { return "mpi"; }
    int rank_override() const override { return rank_; }
    int size_override() const override { return size_; }

private:
    // Completes `n` requests or fails after the timeout (PAPERS_ETIMEDOUT).
    int wait(MPI_Request* reqs, int n, const char* op);
    // Stores a papers error for MPI return code `mpirc` of `call` in `op`.
    int mpi_failed(int mpirc, const char* call, const char* op);
    int fail(int code, const std::string& msg) { return host_.set_error(code, msg.c_str()); }
    // The bytes of an all-gather must fit MPI's int counts.
    int check_count(std::size_t n, const char* op);
    int allgather_bytes(const void* in, void* out, std::size_t bytes, const char* op);
    int allreduce_int(const void* in, void* out, std::size_t count, papers_type_t type,
                      papers_op_t op);
    int reduce_by_gather(const void* in, void* out, std::size_t count, papers_type_t type,
                         papers_op_t op);

    MPI_Comm comm_;
    int rank_;
    int size_;
    bool owns_mpi_;
    double timeout_s_;
    unsigned spin_;        // MPI_Test polls before yielding the CPU
    PluginHost host_;
    bool stuck_ = false;   // a request never completed: MPI state is unusable
    bool finalized_ = false;
    const ReduceRow* forced_reduce_ = nullptr;
};

}  // namespace papers::mpi
