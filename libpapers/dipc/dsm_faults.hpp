// dsm_faults.hpp — a DSM miss and its outcome (docs/dipc-design.md,
// "Faults"): an access to an attachment whose unit's view is below it asks
// the daemon for the unit (FaultReq on the thread's link, a second one if
// that is busy), waits, and applies the grant under the DSM lock if its
// sequence number is above the unit's last one. Used by the SIGSEGV handler
// and, before system calls, by the buffer preparation (dsm_touch.hpp).
//
// When the unit cannot be had (lost with its host: EIO; the segment lost
// with its home: EIDRM; a holder did not release it in time: ETIMEDOUT; the
// daemon unreachable: ENOLINK; vm.max_map_count: ENOMEM) the access becomes
// SIGBUS, with one line on stderr naming the segment, the page and why.
#pragma once
#include <cstdint>

#include "dsm_attachments.hpp"

namespace papers::dipc::client::dsm {

enum class Outcome {
    resolved,  // the access may be retried (granted, or another change made it moot)
    not_ours,  // not a DSM miss: no attachment there, or the program's own protection forbids it
    failed,    // the unit cannot be had: SIGBUS
};

struct Failure {
    int err = 0;
    bool link = false;  // err is about this process's link to its daemon, not the daemon's answer
    std::int32_t shmid = 0;
    std::uint64_t unit = 0;
    std::uint64_t unit_bytes = kPageBytes;
    std::uintptr_t addr = 0;
};

// An access to addr that faulted (write/exec as the CPU reported it), or
// that a system call is about to make. `fetched` is set when a grant was
// applied. Takes the DSM lock itself; never called with it held.
Outcome resolve_access(std::uintptr_t addr, bool write, bool exec, Failure& failure, bool* fetched = nullptr);

// The stderr line for a failure (the same line is not repeated back to back:
// a program whose SIGBUS handler returns faults again at once).
void report_failure(const Failure& f);

}  // namespace papers::dipc::client::dsm
