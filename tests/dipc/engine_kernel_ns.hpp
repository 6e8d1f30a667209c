// engine_kernel_ns.hpp — the kernel reference for the owner engine's tests:
// a private IPC namespace whose limits are the ones the engine gets.
#pragma once
#include <string>

#include "proto/messages.hpp"

namespace papers::dipc::enginetest {

// unshare(CLONE_NEWIPC) and write the namespace's kernel.sem, msgmax, msgmnb,
// msgmni, shmmax, shmall, shmmni (and shm_rmid_forced 0); make sure
// RLIMIT_MEMLOCK (inherited by the actors) can lock all of SHMALL.
// Processes forked afterwards share the namespace. Empty on success, else
// why it failed (not root, no IPC namespaces, root without CAP_IPC_OWNER or
// CAP_SYS_ADMIN, which the engine's euid 0 stands for; too small a
// RLIMIT_MEMLOCK).
std::string enter_private_ipc_namespace(const proto::Limits& limits);

// Only the sysctls (kernel.sem, msg*, shm*), in this process's IPC
// namespace (needs root there); not RLIMIT_MEMLOCK.
std::string write_ipc_sysctls(const proto::Limits& limits);

// Whether this process has the capability in its effective set (root in a
// container may lack some: then root is not privileged in that respect).
bool has_capability(int cap);

// The limits the tests use: small, so that E2BIG, EFBIG, EINVAL, full
// queues and SHMALL's ENOSPC are reached quickly. SEMVMX/SEMAEM are the
// kernel's constants.
proto::Limits test_limits();

}  // namespace papers::dipc::enginetest
