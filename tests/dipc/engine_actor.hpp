// engine_actor.hpp — a process that makes System V calls on the kernel for
// the owner engine's tests: its own pid, credentials and SEM_UNDO list, as
// the engine's Caller of the same numbers has. Commands and results travel
// as fixed-size records over a SOCK_SEQPACKET pair; a call may block, and
// the test observes that in /proc/PID/syscall and interrupts it with a
// signal (EINTR) or kills the process (exit_sem).
#pragma once
#include <sys/types.h>
#include <sys/msg.h>
#include <sys/sem.h>

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

enum class KCall : int { semget, semop, semctl, msgget, msgsnd, msgrcv, msgctl };

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
    void kill_now();   // SIGKILL and reap: exit_sem has run when it returns

private:
    Cred cred_;
    std::uint32_t host_;
    std::uint64_t start_time_;
    pid_t pid_ = -1;
    int fd_ = -1;
};

}  // namespace papers::dipc::enginetest
