#include "dsm_fault_relay.hpp"

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstring>

#include "layer_thread.hpp"

namespace papers::dipc::client::dsm {

namespace {

// Enough for resolve_access and its daemon call (the service thread's size).
constexpr std::size_t kFaultThreadStack = 256 * 1024;

// One miss, on the faulting thread's stack until `done` is set.
struct Request {
    std::uintptr_t addr = 0;
    bool write = false;
    bool exec = false;
    Request* next = nullptr;
    Outcome outcome = Outcome::not_ours;
    Failure failure;
    std::atomic<std::uint32_t> done{0};
};

// Requests waiting: pushed lock-free by handlers, popped by the fault threads
// under g_pop (only poppers serialise, so a popped node cannot come back
// between a popper's read and its compare-exchange).
std::atomic<Request*> g_head{nullptr};
pthread_mutex_t g_pop = PTHREAD_MUTEX_INITIALIZER;
// The fault threads sleep on this word; every push changes it.
std::atomic<std::uint32_t> g_posted{0};
std::atomic<int> g_threads{0};
std::atomic<int> g_idle{0};
std::atomic<bool> g_running{false};

long futex(std::atomic<std::uint32_t>& word, int op, std::uint32_t value) {
    static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
    return syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), op, value, nullptr, nullptr, 0);
}

void push(Request* r) {
    Request* head = g_head.load(std::memory_order_relaxed);
    do {
        r->next = head;
    } while (!g_head.compare_exchange_weak(head, r, std::memory_order_release, std::memory_order_relaxed));
    g_posted.fetch_add(1, std::memory_order_seq_cst);
    futex(g_posted, FUTEX_WAKE_PRIVATE, 1);
}

Request* pop() {
    pthread_mutex_lock(&g_pop);
    Request* head = g_head.load(std::memory_order_acquire);
    while (head && !g_head.compare_exchange_weak(head, head->next, std::memory_order_acquire,
                                                 std::memory_order_acquire)) {
    }
    pthread_mutex_unlock(&g_pop);
    return head;
}

// resolve_access, and the failure's stderr line before the caller raises SIGBUS.
Outcome resolve_and_report(std::uintptr_t addr, bool write, bool exec, Failure& failure) {
    Outcome o = resolve_access(addr, write, exec, failure);
    if (o == Outcome::failed) report_failure(failure);
    return o;
}

bool spawn(std::string* why);

void* fault_main(void*) {
    for (;;) {
        std::uint32_t seen = g_posted.load(std::memory_order_seq_cst);
        Request* r = pop();
        if (!r) {
            g_idle.fetch_add(1, std::memory_order_seq_cst);
            if (!g_head.load(std::memory_order_seq_cst)) futex(g_posted, FUTEX_WAIT_PRIVATE, seen);
            g_idle.fetch_sub(1, std::memory_order_seq_cst);
            continue;
        }
        // Nobody else is free for the next miss: one more thread, so a miss
        // that waits long (this one, perhaps) holds up no other.
        if (g_idle.load(std::memory_order_seq_cst) == 0) spawn(nullptr);
        r->outcome = resolve_and_report(r->addr, r->write, r->exec, r->failure);
        // After this store the request may be gone (its thread returned);
        // a wake on its old address is at worst a spurious one.
        std::atomic<std::uint32_t>& done = r->done;
        done.store(1, std::memory_order_release);
        futex(done, FUTEX_WAKE_PRIVATE, INT_MAX);
    }
    return nullptr;
}

bool spawn(std::string* why) {
    int n = g_threads.load(std::memory_order_relaxed);
    do {
        if (n >= kMaxFaultThreads) return false;
    } while (!g_threads.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
    if (int rc = start_layer_thread(fault_main, kFaultThreadStack, "papers-dsm-fault")) {
        g_threads.fetch_sub(1, std::memory_order_relaxed);
        if (why) *why = std::string("cannot start a DSM fault thread: ") + std::strerror(rc);
        return false;
    }
    return true;
}

}  // namespace

bool start_fault_relay(std::string& why) {
    if (g_running.load(std::memory_order_acquire)) return true;
    if (!spawn(&why)) return false;
    g_running.store(true, std::memory_order_release);
    return true;
}

bool fault_relay_running() { return g_running.load(std::memory_order_acquire); }

void forget_fault_relay_in_child() {
    g_head.store(nullptr, std::memory_order_relaxed);
    pthread_mutex_init(&g_pop, nullptr);  // a thread of the parent may have held it
    g_threads.store(0, std::memory_order_relaxed);
    g_idle.store(0, std::memory_order_relaxed);
    g_running.store(false, std::memory_order_release);
}

Outcome resolve_from_handler(std::uintptr_t addr, bool write, bool exec, bool may_allocate, Failure& failure) {
    if (may_allocate || !g_running.load(std::memory_order_acquire)) return resolve_and_report(addr, write, exec, failure);
    Request r;
    r.addr = addr;
    r.write = write;
    r.exec = exec;
    push(&r);
    while (r.done.load(std::memory_order_acquire) == 0) futex(r.done, FUTEX_WAIT_PRIVATE, 0);
    failure = r.failure;
    return r.outcome;
}

int fault_threads() { return g_threads.load(std::memory_order_relaxed); }

}  // namespace papers::dipc::client::dsm
