// mpi_env.hpp — variables of the mpi backend's loader (env_vars.hpp
// explains the tables).
#pragma once
#include "../core/env_vars.hpp"

namespace papers::mpi_env {

inline constexpr env::Var kPlugin{
    .name = "PAPERS_MPI_PLUGIN", .kind = env::Kind::text,
    .fallback = "next to libpapers.so, then the loader's search path",
    .description = "Path of `libpapers_mpi.so`, the plugin the mpi backend loads "
                   "(docs/mpi.md).",
    .syntax = "a file path"};

inline constexpr const env::Var* kVars[] = {&kPlugin};
inline constexpr env::Table kTable{"mpi", "MPI (mpi)", kVars};

}  // namespace papers::mpi_env
