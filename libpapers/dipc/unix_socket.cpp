#include "unix_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "real_system.hpp"

namespace papers::dipc::client::sock {

std::int64_t now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

namespace {

std::string errno_text(const char* what, int err) { return std::string(what) + ": " + std::strerror(err); }

int remaining(std::int64_t deadline_ms) {
    if (deadline_ms < 0) return -1;
    std::int64_t left = deadline_ms - now_ms();
    return left <= 0 ? 0 : static_cast<int>(left);
}

}  // namespace

int connect_unix(const std::string& path, int timeout_ms, std::string& why) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path)) {
        why = "socket path longer than " + std::to_string(sizeof(addr.sun_path) - 1) + " bytes";
        return -1;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        why = errno_text("socket", errno);
        return -1;
    }
    // A Unix connect waits for backlog room up to the send timeout.
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int rc;
    do rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        why = errno_text("connect", errno);
        close(fd);
        return -1;
    }
    return fd;
}

bool send_all(int fd, const std::uint8_t* p, std::size_t n, std::string& why) {
    while (n > 0) {
        ssize_t k = real::send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR) continue;
            why = errno == EAGAIN ? std::string("send: the daemon reads nothing") : errno_text("send", errno);
            return false;
        }
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

namespace {

thread_local const sigset_t* t_caller_mask = nullptr;

}  // namespace

namespace {

sigset_t async_signals() {
    sigset_t async;
    sigfillset(&async);
    for (int s : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS}) sigdelset(&async, s);
    return async;
}

}  // namespace

SignalWindow::SignalWindow() : outer_(t_caller_mask) {
    const sigset_t async = async_signals();
    // The C library's: the layer's own view of the program's mask must not see it.
    blocked_ = real::pthread_sigmask(SIG_BLOCK, &async, &saved_) == 0;
    if (blocked_) t_caller_mask = &saved_;
}

// Only the asynchronous signals this window blocked are let in again: the
// synchronous ones may have been changed meanwhile by the layer itself (the
// shared memory part unblocks SIGSEGV for good at the first shmat).
SignalWindow::~SignalWindow() {
    if (!blocked_) return;
    t_caller_mask = outer_;
    sigset_t reopen = async_signals();
    for (int s = 1; s < NSIG; ++s)
        if (sigismember(&reopen, s) == 1 && sigismember(&saved_, s) == 1) sigdelset(&reopen, s);
    real::pthread_sigmask(SIG_UNBLOCK, &reopen, nullptr);
}

const sigset_t* SignalWindow::caller_mask() { return t_caller_mask; }

Wait wait_readable(int fd, std::int64_t deadline_ms, std::string& why, bool interruptible) {
    pollfd pfd{fd, POLLIN, 0};
    int rc;
    const sigset_t* mask = interruptible ? t_caller_mask : nullptr;
    if (mask) {
        std::int64_t left = remaining(deadline_ms);
        timespec ts{left / 1000, (left % 1000) * 1000000};
        rc = ppoll(&pfd, 1, left < 0 ? nullptr : &ts, mask);
    } else {
        rc = poll(&pfd, 1, remaining(deadline_ms));
    }
    if (rc > 0) {
        if (pfd.revents & POLLNVAL) {
            why = "connection descriptor closed";
            return Wait::failed;
        }
        return Wait::ready;  // POLLIN, POLLHUP, POLLERR: the receive tells which
    }
    if (rc == 0) return Wait::timed_out;
    if (errno == EINTR) return Wait::interrupted;
    why = errno_text(mask ? "ppoll" : "poll", errno);
    return Wait::failed;
}

namespace {

// recv(2) that also takes the descriptors passed with the bytes: the first
// goes to *passed_fd (or is closed when nobody asked), extra ones are closed.
ssize_t recv_with_fd(int fd, std::uint8_t* p, std::size_t n, int* passed_fd) {
    iovec iov{p, n};
    alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t k = real::recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (k < 0) return k;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int got;
            std::memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
            if (passed_fd && *passed_fd == -1) *passed_fd = got;
            else close(got);
        }
    }
    if ((msg.msg_flags & MSG_CTRUNC) && passed_fd && *passed_fd == -1) *passed_fd = kDescriptorLost;
    return k;
}

}  // namespace

std::int64_t recv_at_least(int fd, std::uint8_t* p, std::size_t min, std::size_t max, std::int64_t deadline_ms,
                           std::string& why, int* passed_fd) {
    std::size_t got = 0;
    while (got < min) {
        ssize_t k = recv_with_fd(fd, p + got, max - got, passed_fd);
        if (k > 0) {
            got += static_cast<std::size_t>(k);
            continue;
        }
        if (k == 0) {
            why = "connection closed by the daemon";
            return -1;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            why = errno_text("recv", errno);
            return -1;
        }
        Wait w;
        do w = wait_readable(fd, deadline_ms, why);
        while (w == Wait::interrupted);
        if (w == Wait::timed_out) {
            why = "the daemon stopped in the middle of a message";
            return -1;
        }
        if (w == Wait::failed) return -1;
    }
    return static_cast<std::int64_t>(got);
}

bool recv_exact(int fd, std::uint8_t* p, std::size_t n, std::int64_t deadline_ms, std::string& why, int* passed_fd) {
    return recv_at_least(fd, p, n, n, deadline_ms, why, passed_fd) >= 0;
}

}  // namespace papers::dipc::client::sock
