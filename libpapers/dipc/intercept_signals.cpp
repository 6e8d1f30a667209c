// intercept_signals.cpp — sigaction, signal (bsd_signal, ssignal),
// sysv_signal, sigprocmask, pthread_sigmask, and the long jumps, for the
// program's view of SIGSEGV (dsm_signals.hpp). Without a daemon configured
// each is the C library's, untouched. The other ways to change SIGSEGV's
// action or mask (sigset, sighold, siginterrupt, raw system calls) are not
// intercepted: the C library makes them without calling these.
#include <setjmp.h>
#include <signal.h>

#include <cerrno>

#include "client_state.hpp"
#include "dsm_signals.hpp"
#include "real_system.hpp"

using namespace papers::dipc::client;

namespace {

bool daemon_configured() { return config().daemon_configured; }

// signal() and friends for SIGSEGV, through the program's sigaction.
sighandler_t segv_signal(sighandler_t handler, int flags, bool mask_itself) {
    if (handler == SIG_ERR) {
        errno = EINVAL;
        return SIG_ERR;
    }
    struct sigaction act {}, old {};
    act.sa_handler = handler;
    sigemptyset(&act.sa_mask);
    if (mask_itself) sigaddset(&act.sa_mask, SIGSEGV);
    act.sa_flags = flags;
    if (dsm::program_sigaction(SIGSEGV, &act, &old) != 0) return SIG_ERR;
    return old.sa_handler;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int sigaction(int sig, const struct sigaction* act,
                                                     struct sigaction* old) noexcept {
    if (!daemon_configured()) return real::sigaction(sig, act, old);
    return dsm::program_sigaction(sig, act, old);
}

__attribute__((visibility("default"))) int __sigaction(int sig, const struct sigaction* act,
                                                       struct sigaction* old) noexcept {
    return sigaction(sig, act, old);
}

// BSD semantics, as the C library's signal(): SA_RESTART, the signal
// blocked in its own handler.
__attribute__((visibility("default"))) sighandler_t signal(int sig, sighandler_t handler) noexcept {
    if (sig != SIGSEGV || !daemon_configured()) return real::signal(sig, handler);
    return segv_signal(handler, SA_RESTART, true);
}

__attribute__((visibility("default"))) sighandler_t bsd_signal(int sig, sighandler_t handler) noexcept {
    return signal(sig, handler);
}

__attribute__((visibility("default"))) sighandler_t ssignal(int sig, sighandler_t handler) noexcept {
    return signal(sig, handler);
}

// System V semantics: one shot, not blocked in its own handler.
__attribute__((visibility("default"))) sighandler_t sysv_signal(int sig, sighandler_t handler) noexcept {
    if (sig != SIGSEGV || !daemon_configured()) return real::sysv_signal(sig, handler);
    return segv_signal(handler, SA_RESETHAND | SA_NODEFER, false);
}

__attribute__((visibility("default"))) int sigprocmask(int how, const sigset_t* set, sigset_t* old) noexcept {
    if (!daemon_configured()) return real::sigprocmask(how, set, old);
    if (int err = dsm::program_sigmask(how, set, old)) {
        errno = err;
        return -1;
    }
    return 0;
}

__attribute__((visibility("default"))) int pthread_sigmask(int how, const sigset_t* set, sigset_t* old) noexcept {
    if (!daemon_configured()) return real::pthread_sigmask(how, set, old);
    return dsm::program_sigmask(how, set, old);
}

// Leaving a SIGSEGV handler by a long jump ends its blocking of SIGSEGV.
__attribute__((visibility("default"), noreturn)) void siglongjmp(sigjmp_buf env, int val) noexcept {
    dsm::left_segv_handler();
    real::siglongjmp(env, val);
}

__attribute__((visibility("default"), noreturn)) void longjmp(jmp_buf env, int val) noexcept {
    dsm::left_segv_handler();
    real::siglongjmp(env, val);
}

__attribute__((visibility("default"), noreturn)) void _longjmp(jmp_buf env, int val) noexcept {
    dsm::left_segv_handler();
    real::siglongjmp(env, val);
}

__attribute__((visibility("default"), noreturn)) void __longjmp_chk(jmp_buf env, int val) noexcept {
    dsm::left_segv_handler();
    real::longjmp_chk(env, val);
}

}  // extern "C"
