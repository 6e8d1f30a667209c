// shm_env.hpp — variables of the shm backend (env_vars.hpp explains the
// tables). The creator of a job's segment decides for every rank.
#pragma once
#include "../core/env_vars.hpp"

namespace papers::shm_env {

using env::Kind;
using env::Var;

inline constexpr Var kFence{
    .name = "PAPERS_SHM_FENCE", .kind = Kind::choice, .fallback = "auto",
    .description = "How a publisher and a sleeping waiter agree that no wake-up is lost "
                   "(`libpapers/shm/waiter.hpp`): `strong`, every publish is a full fence; "
                   "`asymmetric`, a plain store, sleepers fence every CPU with membarrier(2). "
                   "`auto`: asymmetric when every rank has a CPU and membarrier works, else "
                   "strong.",
    .choices = "auto|strong|asymmetric"};
inline constexpr Var kYieldUs{
    .name = "PAPERS_SHM_YIELD_US", .kind = Kind::integer, .fallback = "50 (200 when ranks share CPUs)",
    .description = "How long a waiter keeps calling sched_yield() after spinning, before it "
                   "sleeps on a futex. Yielding hands the CPU to a rank on the same core in "
                   "~2 us; a futex wake across vCPUs costs ~50 us here.",
    .min = 0, .max = 1000000, .unit = "microseconds"};
inline constexpr Var kBind{
    .name = "PAPERS_SHM_BIND", .kind = Kind::choice, .fallback = "auto",
    .description = "Binding ranks to CPUs (rank mod CPUs): `auto` binds when the ranks spread "
                   "evenly (ranks <= CPUs, or a multiple of them), `wrap` binds whatever the "
                   "spread, `0` never binds.",
    .choices = "auto|wrap|0"};
inline constexpr const Var* kVars[] = {&kFence, &kYieldUs, &kBind};
inline constexpr env::Table kTable{"shm", "Shared memory (shm)", kVars};

}  // namespace papers::shm_env
