// engine_actor.hpp — a process that makes System V calls on the kernel for
// the owner engine's tests: its own pid, credentials, SEM_UNDO list and
// shared memory attachments, as the engine's Caller of the same numbers
// has. Commands and results travel as fixed-size records over a
// SOCK_SEQPACKET pair; a call may block, and the test observes that in
// /proc/PID/syscall and interrupts it with a signal (EINTR) or kills the
// process (exit_sem, and the kernel's detach of every attachment).
#pragma once
#include <sys/types.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "proto/messages.hpp"

namespace papers::dipc::enginetest {

constexpr int kMaxSemsT = 32;
constexpr int kMaxSopsT = 16;
constexpr int kMaxTextT = 512;

struct Cred {
    std::uint32_t euid = 0, egid = 0;
    std::vector<std::uint32_t> groups;
};

// fork: the actor forks a child that holds copies of its attachments and
// sleeps until end_child() (ret = the child's pid).
enum class KCall : int { semget, semop, semctl, msgget, msgsnd, msgrcv, msgctl, shmget, shmat, shmdt, shmctl, fork };

// What shmctl(IPC_INFO) writes on x86_64 (the kernel's struct shminfo64;
// glibc declares no struct shminfo).
struct ShmLimits {
    unsigned long shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};

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
    int slot = 0;                  // shmdt: which of the actor's attachments
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
};

class Actor {
public:
    // Forks a process (in the caller's IPC namespace) with these credentials.
    Actor(const Cred& cred, std::uint32_t host, std::uint64_t start_time);
    ~Actor();
    Actor(const Actor&) = delete;
    Actor& operator=(const Actor&) = delete;

    pid_t pid() const { return pid_; }
    bool alive() const { return pid_ > 0; }
    proto::Caller caller() const;

    void send(const KRequest& req);
    // The next result, waiting up to timeout_ms: false if none came.
    bool receive(KResult& res, int timeout_ms);
    bool result_ready() const;
    // Waits until the process sleeps inside a SysV call (semop, semtimedop,
    // msgsnd, msgrcv) or a result is ready; false after timeout_ms.
    bool wait_blocked(int timeout_ms);
    void interrupt();  // SIGUSR1: the blocked call fails with EINTR
    // SIGKILL and reap: exit_sem and the detaches have run when it returns.
    void kill_now();
    // SIGKILL to the child a KCall::fork made, and wait (bounded) until it
    // has exited, its attachments detached: false if it did not go in time.
    static bool end_child(pid_t child);

private:
    Cred cred_;
    std::uint32_t host_;
    std::uint64_t start_time_;
    pid_t pid_ = -1;
    int fd_ = -1;
};

}  // namespace papers::dipc::enginetest
