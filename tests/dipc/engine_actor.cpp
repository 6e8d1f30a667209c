#include "engine_actor.hpp"

#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace papers::dipc::enginetest {

namespace {

void on_signal(int) {}

// The actor's shmat addresses; results name them by slot.
std::vector<void*> attached;
int command_fd = -1;

// A child that holds copies of the actor's attachments until it is killed.
[[noreturn]] void child_main(pid_t actor) {
    close(command_fd);  // the actor's end: its death must stay visible to the test
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != actor) _exit(0);
    for (;;) pause();
}

// Shared memory and fork are this actor's own (their state lives in the
// process); semaphore and message calls are engine_call.hpp's.
void run(const KRequest& q, KResult& r) {
    errno = 0;
    switch (q.call) {
        case KCall::shmget: r.ret = shmget(q.key, q.size, q.flags); break;
        case KCall::shmat: {
            void* a = shmat(q.id, nullptr, q.flags);
            if (a == reinterpret_cast<void*>(-1)) {
                r.ret = -1;
            } else {
                attached.push_back(a);
                r.ret = static_cast<long>(attached.size() - 1);
            }
            break;
        }
        case KCall::shmdt: {
            void* a = q.slot >= 0 && q.slot < static_cast<int>(attached.size()) ? attached[q.slot] : nullptr;
            r.ret = shmdt(a);
            if (r.ret == 0) attached[q.slot] = nullptr;
            break;
        }
        case KCall::shmctl: {
            void* buf = &r.shm_ds;
            if (q.cmd == IPC_INFO) buf = &r.shm_limits;
            if (q.cmd == SHM_INFO) buf = &r.shm_usage;
            if (q.cmd == IPC_SET) {
                r.shm_ds.shm_perm.uid = q.uid;
                r.shm_ds.shm_perm.gid = q.gid;
                r.shm_ds.shm_perm.mode = static_cast<unsigned short>(q.mode);
            }
            r.ret = shmctl(q.id, q.cmd, static_cast<struct shmid_ds*>(buf));
            break;
        }
        case KCall::fork: {
            pid_t self = getpid();
            pid_t c = ::fork();
            if (c == 0) child_main(self);
            r.ret = c;
            break;
        }
        default: return run_call(libc_sysv(), q, r);
    }
    r.err = r.ret < 0 ? errno : 0;
}

[[noreturn]] void actor_main(int fd, const Cred& cred, pid_t parent) {
    command_fd = fd;
    struct sigaction sa = {};
    sa.sa_handler = on_signal;  // no SA_RESTART (SysV calls never restart anyway)
    sigaction(SIGUSR1, &sa, nullptr);
    signal(SIGCHLD, SIG_IGN);  // forked children are reaped by the kernel
    std::vector<gid_t> groups(cred.groups.begin(), cred.groups.end());
    if (setgroups(groups.size(), groups.data()) != 0 || setresgid(cred.egid, cred.egid, cred.egid) != 0 ||
        setresuid(cred.euid, cred.euid, cred.euid) != 0)
        _exit(120);
    // After the credential change, which clears it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(121);
    for (;;) {
        KRequest q;
        ssize_t n = recv(fd, &q, sizeof q, 0);
        if (n != static_cast<ssize_t>(sizeof q)) _exit(0);
        auto* r = new KResult();  // large: not on the stack of every loop
        run(q, *r);
        ssize_t w = send(fd, r, sizeof *r, MSG_NOSIGNAL);
        delete r;
        if (w != static_cast<ssize_t>(sizeof(KResult))) _exit(0);
    }
}

}  // namespace

Actor::Actor(const Cred& cred, std::uint32_t host, std::uint64_t start_time)
    : cred_(cred), host_(host), start_time_(start_time) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        throw std::runtime_error(std::string("socketpair: ") + strerror(errno));
    int sz = 4 * static_cast<int>(sizeof(KResult));
    setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
    if (pid == 0) {
        close(sv[0]);
        actor_main(sv[1], cred, parent);
    }
    close(sv[1]);
    pid_ = pid;
    fd_ = sv[0];
}

Actor::~Actor() {
    if (pid_ > 0) kill_now();
    if (fd_ >= 0) close(fd_);
}

proto::Caller Actor::caller() const {
    proto::Caller c;
    c.host = host_;
    c.pid = pid_;
    c.start_time = start_time_;
    c.euid = cred_.euid;
    c.egid = cred_.egid;
    c.groups = cred_.groups;
    return c;
}

void Actor::send(const KRequest& req) {
    if (::send(fd_, &req, sizeof req, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof req))
        throw std::runtime_error("actor " + std::to_string(pid_) + ": send failed: " + strerror(errno));
}

bool Actor::result_ready() const {
    struct pollfd p = {fd_, POLLIN, 0};
    return poll(&p, 1, 0) == 1;
}

bool Actor::receive(KResult& res, int timeout_ms) {
    struct pollfd p = {fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) != 1) return false;
    ssize_t n = recv(fd_, &res, sizeof res, 0);
    if (n != static_cast<ssize_t>(sizeof res))
        throw std::runtime_error("actor " + std::to_string(pid_) + " died (exit status in waitpid)");
    return true;
}

bool Actor::wait_blocked(int timeout_ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    auto delay = std::chrono::microseconds(50);
    while (std::chrono::steady_clock::now() < until) {
        if (result_ready() || asleep_in_sysv_wait(pid_)) return true;
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::microseconds(5000));
    }
    return false;
}

void Actor::interrupt() { ::kill(pid_, SIGUSR1); }

// A pidfd becomes readable when the process has exited: its mm, and with it
// every shm attachment, is gone by then (exit_mm precedes exit_notify).
bool Actor::end_child(pid_t child) {
    int fd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
    if (fd < 0) return errno == ESRCH;  // already gone
    syscall(SYS_pidfd_send_signal, fd, SIGKILL, nullptr, 0);
    struct pollfd p = {fd, POLLIN, 0};
    int n;
    while ((n = poll(&p, 1, 10000)) < 0 && errno == EINTR) {
    }
    close(fd);
    return n == 1;
}

void Actor::kill_now() {
    ::kill(pid_, SIGKILL);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

}  // namespace papers::dipc::enginetest
