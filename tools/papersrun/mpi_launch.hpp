// mpi_launch.hpp — --backend mpi: papersrun hands the job to Open MPI's
// mpirun. mpirun starts, numbers and supervises the ranks (libpapers' mpi
// backend takes rank and size from MPI), so papersrun execs it instead of
// running ranks itself: signals, exit status and output are mpirun's.
#pragma once
#include <string>
#include <vector>

namespace papersrun {

struct JobContext;

// Finds mpirun: $PAPERS_MPIRUN, else mpirun on PATH. Throws LaunchError.
std::string locate_mpirun(const JobContext& job);

// The mpirun command line (pure, for tests):
//   mpirun [--allow-run-as-root] --oversubscribe -np N [--tag-output]
//          [--timeout S] -x PAPERS_BACKEND -x PAPERS_JOB [-x PAPERS_*...] PROGRAM ARGS
// --oversubscribe always: papers jobs are small and often have more ranks
// than cores; Open MPI then yields when idle instead of refusing to start.
std::vector<std::string> mpirun_argv(const std::string& mpirun, const JobContext& job,
                                     bool as_root);

// Backend table hooks (launchers.cpp).
void check_mpi(JobContext& job);
void prepare_mpi(JobContext& job);  // execs mpirun: returns only by throwing

}  // namespace papersrun
