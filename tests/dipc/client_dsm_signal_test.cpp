// The program's SIGSEGV once the layer's handler is installed (an
// attachment exists): its own faults reach its own handler as the kernel
// would deliver them (siginfo, ucontext, sa_mask, SA_RESETHAND, SA_NODEFER),
// SIG_DFL and SIG_IGN die of SIGSEGV, a fault while it blocks SIGSEGV dies
// too, yet DSM misses are served whatever it blocked; its mprotect is kept
// and its sigaction answers are the kernel's. Each test in a child process.
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "client_dsm_test_support.hpp"

using namespace papers::dipc;
using namespace papers::dipc::test;

namespace {

using Faults = std::vector<std::pair<std::uint64_t, bool>>;

// What the program's handler saw.
sigjmp_buf g_jump;
volatile sig_atomic_t g_calls = 0;
void* volatile g_addr = nullptr;
volatile int g_code = 0;
volatile bool g_usr1_blocked_inside = false;
volatile bool g_segv_blocked_inside = false;
volatile bool g_fault_again_inside = false;
int* volatile g_null = nullptr;  // opaque to the compiler: a real load from address 0

void record(int, siginfo_t* si, void*) {
    g_calls = g_calls + 1;
    g_addr = si->si_addr;
    g_code = si->si_code;
    sigset_t now;
    sigprocmask(SIG_SETMASK, nullptr, &now);
    g_usr1_blocked_inside = sigismember(&now, SIGUSR1);
    g_segv_blocked_inside = sigismember(&now, SIGSEGV);
    if (g_fault_again_inside) {
        g_fault_again_inside = false;
        load(g_null);
    }
    siglongjmp(g_jump, 1);
}

void plain_handler(int) {
    g_calls = g_calls + 1;
    siglongjmp(g_jump, 1);
}

void install(void (*h)(int, siginfo_t*, void*), int flags = 0, int masked = 0) {
    struct sigaction sa {};
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (masked) sigaddset(&sa.sa_mask, masked);
    ASSERT_EQ(sigaction(SIGSEGV, &sa, nullptr), 0);
}

// True when the access faulted into the program's handler (which jumps back).
template <class F>
bool faults_into_handler(F access) {
    int before = g_calls;
    if (sigsetjmp(g_jump, 1) == 0) {
        access();
        return false;
    }
    return g_calls == before + 1;
}

void null_load() { load(g_null); }

// The real signal mask of this thread, from the kernel.
bool really_blocked(int sig) {
    sigset_t now;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, nullptr, &now, _NSIG / 8);
    return sigismember(&now, sig);
}

}  // namespace

TEST(ClientDsmSignal, NullDereferenceReachesTheProgramsHandlerEveryTime) {
    expect_child_ok(run_in_child([] {
        install(record);  // before the first shmat: the kernel's, then taken over
        DsmEnv env;
        std::uint8_t* p = env.attach(4096);
        store(p, 1);  // the layer's handler serves this one
        for (int i = 0; i < 3; ++i) {
            EXPECT_TRUE(faults_into_handler(null_load)) << i;
            EXPECT_EQ(g_addr, nullptr);
            EXPECT_EQ(g_code, SEGV_MAPERR);
        }
        struct sigaction now;
        ASSERT_EQ(sigaction(SIGSEGV, nullptr, &now), 0);
        EXPECT_EQ(now.sa_sigaction, record);  // the program sees its own handler
        EXPECT_EQ(faults(env.fake), (Faults{{0, true}}));
        // Installed after the first shmat too.
        install(record, SA_NODEFER);
        EXPECT_TRUE(faults_into_handler(null_load));
    }));
}

TEST(ClientDsmSignal, WriteToAReadOnlyAttachmentReachesTheProgramsHandler) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(2 * 4096, SHM_RDONLY);
        install(record);
        env.host[4096 + 3] = 8;
        EXPECT_TRUE(faults_into_handler([p] { store(p + 4096 + 3, 1); }));
        EXPECT_EQ(g_addr, p + 4096 + 3);
        EXPECT_EQ(g_code, SEGV_ACCERR);
        EXPECT_EQ(load(p + 4096 + 3), 8);  // reads still work
        EXPECT_TRUE(faults_into_handler([p] { store(p + 4096, 1); }));  // and writes still fault
        EXPECT_EQ(faults(env.fake), (Faults{{1, false}}));  // no write was ever asked for
    }));
}

TEST(ClientDsmSignal, DefaultActionDiesOfSigsegv) {
    ChildOutcome out = run_in_child([] {
        DsmEnv env;
        store(env.attach(4096), 1);
        null_load();
        _exit(0);
    });
    EXPECT_TRUE(killed_by(out.status, SIGSEGV)) << describe_status(out.status) << out.err;
}

TEST(ClientDsmSignal, IgnoringSigsegvDiesOfSigsegvAsTheKernelForcesIt) {
    ChildOutcome out = run_in_child([] {
        DsmEnv env;
        store(env.attach(4096), 1);
        signal(SIGSEGV, SIG_IGN);
        null_load();
        _exit(0);
    });
    EXPECT_TRUE(killed_by(out.status, SIGSEGV)) << describe_status(out.status) << out.err;
}

TEST(ClientDsmSignal, RaisedSigsegvIsAnOrdinarySignal) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        store(env.attach(4096), 1);
        install(record);
        EXPECT_TRUE(faults_into_handler([] { raise(SIGSEGV); }));
        EXPECT_EQ(g_code, SI_TKILL);
        signal(SIGSEGV, SIG_IGN);
        raise(SIGSEGV);  // ignored: an asynchronous SIGSEGV can be
    }));
    ChildOutcome out = run_in_child([] {
        DsmEnv env;
        store(env.attach(4096), 1);
        raise(SIGSEGV);
        _exit(0);
    });
    EXPECT_TRUE(killed_by(out.status, SIGSEGV)) << describe_status(out.status);
}

TEST(ClientDsmSignal, BlockedSigsegvStillLetsDsmFaultsThrough) {
    expect_child_ok(run_in_child([] {
        install(record);
        DsmEnv env;
        std::uint8_t* p = env.attach(2 * 4096);
        sigset_t segv, old;
        sigemptyset(&segv);
        sigaddset(&segv, SIGSEGV);
        ASSERT_EQ(sigprocmask(SIG_BLOCK, &segv, &old), 0);
        EXPECT_FALSE(sigismember(&old, SIGSEGV));
        sigset_t now;
        sigprocmask(SIG_SETMASK, nullptr, &now);
        EXPECT_TRUE(sigismember(&now, SIGSEGV));  // the program's view
        EXPECT_FALSE(really_blocked(SIGSEGV));    // the kernel's
        env.host[4096] = 4;
        EXPECT_EQ(load(p + 4096), 4);
        store(p, 1);
        // Another thread blocks it with pthread_sigmask, and faults too.
        std::thread t([&] {
            pthread_sigmask(SIG_BLOCK, &segv, nullptr);
            EXPECT_FALSE(really_blocked(SIGSEGV));
            store(p + 4096 + 8, 2);
        });
        t.join();
        EXPECT_EQ(env.host[4096 + 8], 2);
        EXPECT_EQ(faults(env.fake).size(), 3u);
        ASSERT_EQ(pthread_sigmask(SIG_UNBLOCK, &segv, &old), 0);
        EXPECT_TRUE(sigismember(&old, SIGSEGV));
        EXPECT_TRUE(faults_into_handler(null_load));  // unblocked: the handler again
    }));
}

TEST(ClientDsmSignal, ProgramsOwnFaultWhileItBlocksSigsegvDiesAsWithTheKernel) {
    ChildOutcome out = run_in_child([] {
        install(record);
        DsmEnv env;
        store(env.attach(4096), 1);
        sigset_t segv;
        sigemptyset(&segv);
        sigaddset(&segv, SIGSEGV);
        sigprocmask(SIG_BLOCK, &segv, nullptr);
        null_load();
        _exit(0);
    });
    EXPECT_TRUE(killed_by(out.status, SIGSEGV)) << describe_status(out.status) << out.err;
}

TEST(ClientDsmSignal, ProgramsMprotectIsKeptAndItsWritesReachItsHandler) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        std::uint8_t* p = env.attach(3 * 4096);
        install(record);
        store(p, 1);
        ASSERT_EQ(real_prot(p), "rw");
        ASSERT_EQ(mprotect(p, 4096, PROT_READ), 0);
        EXPECT_EQ(real_prot(p), "r-");
        EXPECT_EQ(load(p), 1);
        EXPECT_TRUE(faults_into_handler([p] { store(p + 5, 2); }));
        EXPECT_EQ(g_addr, p + 5);
        EXPECT_EQ(g_code, SEGV_ACCERR);
        EXPECT_EQ(faults(env.fake), (Faults{{0, true}}));  // not a DSM miss
        // Writable again: the view was write all along, no fault.
        ASSERT_EQ(mprotect(p, 4096, PROT_READ | PROT_WRITE), 0);
        store(p + 5, 3);
        EXPECT_EQ(faults(env.fake).size(), 1u);
        // The program cannot open a unit the daemon has not granted.
        ASSERT_EQ(mprotect(p + 4096, 2 * 4096, PROT_READ | PROT_WRITE), 0);
        EXPECT_EQ(real_prot(p + 4096), "--");
        store(p + 4096, 4);
        EXPECT_EQ(real_prot(p + 4096), "rw");
        // PROT_NONE: even a read is the program's own fault.
        ASSERT_EQ(mprotect(p + 2 * 4096, 4096, PROT_NONE), 0);
        EXPECT_TRUE(faults_into_handler([p] { load(p + 2 * 4096); }));
        EXPECT_EQ(faults(env.fake), (Faults{{0, true}, {1, true}}));
        // The kernel's answers for bad arguments.
        errno = 0;
        EXPECT_EQ(mprotect(p + 1, 4096, PROT_READ), -1);
        EXPECT_EQ(errno, EINVAL);
        EXPECT_EQ(mprotect(p, 4096, 0x1000), -1);
        EXPECT_EQ(errno, EINVAL);
    }));
}

TEST(ClientDsmSignal, MprotectAcrossAnAttachmentAndOtherMappings) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        env.host = env.fake.add_segment(DsmEnv::kShmid, 2 * 4096);
        // [anonymous page][2-page attachment][anonymous page], one range.
        auto* region = static_cast<std::uint8_t*>(
            mmap(nullptr, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        ASSERT_NE(region, MAP_FAILED);
        ASSERT_EQ(shmat(DsmEnv::kShmid, region + 4096, SHM_REMAP), region + 4096);
        store(region + 4096, 1);
        ASSERT_EQ(mprotect(region, 4 * 4096, PROT_READ), 0);
        EXPECT_EQ(real_prot(region), "r-");
        EXPECT_EQ(real_prot(region + 4096), "r-");
        EXPECT_EQ(real_prot(region + 2 * 4096), "--");  // not granted yet
        EXPECT_EQ(real_prot(region + 3 * 4096), "r-");
        // A hole: ENOMEM, what came before it changed, as the kernel leaves it.
        munmap(region + 3 * 4096, 4096);
        errno = 0;
        EXPECT_EQ(mprotect(region, 5 * 4096, PROT_READ | PROT_WRITE), -1);
        EXPECT_EQ(errno, ENOMEM);
        EXPECT_EQ(real_prot(region), "rw");
        EXPECT_EQ(real_prot(region + 4096), "rw");
    }));
}

TEST(ClientDsmSignal, HandlerFlagsAndMaskAreTheKernels) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        store(env.attach(4096), 1);
        // sa_mask applies inside; SIGSEGV itself looks blocked (no SA_NODEFER).
        install(record, 0, SIGUSR1);
        EXPECT_TRUE(faults_into_handler(null_load));
        EXPECT_TRUE(g_usr1_blocked_inside);
        EXPECT_TRUE(g_segv_blocked_inside);
        EXPECT_FALSE(really_blocked(SIGUSR1));  // restored after the jump
        // SA_NODEFER: a fault inside the handler calls it again.
        install(record, SA_NODEFER);
        g_fault_again_inside = true;
        int before = g_calls;
        if (sigsetjmp(g_jump, 1) == 0) null_load();
        EXPECT_EQ(g_calls, before + 2);
        EXPECT_FALSE(g_segv_blocked_inside);
    }));
    // Without SA_NODEFER a fault inside the handler is fatal.
    ChildOutcome nested = run_in_child([] {
        DsmEnv env;
        store(env.attach(4096), 1);
        install(record);
        g_fault_again_inside = true;
        if (sigsetjmp(g_jump, 1) == 0) null_load();
        _exit(0);
    });
    EXPECT_TRUE(killed_by(nested.status, SIGSEGV)) << describe_status(nested.status);
    // SA_RESETHAND: once, then the default.
    ChildOutcome once = run_in_child([] {
        DsmEnv env;
        store(env.attach(4096), 1);
        install(record, SA_RESETHAND);
        if (sigsetjmp(g_jump, 1) == 0) null_load();
        if (g_calls != 1) _exit(3);
        struct sigaction now;
        sigaction(SIGSEGV, nullptr, &now);
        if (now.sa_handler != SIG_DFL) _exit(4);
        null_load();
        _exit(0);
    });
    EXPECT_TRUE(killed_by(once.status, SIGSEGV)) << describe_status(once.status);
}

TEST(ClientDsmSignal, SigactionAnswersAreTheKernels) {
    expect_child_ok(run_in_child([] {
        DsmEnv env;
        store(env.attach(4096), 1);
        // The same actions set on SIGSEGV (virtual) and SIGUSR2 (the kernel's).
        for (unsigned flags : {0u, unsigned(SA_SIGINFO), unsigned(SA_RESTART | SA_NODEFER),
                               unsigned(SA_ONSTACK | SA_RESETHAND | SA_SIGINFO), 0x00f00000u /* unknown bits */}) {
            struct sigaction sa {}, virt {}, kern {};
            sa.sa_sigaction = record;
            sa.sa_flags = static_cast<int>(flags);
            sigemptyset(&sa.sa_mask);
            sigaddset(&sa.sa_mask, SIGUSR1);
            sigaddset(&sa.sa_mask, SIGKILL);
            sigaddset(&sa.sa_mask, SIGSEGV);
            ASSERT_EQ(sigaction(SIGSEGV, &sa, nullptr), 0);
            ASSERT_EQ(sigaction(SIGSEGV, nullptr, &virt), 0);
            ASSERT_EQ(sigaction(SIGUSR2, &sa, nullptr), 0);
            ASSERT_EQ(sigaction(SIGUSR2, nullptr, &kern), 0);
            EXPECT_EQ(virt.sa_flags, kern.sa_flags) << std::hex << flags;
            EXPECT_EQ(virt.sa_sigaction, kern.sa_sigaction);
            EXPECT_EQ(virt.sa_restorer, kern.sa_restorer);
            // (Past the kernel's 64 signals the C library leaves stack bytes in the mask.)
            for (int sig = 1; sig < _NSIG; ++sig)
                EXPECT_EQ(sigismember(&virt.sa_mask, sig), sigismember(&kern.sa_mask, sig)) << sig;
            EXPECT_TRUE(sigismember(&kern.sa_mask, SIGSEGV));  // reported back, never really set
        }
        // signal(): the previous handler back; SIG_ERR is EINVAL.
        EXPECT_EQ(reinterpret_cast<void*>(signal(SIGSEGV, plain_handler)), reinterpret_cast<void*>(record));
        EXPECT_EQ(signal(SIGSEGV, SIG_DFL), plain_handler);
        errno = 0;
        EXPECT_EQ(signal(SIGSEGV, SIG_ERR), SIG_ERR);
        EXPECT_EQ(errno, EINVAL);
        // A bad pointer is EFAULT, not a crash.
        EXPECT_EQ(sigaction(SIGSEGV, reinterpret_cast<struct sigaction*>(8), nullptr), -1);
        EXPECT_EQ(errno, EFAULT);
        // Through it all the layer's handler stayed the kernel's.
        struct sigaction real;
        syscall(SYS_rt_sigaction, SIGSEGV, nullptr, &real, _NSIG / 8);
        EXPECT_NE(real.sa_handler, SIG_DFL);
        EXPECT_NE(real.sa_sigaction, record);
        env.host[0] = 0;
    }));
}

TEST(ClientDsmSignal, SigsegvBlockedBeforeTheLayerWasThereIsOnlyTheProgramsView) {
    expect_child_ok(run_in_child([] {
        // As if inherited through exec: blocked for real, behind the layer's back.
        sigset_t segv;
        sigemptyset(&segv);
        sigaddset(&segv, SIGSEGV);
        syscall(SYS_rt_sigprocmask, SIG_BLOCK, &segv, nullptr, _NSIG / 8);
        DsmEnv env;
        std::uint8_t* p = env.attach(4096);
        EXPECT_FALSE(really_blocked(SIGSEGV));
        sigset_t now;
        sigprocmask(SIG_SETMASK, nullptr, &now);
        EXPECT_TRUE(sigismember(&now, SIGSEGV));
        store(p, 1);  // served, not a forced kill
        EXPECT_EQ(env.host[0], 1);
    }));
}
