// engine_call.hpp — one System V call as a test describes it (KRequest),
// what it gave back (KResult), and the code that makes it in a process
// through a chosen entry point: the C library's functions (which the DIPC
// interposer replaces when preloaded) or raw syscall(2) (never interposed:
// the kernel's own answer). Shared by the owner engine's kit (engine_*) and
// the full-layer differential test (layerdiff_*). No test framework here:
// the layer test's host processes link it.
#pragma once
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <cstdint>
#include <vector>

namespace papers::dipc::enginetest {

constexpr int kMaxSemsT = 32;
constexpr int kMaxSopsT = 16;
constexpr int kMaxTextT = 512;

struct Cred {
    std::uint32_t euid = 0, egid = 0;
    std::vector<std::uint32_t> groups;
};

// shmget .. fork are the engine actor's own (engine_actor.cpp: its
// attachments and children live in that process); run_call makes the
// semaphore and message calls. fork: the actor forks a child that holds
// copies of its attachments and sleeps until Actor::end_child() (ret = the
// child's pid). shmwrite/shmread: plain stores and loads through one of the
// actor's attachments; exec: the process executes itself again (its
// attachments dropped) and answers from the new image (the full-layer
// test's agents, layerdiff_shm_calls.hpp).
enum class KCall : int {
    semget, semop, semctl, msgget, msgsnd, msgrcv, msgctl, shmget, shmat, shmdt, shmctl, fork, shmwrite, shmread, exec
};

// What shmctl(IPC_INFO) writes on x86_64 (the kernel's struct shminfo64;
// glibc declares no struct shminfo).
struct ShmLimits {
    unsigned long shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};

// A bad user pointer in place of the call's buffer (sops, the semctl
// argument's buffer or array, the msgbuf, the msqid_ds): the call must fail
// with EFAULT where the kernel's does, and never crash the caller.
enum class Fault : int {
    none = 0,
    null = 1,       // address 0
    no_access = 2,  // a PROT_NONE page
    read_only = 3,  // a PROT_READ page holding the right input: reads work, writes fault
    straddle = 4,   // the last 12 bytes of a page (holding the input's first 12 bytes), then PROT_NONE
};
constexpr int kStraddleBytes = 12;

// One System V call, as a program would make it.
struct KRequest {
    KCall call = KCall::semget;
    int id = 0, key = 0, flags = 0, semnum = 0, cmd = 0, val = 0;
    int nsems = 0;                 // semget
    int nsops = 0;
    struct sembuf sops[kMaxSopsT] = {};
    long long timeout_ns = -1;     // semtimedop: -1 none, -2 an invalid timespec
    unsigned short values[kMaxSemsT] = {};  // SETALL
    unsigned uid = 0, gid = 0, mode = 0;    // IPC_SET
    unsigned long qbytes = 0;
    long mtype = 0;                // msgsnd
    int ntext = 0;
    unsigned char text[kMaxTextT] = {};
    unsigned long bufsz = 0;       // msgrcv
    long msgtyp = 0;
    unsigned long size = 0;        // shmget
    int slot = 0;                  // shmdt, shmwrite, shmread: which of the actor's attachments
    long long shm_addr = -1;       // shmat: -1 NULL, else bytes above the agent's address region
    unsigned long offset = 0;      // shmwrite (text, ntext), shmread (bufsz bytes): where in the attachment
    Fault fault = Fault::none;     // the call's buffer
    bool fault_timeout = false;    // semtimedop's timespec pointer (a PROT_NONE page)
};

// Its result: return value, errno, and what the call wrote.
struct KResult {
    long ret = 0;
    int err = 0;
    struct semid_ds sem_ds = {};
    struct msqid_ds msg_ds = {};
    struct seminfo sem_info = {};
    struct msginfo msg_info = {};
    unsigned short values[kMaxSemsT] = {};
    long mtype = 0;
    unsigned char text[kMaxTextT] = {};
    struct shmid_ds shm_ds = {};
    ShmLimits shm_limits = {};       // IPC_INFO
    struct shm_info shm_usage = {};  // SHM_INFO
    long shm_where = -1;             // shmat: the address above the agent's address region, -1 outside it
};

union SemArg {
    int val;
    struct semid_ds* buf;
    unsigned short* array;
    struct seminfo* info;
};

// The eight entry points a call goes through.
struct SysvApi {
    int (*semget)(key_t, int, int);
    int (*semop)(int, struct sembuf*, size_t);
    int (*semtimedop)(int, struct sembuf*, size_t, const struct timespec*);
    int (*semctl)(int, int, int, SemArg);
    int (*msgget)(key_t, int);
    int (*msgsnd)(int, const void*, size_t, int);
    ssize_t (*msgrcv)(int, void*, size_t, long, int);
    int (*msgctl)(int, int, struct msqid_ds*);
};
const SysvApi& libc_sysv();    // the C library's functions (or an interposer's)
const SysvApi& kernel_sysv();  // syscall(2) straight to the kernel

// Makes a semaphore or message call in this process, with the request's
// fault if any, and fills `r` (errno in r.err; what the call wrote when it
// succeeded). Any other KCall: ENOSYS.
void run_call(const SysvApi& api, const KRequest& q, KResult& r);

// Whether `pid` sleeps inside a SysV wait (semop, semtimedop, msgsnd,
// msgrcv) right now, as /proc/PID/syscall and /proc/PID/wchan show.
bool asleep_in_sysv_wait(pid_t pid);

}  // namespace papers::dipc::enginetest
