#pragma once
#include <filesystem>
#include <string>

namespace papers::bench {
// MPI_Barrier / MPI_Allreduce through Open MPI alone and through
// libpapers_pmpi.so on a papers-hubsim started here, same invocation.
int run_interposer_comparison(const std::filesystem::path& bindir, int np, int iters, bool json,
                              bool verbose);
}
