// mpi_backend.cpp — life cycle and the bounded wait of the mpi backend.
#include "../core/env_vars.hpp"
#include "mpi_backend.hpp"

#include <sched.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace papers::mpi {

namespace {

// How many MPI_Test polls before giving the CPU away: spin while every rank
// on this host has a core of its own, yield at once when oversubscribed
// (busy-polling ranks then steal the CPU from the rank everyone waits for).
unsigned default_spin(int size) {
    int local = size;
    if (const char* s = env::foreign("OMPI_COMM_WORLD_LOCAL_SIZE")) local = std::atoi(s);
    const unsigned cores = std::thread::hardware_concurrency();
    return (cores && local > static_cast<int>(cores)) ? 1u : 2000u;
}

}  // namespace

MpiBackend::MpiBackend(MPI_Comm comm, int rank, int size, bool owns_mpi, const Config& cfg,
                       const PluginHost& host)
    : comm_(comm),
      rank_(rank),
      size_(size),
      owns_mpi_(owns_mpi),
      timeout_s_(cfg.timeout_s),
      spin_(cfg.spin >= 0 ? static_cast<unsigned>(cfg.spin) + 1 : default_spin(size)),
      host_(host) {}

MpiBackend::~MpiBackend() {
    // Reached without finalize() only after a failure (the core skips
    // finalize on a broken session). A request may still be pending, so
    // nothing collective is attempted: the process exits with MPI as it is
    // and mpirun ends the job (fail-stop).
    if (!finalized_ && !stuck_) PMPI_Comm_free(&comm_);
}

int MpiBackend::finalize() {
    finalized_ = true;
    if (int rc = PMPI_Comm_free(&comm_); rc != MPI_SUCCESS)
        return mpi_failed(rc, "MPI_Comm_free", "finalize");
    if (owns_mpi_) {
        // papers_init started MPI, so papers_finalize ends it.
        if (int rc = PMPI_Finalize(); rc != MPI_SUCCESS)
            return mpi_failed(rc, "MPI_Finalize", "finalize");
    }
    return PAPERS_OK;
}

int MpiBackend::mpi_failed(int mpirc, const char* call, const char* op) {
    char text[MPI_MAX_ERROR_STRING] = {};
    int len = 0;
    if (PMPI_Error_string(mpirc, text, &len) != MPI_SUCCESS) std::snprintf(text, sizeof text, "?");
    stuck_ = true;  // an MPI error leaves the communicator in an unknown state
    return fail(PAPERS_ESYS, std::string("mpi: ") + op + ": " + call + " failed on rank " +
                                 std::to_string(rank_) + ": " + text);
}

int MpiBackend::wait(MPI_Request* reqs, int n, const char* op) {
    using Clock = std::chrono::steady_clock;
    unsigned polls = 0;
    Clock::time_point start{}, deadline{};
    for (;;) {
        int done = 0;
        if (int rc = PMPI_Testall(n, reqs, &done, MPI_STATUSES_IGNORE); rc != MPI_SUCCESS)
            return mpi_failed(rc, "MPI_Testall", op);
        if (done) return PAPERS_OK;
        if (++polls < spin_) continue;
        const auto now = Clock::now();
        if (start == Clock::time_point{}) {
            start = now;
            deadline = now + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(timeout_s_));
        }
        if (now >= deadline) {
            stuck_ = true;
            char msg[256];
            std::snprintf(msg, sizeof msg,
                          "mpi: %s timed out after %.3g s on rank %d of %d: the MPI collective "
                          "did not complete (a rank did not call it, or is stuck)",
                          op, timeout_s_, rank_, size_);
            return fail(PAPERS_ETIMEDOUT, msg);
        }
        // MPI progresses only inside MPI calls, so keep testing, but let
        // other processes run: yield first, then sleep briefly on long waits.
        if (now - start < std::chrono::milliseconds(2)) {
            sched_yield();
        } else {
            const timespec ts{0, 50'000};
            nanosleep(&ts, nullptr);
        }
    }
}

}  // namespace papers::mpi
