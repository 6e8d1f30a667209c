#include "layer_thread.hpp"

#include <pthread.h>
#include <signal.h>

#include "real_system.hpp"

namespace papers::dipc::client {

int start_layer_thread(void* (*main)(void*), std::size_t stack_bytes, const char* name) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, stack_bytes);
    // The new thread inherits this mask.
    sigset_t all_signals, saved;
    sigfillset(&all_signals);
    real::pthread_sigmask(SIG_SETMASK, &all_signals, &saved);
    pthread_t thread;
    int rc = pthread_create(&thread, &attr, main, nullptr);
    real::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    pthread_attr_destroy(&attr);
    if (rc == 0) pthread_setname_np(thread, name);
    return rc;
}

}  // namespace papers::dipc::client
