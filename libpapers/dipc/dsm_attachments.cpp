#include "dsm_attachments.hpp"

#include <pthread.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>

#include "real_system.hpp"

namespace papers::dipc::client::dsm {

namespace {

pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
std::atomic<int> g_fail_mprotect{0};

// Few entries: searched linearly. Never destroyed: at exit, threads that
// fault or revoke may still run while static destructors do.
std::vector<std::unique_ptr<Attachment>>& table() {
    static auto* t = new std::vector<std::unique_ptr<Attachment>>();
    return *t;
}

// The span of all attachments, for may_touch(); empty (0, 0) without any.
void update_span() {
    std::uintptr_t lo = 0, hi = 0;
    for (const auto& a : table()) {
        if (hi == 0 || a->base < lo) lo = a->base;
        hi = std::max(hi, a->end());
    }
    // Widened before narrowed: a racing reader may see too wide a span (it
    // then looks under the lock), never one that misses a live attachment.
    g_span_lo.store(std::min(lo, g_span_lo.load()), std::memory_order_relaxed);
    g_span_hi.store(hi, std::memory_order_release);
    g_span_lo.store(lo, std::memory_order_release);
}

int layer_mprotect(std::uintptr_t addr, std::size_t len, int prot) {
    int left = g_fail_mprotect.load(std::memory_order_relaxed);
    if (left != 0) {
        if (left > 0) g_fail_mprotect.fetch_sub(1, std::memory_order_relaxed);
        return ENOMEM;
    }
    return real::mprotect(reinterpret_cast<void*>(addr), len, prot) == 0 ? 0 : errno;
}

// One mprotect per run of pages with the same effective protection.
int apply_runs(Attachment& a, std::size_t first, std::size_t count) {
    std::size_t end = std::min(first + count, a.pages());
    std::size_t run = first;
    while (run < end) {
        auto page_prot = [&](std::size_t p) {
            return effective_prot(a.app_prot[p], a.view[p * kPageBytes / a.unit_bytes]);
        };
        int prot = page_prot(run);
        std::size_t stop = run + 1;
        while (stop < end && page_prot(stop) == prot) ++stop;
        if (int err = layer_mprotect(a.base + run * kPageBytes, (stop - run) * kPageBytes, prot)) return err;
        run = stop;
    }
    return 0;
}

// vm.max_map_count reached: every view of the attachment to none, so its
// pages are one mapping again (unless the program's own mprotect split it).
int collapse(Attachment& a) {
    std::fill(a.view.begin(), a.view.end(), View::none);
    if (int err = layer_mprotect(a.base, a.length, PROT_NONE)) return err;
    return 0;
}

}  // namespace

Attachment::Attachment(std::uintptr_t base_, std::size_t length_, std::int32_t shmid_, std::uint64_t handle_,
                       std::uint64_t unit_bytes_, bool rdonly_, int prot)
    : base(base_), length(length_), shmid(shmid_), handle(handle_), unit_bytes(unit_bytes_), rdonly(rdonly_) {
    std::uint64_t units = (length + unit_bytes - 1) / unit_bytes;
    view.assign(units, View::none);
    seq.assign(units, 0);
    app_prot.assign(length / kPageBytes, static_cast<std::uint8_t>(prot));
}

Attachment::~Attachment() {
    if (window) munmap(reinterpret_cast<void*>(window), length);
}

std::size_t Attachment::pages_of_unit(std::uint64_t u) const {
    std::size_t first = first_page_of_unit(u);
    std::size_t per_unit = unit_bytes / kPageBytes;
    return std::min(per_unit, pages() - first);
}

void async_signals(sigset_t& set) {
    sigfillset(&set);
    for (int s : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS}) sigdelset(&set, s);
}

Lock::Lock() {
    sigset_t block;
    async_signals(block);
    real::pthread_sigmask(SIG_BLOCK, &block, &saved_);
    pthread_mutex_lock(&g_mutex);
}

Lock::~Lock() {
    pthread_mutex_unlock(&g_mutex);
    real::pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
}

void lock_raw() { pthread_mutex_lock(&g_mutex); }
void unlock_raw() { pthread_mutex_unlock(&g_mutex); }
void reinit_lock_in_child() { g_mutex = PTHREAD_MUTEX_INITIALIZER; }

Attachment* find_containing(std::uintptr_t addr) {
    for (const auto& a : table())
        if (a->contains(addr)) return a.get();
    return nullptr;
}

Attachment* find_by_handle(std::uint64_t handle) {
    for (const auto& a : table())
        if (a->handle == handle) return a.get();
    return nullptr;
}

Attachment* find_starting_at(std::uintptr_t addr) {
    for (const auto& a : table())
        if (a->base == addr) return a.get();
    return nullptr;
}

Attachment* next_ending_after(std::uintptr_t addr) {
    Attachment* best = nullptr;
    for (const auto& a : table())
        if (a->end() > addr && (!best || a->base < best->base)) best = a.get();
    return best;
}

Attachment* add(std::unique_ptr<Attachment> a) {
    table().push_back(std::move(a));
    update_span();
    return table().back().get();
}

std::unique_ptr<Attachment> remove(Attachment* a) {
    auto& t = table();
    auto it = std::find_if(t.begin(), t.end(), [a](const auto& p) { return p.get() == a; });
    if (it == t.end()) return nullptr;
    std::unique_ptr<Attachment> out = std::move(*it);
    t.erase(it);
    update_span();
    return out;
}

std::vector<Attachment*> all() {
    std::vector<Attachment*> out;
    for (const auto& a : table()) out.push_back(a.get());
    return out;
}

int effective_prot(int app_prot, View v) {
    switch (v) {
        case View::none: return PROT_NONE;
        case View::read: {
            // A read view keeps the page readable if the program may touch
            // it at all (on x86 a writable page is a readable one).
            int p = app_prot & (PROT_READ | PROT_EXEC);
            if (app_prot & PROT_WRITE) p |= PROT_READ;
            return p;
        }
        case View::write: return app_prot;
    }
    return PROT_NONE;
}

bool program_allows(int app_prot, bool write, bool exec) {
    if (write) return app_prot & PROT_WRITE;
    if (exec) return app_prot & PROT_EXEC;
    return app_prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
}

int protect_pages(Attachment& a, std::size_t first, std::size_t count,
                  std::optional<std::pair<std::uint64_t, View>> keep) {
    int err = apply_runs(a, first, count);
    if (err != ENOMEM) return err;
    if (int e = collapse(a)) return e;
    if (keep) a.view[keep->first] = keep->second;
    return apply_runs(a, first, count);
}

namespace testing {

void fail_mprotect_with_enomem(int times) { g_fail_mprotect.store(times); }

}  // namespace testing

}  // namespace papers::dipc::client::dsm
