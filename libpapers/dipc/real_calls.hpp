// real_calls.hpp — the C library's SysV functions, found behind ours with
// dlsym(RTLD_NEXT). Resolved once, on first use (a function-local static:
// thread-safe, and usable from any constructor, before or after ours). The
// other functions the layer wraps for shared memory: real_system.hpp.
#pragma once
#include <sys/types.h>

struct sembuf;
struct timespec;
struct msqid_ds;
struct shmid_ds;

namespace papers::dipc::client {

struct RealCalls {
    int (*semget)(key_t, int, int) = nullptr;
    int (*semop)(int, struct sembuf*, size_t) = nullptr;
    int (*semtimedop)(int, struct sembuf*, size_t, const struct timespec*) = nullptr;
    int (*semctl)(int, int, int, ...) = nullptr;
    int (*msgget)(key_t, int) = nullptr;
    int (*msgsnd)(int, const void*, size_t, int) = nullptr;
    ssize_t (*msgrcv)(int, void*, size_t, long, int) = nullptr;
    int (*msgctl)(int, int, struct msqid_ds*) = nullptr;
    int (*shmget)(key_t, size_t, int) = nullptr;
    void* (*shmat)(int, const void*, int) = nullptr;
    int (*shmdt)(const void*) = nullptr;
    int (*shmctl)(int, int, struct shmid_ds*) = nullptr;
};

// A null member means the C library has no such function: the wrapper
// answers ENOSYS.
const RealCalls& real_calls();

}  // namespace papers::dipc::client
