// dsm_fault_relay.hpp — the SIGSEGV handler hands a DSM miss to the
// process's fault threads instead of resolving it itself (docs/dipc-design.md,
// "Faults").
//
// Why: resolving a miss allocates and may open links (daemon_call.hpp), which
// is not async-signal-safe. A miss taken where the faulting thread holds a
// lock those need (the program's own signal handler interrupted malloc and
// then read a DSM page) would deadlock on itself. For such a miss the
// handler only queues a request that lives on its own stack, wakes a fault
// thread and sleeps on a futex until the answer is in: atomics and the futex
// system call, nothing else. The fault threads allocate on their own malloc
// arenas. A miss in ordinary code (no signal handler of the program under
// it: dsm_signals.cpp decides) is resolved on the faulting thread as before,
// which saves the fault thread's wake-up (docs/performance.md).
//
// One thread starts with the runtime; a thread that takes a request when no
// other is idle starts one more (up to kMaxFaultThreads: a program that never
// faults from two threads at once ends with two), so a miss that waits long
// (a stopped holder, up to the revoke bound) does not hold up the other
// threads' misses. The threads block every signal.
// Without the threads (they could not be started, or a fork child before its
// runtime is back) the handler resolves every miss itself.
#pragma once
#include <cstdint>
#include <string>

#include "dsm_faults.hpp"

namespace papers::dipc::client::dsm {

inline constexpr int kMaxFaultThreads = 8;

// Starts the first fault thread (idempotent); false with a reason.
bool start_fault_relay(std::string& why);
bool fault_relay_running();

// In a fork child: the parent's threads and queued requests are not here.
void forget_fault_relay_in_child();

// From the SIGSEGV handler: resolve_access, and report_failure for a failed
// one; the caller raises the SIGBUS. On a fault thread unless `may_allocate`
// (then, or without fault threads, on this thread). Async-signal-safe when
// it goes to a fault thread.
Outcome resolve_from_handler(std::uintptr_t addr, bool write, bool exec, bool may_allocate, Failure& failure);

// How many fault threads run now (tests).
int fault_threads();

}  // namespace papers::dipc::client::dsm
