#include "dsm_runtime.hpp"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dsm_attachments.hpp"
#include "dsm_fault_relay.hpp"
#include "dsm_fork.hpp"
#include "dsm_service_thread.hpp"
#include "dsm_signals.hpp"
#include "real_system.hpp"

namespace papers::dipc::client::dsm {

namespace {

pthread_mutex_t g_runtime_mutex = PTHREAD_MUTEX_INITIALIZER;

}  // namespace

bool ensure_runtime(std::string& why) {
    if (service_running() && fault_relay_running() && segv_handler_installed()) return true;
    // A signal handler calling shmat while this thread sets up would wait
    // for itself: the async signals stay blocked meanwhile.
    sigset_t block, saved;
    async_signals(block);
    real::pthread_sigmask(SIG_BLOCK, &block, &saved);
    pthread_mutex_lock(&g_runtime_mutex);
    register_fork_handlers();
    // What the SIGSEGV handler calls is found now, not in a handler.
    real::mprotect(nullptr, 0, PROT_NONE);
    real::write(STDERR_FILENO, "", 0);
    bool ok = (service_running() || start_service(why)) && start_fault_relay(why);
    if (ok) {
        install_segv_handler();
        sigdelset(&saved, SIGSEGV);  // never blocked for real from now on (install kept the view)
    }
    pthread_mutex_unlock(&g_runtime_mutex);
    real::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    return ok;
}

}  // namespace papers::dipc::client::dsm
