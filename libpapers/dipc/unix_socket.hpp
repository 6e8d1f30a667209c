// unix_socket.hpp — the raw socket calls of the daemon link, apart from the
// protocol: connect with a bound, whole sends, waits that report signals,
// whole receives with a deadline. Failures come back as a short reason for
// the one stderr line (decision 11). The C library's send/recvmsg are
// called directly: the layer's own buffers never lie in a segment.
#pragma once
#include <cstddef>
#include <cstdint>
#include <signal.h>

#include <string>

namespace papers::dipc::client::sock {

// CLOCK_MONOTONIC in milliseconds.
std::int64_t now_ms();

// A connected SOCK_STREAM|SOCK_CLOEXEC Unix socket, or -1 (why says why).
// Connecting waits at most timeout_ms for room in the daemon's backlog.
int connect_unix(const std::string& path, int timeout_ms, std::string& why);

// Sends all n bytes (MSG_NOSIGNAL: a dead daemon is an error, not SIGPIPE).
bool send_all(int fd, const std::uint8_t* p, std::size_t n, std::string& why);

// While a DIPC call runs, the calling thread's asynchronous signals are
// blocked (a SignalWindow lives as long as the call); only the waits of a
// call that may block at the owner let them in (ppoll with the caller's
// mask). So a signal that comes at any moment of the call — while it asks
// where an id lives, while it reads a heartbeat, between its send and its
// wait — interrupts the wait and cancels the call, as the kernel's semop
// sees a signal pending before it sleeps; one that comes in a part that
// cannot be cancelled is delivered when the call returns. Synchronous
// signals (SIGSEGV, SIGBUS, ...) are never blocked.
class SignalWindow {
public:
    SignalWindow();
    ~SignalWindow();
    SignalWindow(const SignalWindow&) = delete;
    SignalWindow& operator=(const SignalWindow&) = delete;
    // The mask the thread had when the innermost call began; null outside calls.
    static const sigset_t* caller_mask();

private:
    sigset_t saved_;
    const sigset_t* outer_;
    bool blocked_ = false;
};

enum class Wait { ready, interrupted, timed_out, failed };
// Waits until fd has something to read (or the peer hung up, which the
// following receive reports). deadline_ms < 0 waits forever. With
// `interruptible` (a cancellable call's wait), a signal handler that ran
// makes it return `interrupted` (ppoll(2) is never restarted, whatever
// SA_RESTART says); otherwise signals wait for the call's end.
Wait wait_readable(int fd, std::int64_t deadline_ms, std::string& why, bool interruptible = false);

// Receives exactly n bytes by deadline_ms (signals do not cut it short).
// A descriptor the peer passed with these bytes (SCM_RIGHTS, close-on-exec)
// goes to *passed_fd when asked for (kDescriptorLost if it could not be
// received: no room in the descriptor table), else it is closed.
constexpr int kDescriptorLost = -2;
bool recv_exact(int fd, std::uint8_t* p, std::size_t n, std::int64_t deadline_ms, std::string& why,
                int* passed_fd = nullptr);
// Receives at least `min` and at most `max` bytes by deadline_ms: one
// recvmsg(2) when they are there already (a whole frame and the next ones'
// beginnings in one system call). The count received, or -1 (why says why).
// Descriptors as recv_exact.
std::int64_t recv_at_least(int fd, std::uint8_t* p, std::size_t min, std::size_t max, std::int64_t deadline_ms,
                           std::string& why, int* passed_fd = nullptr);

}  // namespace papers::dipc::client::sock
