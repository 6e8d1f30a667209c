// engine_actor.hpp — a process that makes System V calls on the kernel for
// the owner engine's tests: its own pid, credentials, SEM_UNDO list and
// shared memory attachments, as the engine's Caller of the same numbers
// has. Commands and results travel as fixed-size records over a
// SOCK_SEQPACKET pair; a call may block, and the test observes that in
// /proc/PID/syscall and interrupts it with a signal (EINTR) or kills the
// process (exit_sem, and the kernel's detach of every attachment).
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine_call.hpp"
#include "proto/messages.hpp"

namespace papers::dipc::enginetest {

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
