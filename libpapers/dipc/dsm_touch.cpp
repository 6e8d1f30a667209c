#include "dsm_touch.hpp"

#include <algorithm>
#include <cstdint>

#include "dsm_faults.hpp"
#include "dsm_signals.hpp"

namespace papers::dipc::client::dsm {

namespace {

// Under the lock: the first address of [from, end) in a unit that lacks the
// view the kernel's access needs (where the program allows that access), or 0.
std::uintptr_t first_missing(std::uintptr_t from, std::uintptr_t end, bool write) {
    View need = write ? View::write : View::read;
    std::uintptr_t cur = from;
    while (cur < end) {
        Attachment* a = next_ending_after(cur);
        if (!a || a->base >= end) return 0;
        cur = std::max(cur, a->base);
        std::uintptr_t stop = std::min(end, a->end());
        while (cur < stop) {
            std::size_t page = a->page_of(cur);
            if (program_allows(a->app_prot[page], write, false) && a->view[a->unit_of(cur)] < need) return cur;
            cur = std::min<std::uintptr_t>(a->base + (page + 1) * kPageBytes, stop);
        }
    }
    return 0;
}

}  // namespace

bool prepare_range(const UserRange& r) {
    if (!may_touch(r.p, r.n)) return false;
    auto from = reinterpret_cast<std::uintptr_t>(r.p);
    std::uintptr_t end = from + r.n < from ? UINTPTR_MAX : from + r.n;
    bool fetched = false;
    while (from < end) {
        std::uintptr_t missing;
        {
            Lock lock;
            missing = first_missing(from, end, r.kernel_writes);
        }
        if (!missing) break;
        Failure failure;
        if (resolve_access(missing, r.kernel_writes, false, failure, &fetched) == Outcome::failed) {
            report_failure(failure);
            raise_sigbus(missing, nullptr);
            break;
        }
        // On to the next page: a unit just fetched is not looked at again
        // (a revoke racing the call shows as EFAULT, and the call is retried).
        from = (missing & ~std::uintptr_t(kPageBytes - 1)) + kPageBytes;
    }
    return fetched;
}

}  // namespace papers::dipc::client::dsm
