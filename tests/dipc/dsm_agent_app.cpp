// dsm_agent_app.cpp — `dsm_agent app KEY BYTES`: a program that does to a
// distributed segment what programs do to memory besides loading and
// storing (issue 12's list), against real daemons; run on a host that has
// none of the pages yet, after another host wrote VALUE0+p into page p for
// p = 0..3. It prints one line per check and "app ok" when all passed;
// the test then reads pages 1..3 on the other host (the stores made here
// must be what it sees).
#include <setjmp.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "dsm_agent_app.hpp"

#ifndef IPC_DIPC
#define IPC_DIPC 010000
#endif

namespace {

constexpr std::size_t kPage = 4096;
constexpr std::uint64_t kValue0 = 100;  // what the other host wrote into page 0
constexpr std::uint64_t kStore0 = 200;  // what this program stores into page p: kStore0 + p

sigjmp_buf g_back;
volatile void* g_fault_addr = nullptr;
volatile int g_faults = 0;

// The program's own handler: records where, jumps back over the access.
void on_segv(int, siginfo_t* si, void*) {
    g_fault_addr = si->si_addr;
    g_faults = g_faults + 1;
    siglongjmp(g_back, 1);
}

volatile std::uint64_t& word(char* base, std::size_t page) {
    return *reinterpret_cast<volatile std::uint64_t*>(base + page * kPage);
}

int fail(const char* what) {
    printf("FAIL %s (errno %s)\n", what, strerror(errno));
    return 1;
}

// A load from address 0, on purpose (UBSan's null check must not stop it first).
volatile std::uint64_t* volatile g_null = nullptr;
__attribute__((no_sanitize("null"))) void load_null() { (void)*g_null; }

// An access the program's own rules forbid must reach its handler, at addr.
template <typename F>
bool own_fault_at(F access, const volatile void* addr) {
    const int before = g_faults;
    if (sigsetjmp(g_back, 1) == 0) access();
    return g_faults == before + 1 && g_fault_addr == addr;
}

}  // namespace

int app_program(int argc, char** argv) {
    const int key = argc > 2 ? static_cast<int>(strtol(argv[2], nullptr, 0)) : 0;
    const std::size_t bytes = argc > 3 ? strtoul(argv[3], nullptr, 0) : 4 * kPage;
    int id = shmget(key, bytes, IPC_DIPC | 0666);
    if (id < 0) return fail("shmget");
    char* rw = static_cast<char*>(shmat(id, nullptr, 0));
    char* ro = static_cast<char*>(shmat(id, nullptr, SHM_RDONLY));
    if (rw == reinterpret_cast<char*>(-1) || ro == reinterpret_cast<char*>(-1)) return fail("shmat");

    struct sigaction sa {};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, nullptr) != 0) return fail("sigaction");

    // 1. The program's own faults reach its handler: NULL, and a store
    //    into the SHM_RDONLY attachment (after a read of it fetched page 0).
    if (!own_fault_at(load_null, nullptr)) return fail("NULL dereference did not reach the handler");
    if (word(ro, 0) != kValue0) return fail("page 0 read through SHM_RDONLY is not the other host's store");
    if (!own_fault_at([&] { word(ro, 0) = 1; }, ro))
        return fail("store into the SHM_RDONLY attachment did not reach the handler");
    printf("own faults reach the program's handler\n");

    // 2. SIGSEGV blocked: DSM misses (a read, then a write upgrade) still work.
    sigset_t segv, old;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    if (sigprocmask(SIG_BLOCK, &segv, &old) != 0) return fail("sigprocmask");
    if (word(rw, 1) != kValue0 + 1) return fail("read of page 1 with SIGSEGV blocked");
    word(rw, 1) = kStore0 + 1;
    sigset_t now;
    sigprocmask(SIG_SETMASK, &old, &now);
    if (!sigismember(&now, SIGSEGV)) return fail("the program's view of its mask lost the blocked SIGSEGV");
    printf("misses served with SIGSEGV blocked\n");

    // 3. The program's mprotect on the segment is kept: its read-only page
    //    is fetched by a read, a store to it reaches its handler; after it
    //    makes the page writable again, the store goes through.
    char* page2 = rw + 2 * kPage;
    if (mprotect(page2, kPage, PROT_READ) != 0) return fail("mprotect PROT_READ");
    if (word(rw, 2) != kValue0 + 2) return fail("read of page 2 under the program's PROT_READ");
    if (!own_fault_at([&] { word(rw, 2) = 1; }, page2))
        return fail("store under the program's PROT_READ did not reach its handler");
    if (mprotect(page2, kPage, PROT_READ | PROT_WRITE) != 0) return fail("mprotect PROT_READ|PROT_WRITE");
    word(rw, 2) = kStore0 + 2;
    printf("the program's mprotect is kept\n");

    // 4. read(2) into page 3, which is not present here: the kernel writes
    //    it (no EFAULT), and the other host sees what the kernel wrote.
    int p[2];
    if (pipe(p) != 0) return fail("pipe");
    const std::uint64_t v = kStore0 + 3;
    if (write(p[1], &v, sizeof v) != static_cast<ssize_t>(sizeof v)) return fail("write to the pipe");
    ssize_t n = read(p[0], const_cast<std::uint64_t*>(&word(rw, 3)), sizeof v);
    if (n != static_cast<ssize_t>(sizeof v)) return fail("read(2) into a page that is not present");
    if (word(rw, 3) != v) return fail("page 3 after read(2)");
    close(p[0]);
    close(p[1]);
    printf("read(2) into a page that is not present\n");

    if (g_faults != 3) return fail("the program's handler ran more often than its own faults");
    shmdt(ro);
    shmdt(rw);
    printf("app ok\n");
    return 0;
}
