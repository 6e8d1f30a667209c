// pmpi_env.hpp — variables of the PMPI interposer, libpapers_pmpi.so
// (libpapers/core/env_vars.hpp explains the tables). The interposer never
// fails a program over them: a bad value is reported and the MPI
// collectives run unchanged.
#pragma once
#include "core/env_vars.hpp"

namespace papers::pmpi_env {

using env::Kind;
using env::Var;

inline constexpr Var kEnable{
    .name = "PAPERS_PMPI", .kind = Kind::flag, .fallback = "1",
    .description = "`0` turns the interposer off: every MPI call goes straight to MPI."};
inline constexpr Var kStats{
    .name = "PAPERS_PMPI_STATS", .kind = Kind::flag, .fallback = "0",
    .description = "Each rank prints, at MPI_Finalize, how many calls went to the hub and how "
                   "many to MPI."};
inline constexpr Var kCongruent{
    .name = "PAPERS_PMPI_CONGRUENT", .kind = Kind::flag, .fallback = "1",
    .description = "Also route communicators congruent to MPI_COMM_WORLD; `0` routes "
                   "MPI_COMM_WORLD itself only (always so under MPI_THREAD_MULTIPLE)."};
inline constexpr Var kMaxBytes{
    .name = "PAPERS_PMPI_MAX_BYTES", .kind = Kind::integer, .fallback = "1024",
    .description = "Largest payload per rank that goes to the hub; bulk data stays in MPI.",
    .min = 1, .max = std::int64_t(1) << 40, .unit = "bytes"};

inline constexpr const Var* kVars[] = {&kEnable, &kStats, &kCongruent, &kMaxBytes};
inline constexpr env::Table kTable{"pmpi", "PMPI interposer (libpapers_pmpi.so)", kVars};

}  // namespace papers::pmpi_env
