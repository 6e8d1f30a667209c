// dsm_attachments.hpp — the process's attachments of distributed segments
// and their coherence state (docs/dipc-design.md, "Process views"): per
// unit the view the daemon granted (none, read, write) and the sequence
// number of the last view change applied; per page the protection the
// program asked for (shmat's flags, its own mprotect). The real protection
// of a page is the smaller of the two.
//
// Everything here is under one process-wide lock (Lock), which blocks the
// asynchronous signals on the holding thread: a handler of the program's
// that touched a segment would fault and wait for the lock its own thread
// holds. Only may_touch() and any() are lock-free: the wrappers' fast path
// for buffers outside every attachment is that one range check.
#pragma once
#include <signal.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace papers::dipc::client::dsm {

// SHMLBA on x86_64, and the granularity of mprotect.
constexpr std::size_t kPageBytes = 4096;

enum class View : std::uint8_t { none = 0, read = 1, write = 2 };

struct Attachment {
    std::uintptr_t base = 0;
    std::size_t length = 0;      // mapped bytes: the segment rounded up to pages
    std::int32_t shmid = 0;
    std::uint64_t handle = 0;    // the daemon's name for this attachment
    std::uint64_t unit_bytes = kPageBytes;
    bool rdonly = false;
    std::vector<View> view;          // per unit
    std::vector<std::uint64_t> seq;  // per unit: the last view change applied
    std::vector<std::uint8_t> app_prot;  // per page: PROT_* the program asked for
    // A second, always writable mapping of the host copy (0: none; read-only
    // attachments have none), through which a direct read fetch writes the
    // unit's bytes (dsm_faults.cpp). The program is never told its address.
    std::uintptr_t window = 0;

    // A new attachment: every unit not present (view none, seq 0), the
    // program's protection `prot` on every page.
    Attachment(std::uintptr_t base, std::size_t length, std::int32_t shmid, std::uint64_t handle,
               std::uint64_t unit_bytes, bool rdonly, int prot);
    ~Attachment();
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;

    std::uintptr_t end() const { return base + length; }
    bool contains(std::uintptr_t a) const { return a >= base && a < end(); }
    std::uint64_t units() const { return view.size(); }
    std::size_t pages() const { return app_prot.size(); }
    std::uint64_t unit_of(std::uintptr_t a) const { return (a - base) / unit_bytes; }
    std::size_t page_of(std::uintptr_t a) const { return (a - base) / kPageBytes; }
    std::size_t first_page_of_unit(std::uint64_t u) const { return u * unit_bytes / kPageBytes; }
    std::size_t pages_of_unit(std::uint64_t u) const;
};

// The process-wide DSM lock; the async signals stay blocked while it is held.
class Lock {
public:
    Lock();
    ~Lock();
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

private:
    sigset_t saved_;
};

// The signals a DSM lock holder or the layer's SIGSEGV handler blocks: all
// but the synchronous ones (SIGSEGV SIGBUS SIGILL SIGFPE SIGTRAP SIGSYS).
void async_signals(sigset_t& set);

// ---- fast path (no lock) ----------------------------------------------------

// False when [p, p+n) is certainly outside every attachment.
inline std::atomic<std::uintptr_t> g_span_lo{0}, g_span_hi{0};
inline bool may_touch(const void* p, std::size_t n) {
    auto a = reinterpret_cast<std::uintptr_t>(p);
    std::uintptr_t end = a + n < a ? UINTPTR_MAX : a + n;
    return n != 0 && a < g_span_hi.load(std::memory_order_acquire) && end > g_span_lo.load(std::memory_order_relaxed);
}
inline bool any() { return g_span_hi.load(std::memory_order_acquire) != 0; }

// ---- the table (under Lock) ----------------------------------------------------

Attachment* find_containing(std::uintptr_t addr);
Attachment* find_by_handle(std::uint64_t handle);
Attachment* find_starting_at(std::uintptr_t addr);
// The attachment with the lowest base that ends after addr, or null.
Attachment* next_ending_after(std::uintptr_t addr);
Attachment* add(std::unique_ptr<Attachment> a);
std::unique_ptr<Attachment> remove(Attachment* a);
std::vector<Attachment*> all();

// ---- protection (under Lock) -------------------------------------------------

// What a page may do: the program's protection, less what the view lacks.
int effective_prot(int app_prot, View v);
// Does the program's own protection allow this access?
bool program_allows(int app_prot, bool write, bool exec);

// Sets the real protection of pages [first, first+count) from the program's
// protection and the views. When the kernel refuses a new mapping (ENOMEM:
// vm.max_map_count), every view of the attachment drops to none (one
// mapping again; the host keeps its copy, so the next touches are local
// grants), `keep` (a unit and the view it must have) is set again, and the
// pages are set once more. 0, or the errno of the last failure.
int protect_pages(Attachment& a, std::size_t first, std::size_t count,
                  std::optional<std::pair<std::uint64_t, View>> keep = std::nullopt);

// ---- fork (dsm_fork.cpp) ---------------------------------------------------------

// The lock itself, without the signal mask (the fork handlers block the
// signals across the whole fork themselves).
void lock_raw();
void unlock_raw();
void reinit_lock_in_child();

namespace testing {
// The next `times` mprotect calls of the layer fail with ENOMEM (-1: all).
void fail_mprotect_with_enomem(int times);
}  // namespace testing

}  // namespace papers::dipc::client::dsm
