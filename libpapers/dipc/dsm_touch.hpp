// dsm_touch.hpp — user buffers that a system call will read or write
// (docs/dipc-design.md, "Kernel-mode accesses"). The kernel does not fault
// on a page that is not present for a system call: the call fails with
// EFAULT. So before the call, every unit of its buffers that lies in an
// attachment and lacks the view the kernel's access needs is fetched, as the
// program's own access would fetch it; the call is retried (a bounded number
// of times) when it still meets EFAULT and a view had to be fetched again
// (a revoke came in between). Units the program's own protection forbids
// are left alone: the kernel's EFAULT is then the right answer.
#pragma once
#include <cerrno>
#include <cstddef>

#include "dsm_attachments.hpp"

namespace papers::dipc::client::dsm {

// One buffer of a call: `kernel_writes` when the kernel stores into it
// (read(2)'s buffer), else the kernel only loads from it.
struct UserRange {
    const void* p = nullptr;
    std::size_t n = 0;
    bool kernel_writes = false;
};

// Makes the units of [p, p+n) present for the kernel's access. True when a
// view had to be fetched. A unit that cannot be had raises SIGBUS, as the
// program's own access would.
bool prepare_range(const UserRange& r);

constexpr int kEfaultRetries = 8;

// Runs `call` (returning a negative value and errno on failure) after
// preparing `ranges`; errno is the call's.
template <class Call>
auto call_with_ranges(const UserRange* ranges, std::size_t count, Call call) -> decltype(call()) {
    int saved_errno = errno;
    auto prepare = [&] {
        bool fetched = false;
        for (std::size_t i = 0; i < count; ++i) fetched |= prepare_range(ranges[i]);
        return fetched;
    };
    prepare();
    for (int attempt = 0;; ++attempt) {
        errno = saved_errno;
        auto r = call();
        if (!(r < 0 && errno == EFAULT) || attempt == kEfaultRetries) return r;
        int call_errno = errno;
        if (!prepare()) {
            errno = call_errno;  // nothing was missing: the EFAULT is the program's
            return r;
        }
    }
}

}  // namespace papers::dipc::client::dsm
