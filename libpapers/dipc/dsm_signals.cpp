#include "dsm_signals.hpp"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "dsm_attachments.hpp"
#include "dsm_fault_relay.hpp"
#include "dsm_faults.hpp"
#include "real_system.hpp"
#include "user_memory.hpp"

namespace papers::dipc::client::dsm {

namespace {

// Flags the kernel keeps in an action (UAPI_SA_FLAGS on x86_64); the C
// library adds SA_RESTORER and its own restorer to every action it sets.
constexpr int kSaRestorer = 0x04000000;
constexpr unsigned kKernelKeeps = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER |
                                  SA_RESETHAND | kSaRestorer | 0x800 /* SA_EXPOSE_TAGBITS */;

// ---- the program's SIGSEGV action (a seqlock: the handler reads it) ----------

pthread_mutex_t g_segv_mutex = PTHREAD_MUTEX_INITIALIZER;  // writers of the action, and install
std::atomic<unsigned> g_action_seq{0};
struct sigaction g_action;           // the program's, once installed
void (*g_restorer)() = nullptr;      // the C library's, as the kernel reports it
std::atomic<bool> g_installed{false};

// Whether the program's sa_mask for a signal had SIGSEGV (taken out for real).
std::atomic<bool> g_mask_had_segv[_NSIG];

// This thread's view: SIGSEGV blocked with sigprocmask/pthread_sigmask; and
// while the program's SIGSEGV handler runs (delivered without SA_NODEFER),
// the frame of the layer's handler that called it.
thread_local bool tl_blocks_segv = false;
thread_local std::uintptr_t tl_handler_frame = 0;

// Whether the program set an async signal's handler with SA_NODEFER (then
// its handler may run with nothing blocked: see may_allocate_here), and how
// deep this thread is in the program's SIGSEGV handlers.
std::atomic<bool> g_nodefer_async{false};
thread_local int tl_program_segv_depth = 0;

// Whether a miss may be resolved on the faulting thread, which allocates
// (dsm_fault_relay.hpp). Not when the fault may sit inside one of the
// program's signal handlers, which may have interrupted malloc: the
// interrupted context blocks an async signal (a handler runs with its own
// signal blocked; a thread that blocks signals for other reasons is only
// served a little slower), an async handler was set with SA_NODEFER, or the
// program's SIGSEGV handler runs. Under ThreadSanitizer never: it reports
// any allocation inside a signal handler.
bool may_allocate_here(const ucontext_t* uc) {
#if defined(__SANITIZE_THREAD__)
    (void)uc;
    return false;
#else
    if (tl_program_segv_depth > 0 || g_nodefer_async.load(std::memory_order_relaxed)) return false;
    sigset_t blocked;
    async_signals(blocked);
    sigandset(&blocked, &blocked, &uc->uc_sigmask);
    return sigisemptyset(&blocked) == 1;
#endif
}

// Serialises the writers of the program's SIGSEGV action, with the async
// signals blocked (the handler reads the action).
class SegvGuard {
public:
    SegvGuard() {
        sigset_t block;
        async_signals(block);
        real::pthread_sigmask(SIG_BLOCK, &block, &saved_);
        pthread_mutex_lock(&g_segv_mutex);
    }
    ~SegvGuard() {
        pthread_mutex_unlock(&g_segv_mutex);
        real::pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
    }

private:
    sigset_t saved_;
};

void store_action(const struct sigaction& a) {
    g_action_seq.fetch_add(1, std::memory_order_acq_rel);  // odd: being written
    std::atomic_thread_fence(std::memory_order_release);
    std::memcpy(&g_action, &a, sizeof a);
    g_action_seq.fetch_add(1, std::memory_order_release);
}

struct sigaction load_action() {
    struct sigaction a;
    for (;;) {
        unsigned s = g_action_seq.load(std::memory_order_acquire);
        if (s & 1) continue;  // a writer on another thread: it finishes without waiting for us
        std::memcpy(&a, &g_action, sizeof a);
        std::atomic_thread_fence(std::memory_order_acquire);
        if (g_action_seq.load(std::memory_order_relaxed) == s) return a;
    }
}

// What the kernel would store for an action the program sets through the C
// library: flags it knows, the C library's restorer, no SIGKILL/SIGSTOP in
// the mask.
struct sigaction as_kernel_keeps(struct sigaction a) {
    a.sa_flags = static_cast<int>(static_cast<unsigned>(a.sa_flags | kSaRestorer) & kKernelKeeps);
    a.sa_restorer = g_restorer;
    sigdelset(&a.sa_mask, SIGKILL);
    sigdelset(&a.sa_mask, SIGSTOP);
    return a;
}

void on_sigsegv(int sig, siginfo_t* si, void* ucv);

// The layer's handler, on the alternate stack and restarting calls exactly
// when the program's own action asks for it.
void install_ours(int program_flags) {
    struct sigaction sa {};
    sa.sa_sigaction = on_sigsegv;
    // SA_NODEFER: a fault inside the program's handler reaches us too (the
    // kernel would otherwise force a kill); SIGBUS in the mask: the SIGBUS we
    // queue arrives after we return, with the faulting context.
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | (program_flags & (SA_ONSTACK | SA_RESTART));
    async_signals(sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGBUS);
    real::sigaction(SIGSEGV, &sa, nullptr);
}

bool had_segv(int sig) { return sig > 0 && sig < _NSIG && g_mask_had_segv[sig].load(std::memory_order_relaxed); }

// The kernel's sigaction with SIGSEGV taken out of the mask (and remembered).
int kernel_sigaction(int sig, const struct sigaction* in, struct sigaction* old) {
    struct sigaction copy;
    bool has = false;
    if (in) {
        copy = *in;
        has = sigismember(&copy.sa_mask, SIGSEGV) == 1;
        sigdelset(&copy.sa_mask, SIGSEGV);
    }
    bool prev = had_segv(sig);
    if (real::sigaction(sig, in ? &copy : nullptr, old) != 0) return -1;
    if (in && (copy.sa_flags & SA_NODEFER) && copy.sa_handler != SIG_DFL && copy.sa_handler != SIG_IGN) {
        sigset_t async;
        async_signals(async);
        if (sigismember(&async, sig) == 1) g_nodefer_async.store(true, std::memory_order_relaxed);
    }
    if (in && sig > 0 && sig < _NSIG) g_mask_had_segv[sig].store(has, std::memory_order_relaxed);
    if (old && prev) sigaddset(&old->sa_mask, SIGSEGV);
    return 0;
}

int segv_sigaction(const struct sigaction* in, struct sigaction* old) {
    struct sigaction prev;
    {
        SegvGuard guard;
        if (!g_installed.load(std::memory_order_acquire)) return kernel_sigaction(SIGSEGV, in, old);
        prev = load_action();
        if (in) {
            struct sigaction next = as_kernel_keeps(*in);
            store_action(next);
            if ((next.sa_flags ^ prev.sa_flags) & (SA_ONSTACK | SA_RESTART)) install_ours(next.sa_flags);
        }
    }
    if (old && !write_user(old, &prev, sizeof prev)) {
        errno = EFAULT;
        return -1;
    }
    return 0;
}

// ---- delivering a fault that is not a DSM miss to the program ----------------

void queue_to_self(int sig, siginfo_t* info) {
    syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), sig, info);
}

void restore_default(int sig) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    real::sigaction(sig, &dfl, nullptr);
}

void call_program_handler(const struct sigaction& a, int sig, siginfo_t* si, ucontext_t* uc, std::uintptr_t frame) {
    if (a.sa_flags & SA_RESETHAND) {
        SegvGuard guard;
        struct sigaction reset = load_action();
        reset.sa_handler = SIG_DFL;
        store_action(reset);
    }
    // The mask the kernel would set: the interrupted code's, the action's
    // sa_mask, and SIGSEGV itself (kept virtually: never blocked for real).
    sigset_t mask = uc->uc_sigmask;
    sigorset(&mask, &mask, &a.sa_mask);
    sigdelset(&mask, SIGSEGV);
    std::uintptr_t outer = tl_handler_frame;
    if (!(a.sa_flags & SA_NODEFER) && !outer) tl_handler_frame = frame;
    sigset_t ours;
    real::pthread_sigmask(SIG_SETMASK, &mask, &ours);
    ++tl_program_segv_depth;
    if (a.sa_flags & SA_SIGINFO) a.sa_sigaction(sig, si, uc);
    else a.sa_handler(sig);
    --tl_program_segv_depth;
    real::pthread_sigmask(SIG_SETMASK, &ours, nullptr);
    tl_handler_frame = outer;
}

void deliver_to_program(int sig, siginfo_t* si, ucontext_t* uc, std::uintptr_t frame) {
    // A handler frame at or below this one is gone (the program left its
    // handler some way we did not see): the signal is not blocked by it.
    if (tl_handler_frame && frame >= tl_handler_frame) tl_handler_frame = 0;
    bool blocked = tl_blocks_segv || tl_handler_frame != 0;
    struct sigaction a = load_action();
    bool from_kernel = si->si_code > 0;
    if (!from_kernel) {
        // kill(), raise(), sigqueue(): an ordinary signal.
        if (a.sa_handler == SIG_IGN) return;
        if (a.sa_handler == SIG_DFL) {
            restore_default(sig);
            queue_to_self(sig, si);
            return;
        }
        call_program_handler(a, sig, si, uc, frame);
        return;
    }
    if (a.sa_handler == SIG_DFL || a.sa_handler == SIG_IGN || blocked) {
        // The kernel forces a synchronous SIGSEGV that is ignored or blocked
        // to its default action; returning re-runs the instruction into it.
        restore_default(sig);
        return;
    }
    call_program_handler(a, sig, si, uc, frame);
}

void on_sigsegv(int sig, siginfo_t* si, void* ucv) {
    int saved_errno = errno;
    auto* uc = static_cast<ucontext_t*>(ucv);
    auto frame = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
    if (si->si_code == SEGV_ACCERR && may_touch(si->si_addr, 1)) {
        auto addr = reinterpret_cast<std::uintptr_t>(si->si_addr);
        greg_t err = uc->uc_mcontext.gregs[REG_ERR];
        Failure failure;
        // x86 page-fault error code: bit 1 write, bit 4 instruction fetch.
        // Inside a handler of the program: on a fault thread (dsm_fault_relay.hpp).
        switch (resolve_from_handler(addr, err & 2, err & 16, may_allocate_here(uc), failure)) {
            case Outcome::resolved:
                errno = saved_errno;
                return;
            case Outcome::failed:
                raise_sigbus(addr, uc);
                errno = saved_errno;
                return;
            case Outcome::not_ours: break;
        }
    }
    deliver_to_program(sig, si, uc, frame);
    errno = saved_errno;
}

}  // namespace

void install_segv_handler() {
    if (g_installed.load(std::memory_order_acquire)) return;
    SegvGuard guard;
    if (g_installed.load(std::memory_order_relaxed)) return;
    struct sigaction current;
    real::sigaction(SIGSEGV, nullptr, &current);
    if (had_segv(SIGSEGV)) sigaddset(&current.sa_mask, SIGSEGV);
    // The program's action is in place before ours can run.
    store_action(current);
    install_ours(current.sa_flags);
    struct sigaction mine;
    real::sigaction(SIGSEGV, nullptr, &mine);
    g_restorer = mine.sa_restorer;
    g_installed.store(true, std::memory_order_release);
    // A mask inherited through exec may block SIGSEGV for real: this thread
    // keeps that as its view only.
    sigset_t now, segv;
    real::pthread_sigmask(SIG_SETMASK, nullptr, &now);
    if (sigismember(&now, SIGSEGV) == 1) {
        sigemptyset(&segv);
        sigaddset(&segv, SIGSEGV);
        real::pthread_sigmask(SIG_UNBLOCK, &segv, nullptr);
        tl_blocks_segv = true;
    }
}

bool segv_handler_installed() { return g_installed.load(std::memory_order_acquire); }

int program_sigaction(int sig, const struct sigaction* act, struct sigaction* old) {
    struct sigaction in;
    if (act && !read_user(&in, act, sizeof in)) {
        errno = EFAULT;
        return -1;
    }
    if (sig == SIGSEGV) return segv_sigaction(act ? &in : nullptr, old);
    return kernel_sigaction(sig, act ? &in : nullptr, old);
}

int program_sigmask(int how, const sigset_t* set, sigset_t* old) {
    sigset_t in;
    if (set && !read_user(&in, set, sizeof in)) return EFAULT;
    bool was_blocked = tl_blocks_segv || tl_handler_frame != 0;
    bool has = false;
    if (set) {
        has = sigismember(&in, SIGSEGV) == 1;
        sigdelset(&in, SIGSEGV);
    }
    if (int err = real::pthread_sigmask(how, set ? &in : nullptr, old)) return err;
    if (set) {
        bool now = was_blocked;
        if (how == SIG_BLOCK && has) now = true;
        if (how == SIG_UNBLOCK && has) now = false;
        if (how == SIG_SETMASK) now = has;
        tl_blocks_segv = now;
        // Unblocking SIGSEGV inside its handler lets a nested fault through.
        if (!now) tl_handler_frame = 0;
    }
    if (old && was_blocked) sigaddset(old, SIGSEGV);
    return 0;
}

void left_segv_handler() {
    tl_handler_frame = 0;
    tl_program_segv_depth = 0;
}

void raise_sigbus(std::uintptr_t addr, ucontext_t* uc) {
    struct sigaction current;
    real::sigaction(SIGBUS, nullptr, &current);
    sigset_t now;
    if (uc) now = uc->uc_sigmask;
    else real::pthread_sigmask(SIG_SETMASK, nullptr, &now);
    bool blocked = sigismember(&now, SIGBUS) == 1;
    if (blocked || current.sa_handler == SIG_IGN) {
        restore_default(SIGBUS);
        if (blocked && uc) {
            sigdelset(&uc->uc_sigmask, SIGBUS);
        } else if (blocked) {
            sigset_t bus;
            sigemptyset(&bus);
            sigaddset(&bus, SIGBUS);
            real::pthread_sigmask(SIG_UNBLOCK, &bus, nullptr);
        }
    }
    siginfo_t info;
    std::memset(&info, 0, sizeof info);
    info.si_signo = SIGBUS;
    info.si_code = BUS_ADRERR;
    info.si_addr = reinterpret_cast<void*>(addr);
    queue_to_self(SIGBUS, &info);
}

}  // namespace papers::dipc::client::dsm
