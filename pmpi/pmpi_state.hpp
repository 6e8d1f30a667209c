// pmpi_state.hpp — the interposer's process-wide state: whether a papers
// session is up, which communicators are "the world", and counters.
#pragma once
#include <mpi.h>

#include <cstddef>
#include <cstdint>

namespace papers::pmpi {

enum Call { kBarrier, kAllreduce, kReduce, kBcast, kAllgather, kCallCount };

// After PMPI_Init*: starts a papers session on the configured hub (or
// leaves the interposer a pure pass-through). Collective over the world.
void start_session(int thread_level);
// Before PMPI_Finalize: prints the counters (PAPERS_PMPI_STATS=1) and
// ends the session (collective).
void end_session();

// True when calls on `comm` go to the hub: a session is up and `comm` is
// MPI_COMM_WORLD or congruent to it (cached per communicator).
bool routed(MPI_Comm comm);
// Messages above this many bytes per rank stay in MPI (PAPERS_PMPI_MAX_BYTES,
// default 1024): a 4-bit hub moves bulk data far slower than MPI does.
std::size_t max_bytes();
int world_rank();
int world_size();

void count_routed(Call c);
void count_passed(Call c);

// A papers operation failed mid-run: the ranks are out of step with the
// hub, so the job is aborted with the papers message (fail-stop).
[[noreturn]] void abort_job(const char* mpi_call, int papers_rc);

// Per-thread scratch space (the non-root result of MPI_Reduce).
void* scratch(std::size_t bytes);

}  // namespace papers::pmpi
