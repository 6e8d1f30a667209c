// intercept_mprotect.cpp — mprotect on a range that meets an attachment
// (docs/dipc-design.md, "Faults"): the program's protection is recorded per
// page and the real one is the smaller of it and the view, so a unit the
// daemon has not granted stays inaccessible whatever the program asks, and
// what the program forbids faults into its own handler. The answer is the
// kernel's: EINVAL for a misaligned start or unknown bits, EACCES for write
// access to an SHM_RDONLY attachment, ENOMEM for a hole in the range (each
// part before the failing one already changed, as the kernel leaves it).
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "dsm_attachments.hpp"
#include "real_system.hpp"

using namespace papers::dipc::client;

namespace {

constexpr int kProtSem = 0x8;  // <asm-generic/mman-common.h>; the C library does not define it
constexpr int kKnownProt = PROT_READ | PROT_WRITE | PROT_EXEC | kProtSem | PROT_GROWSDOWN | PROT_GROWSUP;

int fail(int err) {
    errno = err;
    return -1;
}

// The kernel's checks before it looks at the range (do_mprotect_pkey).
int check_args(std::uintptr_t start, std::size_t len, int prot, std::uintptr_t& end) {
    if (start & (dsm::kPageBytes - 1)) return EINVAL;
    if (prot & ~kKnownProt) return EINVAL;
    if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP)) return EINVAL;
    std::size_t rounded = (len + dsm::kPageBytes - 1) & ~(dsm::kPageBytes - 1);
    if (rounded < len) return ENOMEM;
    end = start + rounded;
    if (end < start) return ENOMEM;
    return 0;
}

int protect_attachment_part(dsm::Attachment& a, std::uintptr_t from, std::uintptr_t to, int prot) {
    // A shm mapping never grows, and a read-only attachment was mapped
    // from a read-only descriptor: the kernel refuses write access to it.
    if (prot & (PROT_GROWSDOWN | PROT_GROWSUP)) return EINVAL;
    if ((prot & PROT_WRITE) && a.rdonly) return EACCES;
    std::size_t first = a.page_of(from);
    std::size_t count = (to - from) / dsm::kPageBytes;
    std::fill_n(a.app_prot.begin() + static_cast<std::ptrdiff_t>(first), count,
                static_cast<std::uint8_t>(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)));
    return dsm::protect_pages(a, first, count);
}

int program_mprotect(void* addr, std::size_t len, int prot) {
    auto start = reinterpret_cast<std::uintptr_t>(addr);
    std::uintptr_t end = 0;
    if (int err = check_args(start, len, prot, end)) return fail(err);
    if (end == start) return 0;
    dsm::Lock lock;
    // In address order, attachments and what lies between them, as the
    // kernel walks the range.
    for (std::uintptr_t cur = start; cur < end;) {
        dsm::Attachment* a = dsm::next_ending_after(cur);
        if (a && a->base <= cur) {
            std::uintptr_t to = std::min(end, a->end());
            if (int err = protect_attachment_part(*a, cur, to, prot)) return fail(err);
            cur = to;
            continue;
        }
        std::uintptr_t to = a ? std::min(end, a->base) : end;
        if (real::mprotect(reinterpret_cast<void*>(cur), to - cur, prot) != 0) return -1;
        cur = to;
    }
    return 0;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int mprotect(void* addr, size_t len, int prot) noexcept {
    if (!dsm::may_touch(addr, len)) return real::mprotect(addr, len, prot);
    return program_mprotect(addr, len, prot);
}
