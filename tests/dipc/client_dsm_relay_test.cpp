// The SIGSEGV handler's part of a DSM miss is async-signal-safe
// (libpapers/dipc/dsm_fault_relay.hpp): the faulting thread allocates
// nothing while its miss is served, so a miss taken where it holds malloc's
// lock (its own signal handler interrupted malloc) cannot deadlock on
// itself; and a miss that waits does not hold up another thread's.
//
// This program replaces malloc and its relatives with wrappers around the C
// library's that count the calls a thread makes while it forbids them (a
// thread-local flag): the reference is the C library's own allocator entry
// points, not the layer's bookkeeping. Under a sanitizer the runtime owns
// malloc and the wrappers are left out; the allocation test then says so
// and skips.
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "client_dsm_test_support.hpp"
#include "dsm_fault_relay.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PAPERS_RELAY_TEST_WRAPS_MALLOC 0
#else
#define PAPERS_RELAY_TEST_WRAPS_MALLOC 1
#endif

namespace {

thread_local volatile bool tl_forbid = false;  // volatile: the store must happen before the access faults
std::atomic<int> g_forbidden_calls{0};

inline void note() {
    if (tl_forbid) g_forbidden_calls.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

#if PAPERS_RELAY_TEST_WRAPS_MALLOC
extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);

void* malloc(size_t n) {
    note();
    return __libc_malloc(n);
}
void free(void* p) {
    if (p) note();
    __libc_free(p);
}
void* calloc(size_t n, size_t m) {
    note();
    return __libc_calloc(n, m);
}
void* realloc(void* p, size_t n) {
    note();
    return __libc_realloc(p, n);
}
void* memalign(size_t a, size_t n) {
    note();
    return __libc_memalign(a, n);
}
void* aligned_alloc(size_t a, size_t n) {
    note();
    return __libc_memalign(a, n);
}
int posix_memalign(void** out, size_t a, size_t n) {
    note();
    void* p = __libc_memalign(a, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
}
#endif

namespace {

// The wrappers see this program's own calls: a plain allocation counts.
TEST(ClientDsmRelay, TheAllocationCounterSeesAllocations) {
    if (!PAPERS_RELAY_TEST_WRAPS_MALLOC) GTEST_SKIP() << "under a sanitizer its runtime owns malloc: no wrappers";
    int before = g_forbidden_calls.load();
    tl_forbid = true;
    void* volatile p = std::malloc(100);
    std::free(p);
    tl_forbid = false;
    EXPECT_EQ(g_forbidden_calls.load() - before, 2);
}

// What a SIGUSR1 handler of the program read and wrote, with allocation
// forbidden on its thread meanwhile.
std::uint8_t* g_page = nullptr;
volatile int g_first = -1, g_second = -1;

void touching_handler(int) {
    tl_forbid = true;
    g_first = load(g_page);           // read miss
    g_second = load(g_page + 4096);   // another
    store(g_page + 2 * 4096, 9);      // write miss
    tl_forbid = false;
}

// A miss inside a handler of the program for `sig` (which may have
// interrupted malloc), set with `flags` and run by `trigger`, is served
// without an allocation on the faulting thread.
void expect_handler_misses_allocate_nothing(int sig, int flags, void (*trigger)()) {
    expect_child_ok(run_in_child([=] {
        DsmEnv env;
        g_page = env.attach(3 * 4096);
        env.host[0] = 7;
        env.host[4096] = 8;
        struct sigaction sa {};
        sa.sa_handler = touching_handler;
        sa.sa_flags = flags;
        ASSERT_EQ(sigaction(sig, &sa, nullptr), 0);
        int before = g_forbidden_calls.load();
        trigger();
        EXPECT_EQ(g_first, 7);
        EXPECT_EQ(g_second, 8);
        EXPECT_EQ(env.host[2 * 4096], 9);
        EXPECT_EQ(faults(env.fake).size(), 3u);
        EXPECT_EQ(g_forbidden_calls.load() - before, 0) << "the SIGSEGV handler allocated on the faulting thread";
    }));
}

void raise_usr1() { raise(SIGUSR1); }
void kill_with_segv() { kill(getpid(), SIGSEGV); }

// Its signal blocked while it runs.
TEST(ClientDsmRelay, MissesInsideASignalHandlerAllocateNothingOnTheFaultingThread) {
    if (!PAPERS_RELAY_TEST_WRAPS_MALLOC) GTEST_SKIP() << "under a sanitizer its runtime owns malloc: no wrappers";
    expect_handler_misses_allocate_nothing(SIGUSR1, 0, raise_usr1);
}

// Nothing blocked while it runs.
TEST(ClientDsmRelay, MissesInsideAnSaNodeferHandlerAllocateNothingOnTheFaultingThread) {
    if (!PAPERS_RELAY_TEST_WRAPS_MALLOC) GTEST_SKIP() << "under a sanitizer its runtime owns malloc: no wrappers";
    expect_handler_misses_allocate_nothing(SIGUSR1, SA_NODEFER, raise_usr1);
}

// A SIGSEGV sent by another process (kill: it may interrupt malloc) reaches
// the program's handler through the layer's, with nothing else blocked.
TEST(ClientDsmRelay, MissesInsideTheProgramsSigsegvHandlerAllocateNothingOnTheFaultingThread) {
    if (!PAPERS_RELAY_TEST_WRAPS_MALLOC) GTEST_SKIP() << "under a sanitizer its runtime owns malloc: no wrappers";
    expect_handler_misses_allocate_nothing(SIGSEGV, 0, kill_with_segv);
}

// In ordinary code the faulting thread asks its daemon itself (no fault
// thread's wake-up on the way): the fault comes on the link its shmat used.
TEST(ClientDsmRelay, OrdinaryMissesAreAskedOnTheFaultingThreadsOwnLink) {
#if defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "under ThreadSanitizer every miss goes to a fault thread (it reports allocation in handlers)";
#endif
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(4096);
        env.host[0] = 5;
        EXPECT_EQ(load(p), 5);
        auto at = env.fake.requests(proto::Op::shmat);
        auto fault = env.fake.requests(proto::Op::fault);
        ASSERT_EQ(at.size(), 1u);
        ASSERT_EQ(fault.size(), 1u);
        EXPECT_EQ(fault[0].conn, at[0].conn);
    }));
}

// Misses from threads that block an async signal (so may be inside a
// handler) go to fault threads: one thread's miss is held by the daemon,
// another thread's is served meanwhile (a second fault thread takes it),
// then the first completes.
TEST(ClientDsmRelay, AHeldMissDoesNotHoldUpAnotherThreadsMiss) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(2 * 4096);
        env.host[0] = 1;
        env.host[4096] = 2;
        std::mutex m;
        std::vector<Request> held;
        env.fake.on_request([&](const Request& r) {
            if (r.op != proto::Op::fault || r.as<proto::FaultReq>().unit != 0) return Action::standard();
            std::lock_guard<std::mutex> lock(m);
            held.push_back(r);
            return Action::hold();
        });
        sigset_t usr2;
        sigemptyset(&usr2);
        sigaddset(&usr2, SIGUSR2);
        ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &usr2, nullptr), 0);  // threads made now inherit it
        std::atomic<int> first{-1};
        std::thread a([&] { first = load(p); });
        ASSERT_TRUE(env.fake.wait_for_op(proto::Op::fault, 1));
        EXPECT_EQ(load(p + 4096), 2);  // served while the other waits
        EXPECT_EQ(first.load(), -1);
        Request r;
        {
            std::lock_guard<std::mutex> lock(m);
            ASSERT_EQ(held.size(), 1u);
            r = held[0];
        }
        env.fake.reply(r, FakeShmDaemon::grant_reply(1, env.fake.next_seq(getpid())));
        a.join();
        EXPECT_EQ(first.load(), 1);
        EXPECT_GE(client::dsm::fault_threads(), 2);
        auto fault = env.fake.requests(proto::Op::fault);
        auto at = env.fake.requests(proto::Op::shmat);
        ASSERT_EQ(fault.size(), 2u);
        for (const Request& f : fault) EXPECT_NE(f.conn, at.at(0).conn);  // not the main thread's link
    }));
}

}  // namespace
