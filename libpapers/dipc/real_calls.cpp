#include "real_calls.hpp"

#include <dlfcn.h>

namespace papers::dipc::client {

namespace {

template <class F>
void resolve(F& fn, const char* name) {
    fn = reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

RealCalls resolve_all() {
    RealCalls r;
    resolve(r.semget, "semget");
    resolve(r.semop, "semop");
    resolve(r.semtimedop, "semtimedop");
    resolve(r.semctl, "semctl");
    resolve(r.msgget, "msgget");
    resolve(r.msgsnd, "msgsnd");
    resolve(r.msgrcv, "msgrcv");
    resolve(r.msgctl, "msgctl");
    resolve(r.shmget, "shmget");
    resolve(r.shmat, "shmat");
    resolve(r.shmdt, "shmdt");
    resolve(r.shmctl, "shmctl");
    return r;
}

}  // namespace

const RealCalls& real_calls() {
    static const RealCalls calls = resolve_all();
    return calls;
}

}  // namespace papers::dipc::client
