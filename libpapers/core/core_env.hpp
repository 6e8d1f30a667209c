// core_env.hpp — the variables every backend shares, read by config.cpp
// (env_vars.hpp explains the tables). papersrun sets most of them.
#pragma once
#include "env_vars.hpp"

namespace papers::core_env {

using env::Kind;
using env::Var;

inline constexpr Var kRank{
    .name = "PAPERS_RANK", .kind = Kind::integer, .fallback = "0",
    .description = "This PE's rank, 0..PAPERS_SIZE-1. Set together with PAPERS_SIZE (papersrun "
                   "sets both); with neither set (and no PAPERS_SIM, PAPERS_JOB, PAPERS_PORT or "
                   "PAPERS_BACKEND other than `detect`) a program started on its own is a job of one on the `shm` "
                   "backend (a singleton run, as MPI programs have).",
    .min = 0, .max = 4095};
inline constexpr Var kSize{
    .name = "PAPERS_SIZE", .kind = Kind::integer, .fallback = "1",
    .description = "The number of PEs in the job.", .min = 1, .max = 4096};
inline constexpr Var kBackend{
    .name = "PAPERS_BACKEND", .kind = Kind::text, .fallback = "detect",
    .description = "The transport: `sim`, `hub`, `capers`, `shm`, `udp` or `mpi` (the table in "
                   "`libpapers/core/registry.cpp`), or `detect`: `mpi` when an MPI launcher "
                   "started the program and neither PAPERS_SIM nor PAPERS_PORT is set; `shm` "
                   "for a singleton run (see PAPERS_RANK); else `sim`. Unset means `detect`. (`auto` is papersrun's own choice, which it "
                   "resolves before the ranks start.)",
    .syntax = "a backend name"};
inline constexpr Var kTimeout{
    .name = "PAPERS_TIMEOUT", .kind = Kind::seconds, .fallback = "10",
    .description = "Bound of every wait. A wait that exceeds it fails with PAPERS_ETIMEDOUT "
                   "naming the operation and who did not arrive, and breaks the session.",
    .min_s = 0, .max_s = 86400};
inline constexpr Var kSim{
    .name = "PAPERS_SIM", .kind = Kind::text,
    .description = "Shared-memory name of papers-hubsim's wire (`sim`, virtual `capers`); "
                   "papersrun sets it when it starts the simulator.",
    .syntax = "`/papers-<job>`"};
inline constexpr Var kJob{
    .name = "PAPERS_JOB", .kind = Kind::text,
    .description = "Job id chosen by papersrun; names the shm segment and goes into every udp "
                   "datagram, so two jobs cannot mix. Required by shm and udp jobs of more than "
                   "one rank (started by hand: a fresh id for every run).",
    .syntax = "`<pid>-<8 hex digits>`"};
inline constexpr Var kPort{
    .name = "PAPERS_PORT", .kind = Kind::text,
    .description = "The real parallel port of the `hub` and `capers` backends "
                   "(docs/hardware.md).",
    .syntax = "`0x378`, `/dev/parport0`, `parport0`, ..."};
inline constexpr Var kPortAccess{
    .name = "PAPERS_PORT_ACCESS", .kind = Kind::text, .fallback = "auto",
    .description = "How PAPERS_PORT is reached: `auto` (libieee1284 first, then direct), "
                   "`ieee1284` or `direct` (inb/outb); checked by the driver.",
    .syntax = "`auto`, `ieee1284` or `direct`"};
inline constexpr Var kSpin{
    .name = "PAPERS_SPIN", .kind = Kind::integer, .fallback = "backend's",
    .description = "Polls before a waiting PE gives the CPU away. Default: 64 on the simulated "
                   "port, 1000 on hardware ports, 4000 (0 when ranks share cores) on shm, "
                   "time-based on udp.",
    .min = 0, .max = 1000000000, .unit = "polls"};
inline constexpr Var kDebug{
    .name = "PAPERS_DEBUG", .kind = Kind::flag, .fallback = "0",
    .description = "Before every collective check that all PEs make the same call "
                   "(`libpapers/core/call_check.hpp`); a disagreement is PAPERS_EMISMATCH on "
                   "every PE instead of wrong data or a timeout."};

inline constexpr Var kAlgorithms{
    .name = "PAPERS_ALGORITHMS", .kind = Kind::text, .fallback = "automatic",
    .description = "Force algorithms, for measurements and tests: the backend's tables and what "
                   "each row means are in docs/algorithms.md. A forced algorithm runs every call "
                   "it can run; the others keep the automatic choice. Every rank must get the "
                   "same value.",
    .syntax = "`collective=algorithm[:N],...`, e.g. `barrier=central,reduce=split`"};

inline constexpr Var kVerbose{
    .name = "PAPERS_VERBOSE", .kind = Kind::flag, .fallback = "0",
    .description = "`papers_init` says on stderr which backend, rank and size it took and why "
                   "(e.g. a singleton run: a program started without papersrun)."};

inline constexpr Var kSlice{
    .name = "PAPERS_SLICE_US", .kind = Kind::integer, .fallback = "100",
    .description = "CPU time slice papers_init asks the kernel for on the calling thread, until "
                   "papers_finalize gives the old one back (Linux 6.12+: a SCHED_NORMAL "
                   "thread's custom slice; older kernels ignore it, other policies are left "
                   "alone). A PE that wakes up with a short slice preempts a busy process at "
                   "once instead of waiting out that process's slice, which a job with more PEs "
                   "than cores pays on every hand-off (docs/sim-eval.md: heat1d, 4 PEs on the "
                   "simulated hub beside two compilers, 4x faster). 0 leaves the thread as it is.",
    .min = 0, .max = 100000, .unit = "µs"};

inline constexpr const Var* kVars[] = {&kRank, &kSize,  &kBackend,    &kTimeout,
                                       &kSim,  &kJob,   &kPort,       &kPortAccess,
                                       &kSpin, &kDebug, &kAlgorithms, &kVerbose,
                                       &kSlice};
inline constexpr env::Table kTable{"core", "Every backend", kVars};

}  // namespace papers::core_env
