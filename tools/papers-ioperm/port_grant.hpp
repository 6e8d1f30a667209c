// port_grant.hpp — the one privileged act of papers-ioperm, behind an
// interface: the helper calls ops.grant(base, 3, 1); the real ops call
// ioperm(2), tests pass ops that record the call, and the test-only build
// (PAPERS_IOPERM_FAKE_IOPERM) uses ops that always succeed.
#pragma once
#include <string>

namespace papers::ioperm {

struct PortGrantOps {
    const char* name;  // "ioperm(2)", shown in messages
    // false when ioperm does not exist for this architecture (non-x86):
    // grant() then always fails with ENOSYS.
    bool available;
    // Returns 0, or -1 with errno set (the ioperm(2) contract).
    int (*grant)(unsigned long base, unsigned long num, int turn_on);
};

// ioperm(2) on x86; on other architectures a stub that fails with ENOSYS.
const PortGrantOps& real_port_grant();

// Always succeeds without touching the kernel (test-only build).
const PortGrantOps& fake_port_grant();

// A message telling the user what failed and what to do about it, for the
// errno left by a failed grant of `base`.
std::string explain_grant_failure(const PortGrantOps& ops, unsigned base, int err, bool no_new_privs);

}  // namespace papers::ioperm
