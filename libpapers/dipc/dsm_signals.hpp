// dsm_signals.hpp — the layer's SIGSEGV handler and the program's view of
// SIGSEGV (docs/dipc-design.md, "Faults").
//
// From the first shmat on, the kernel's SIGSEGV action is the layer's
// handler; the program's action is kept here (virtual) and reported back
// to it. SIGSEGV is never blocked for real while a daemon is configured:
// it is removed from the masks the program sets and from its handlers'
// sa_mask, and the program's view of it (blocked or not) is kept per thread.
// A fault that is not a DSM miss reaches the program as the kernel would
// have delivered it:
//   * its handler, called with the original siginfo and ucontext, with the
//     mask the kernel would set (sa_mask, SIGSEGV itself unless SA_NODEFER),
//     SA_RESETHAND honoured;
//   * SIG_DFL, SIG_IGN (ignoring a fault is not possible), or a fault while
//     the program blocks SIGSEGV (or is inside its own SIGSEGV handler):
//     the default action is restored and the instruction re-runs, so the
//     process dies of SIGSEGV, core and all — the kernel's forced signal.
#pragma once
#include <signal.h>
#include <ucontext.h>

#include <cstdint>

namespace papers::dipc::client::dsm {

// Installs the handler (idempotent); the kernel's current SIGSEGV action
// becomes the program's virtual one.
void install_segv_handler();
bool segv_handler_installed();

// sigaction for any signal, as the program sees it (intercept_signals.cpp;
// only with a daemon configured): SIGSEGV is virtual once the handler is
// installed; every signal's sa_mask loses SIGSEGV for real, and gets it back
// when reported. 0, or -1 with errno.
int program_sigaction(int sig, const struct sigaction* act, struct sigaction* old);

// sigprocmask / pthread_sigmask as the program sees them: SIGSEGV stays
// unblocked for real, the program's view of it is this thread's. 0 or an
// error number.
int program_sigmask(int how, const sigset_t* set, sigset_t* old);

// The program left its SIGSEGV handler by a long jump (longjmp and
// siglongjmp are intercepted for this): SIGSEGV is no longer blocked by
// that handler's delivery.
void left_segv_handler();

// SIGBUS as the kernel sends it for a bad mapping: to this thread, si_code
// BUS_ADRERR, si_addr = addr; a blocked or ignored SIGBUS is forced to its
// default action (death), as the kernel forces synchronous signals. `uc`:
// from the SIGSEGV handler, its context (the SIGBUS arrives when the handler
// returns, with the faulting instruction's context); null from a system
// call wrapper (it arrives at once).
void raise_sigbus(std::uintptr_t addr, ucontext_t* uc);

}  // namespace papers::dipc::client::dsm
