// unix_socket.hpp — the raw socket calls of the daemon link, apart from the
// protocol: connect with a bound, whole sends, waits that report signals,
// whole receives with a deadline. Failures come back as a short reason for
// the one stderr line (decision 11). The C library's send/recvmsg are
// called directly: the layer's own buffers never lie in a segment.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace papers::dipc::client::sock {

// CLOCK_MONOTONIC in milliseconds.
std::int64_t now_ms();

// A connected SOCK_STREAM|SOCK_CLOEXEC Unix socket, or -1 (why says why).
// Connecting waits at most timeout_ms for room in the daemon's backlog.
int connect_unix(const std::string& path, int timeout_ms, std::string& why);

// Sends all n bytes (MSG_NOSIGNAL: a dead daemon is an error, not SIGPIPE).
bool send_all(int fd, const std::uint8_t* p, std::size_t n, std::string& why);

enum class Wait { ready, interrupted, timed_out, failed };
// Waits until fd has something to read (or the peer hung up, which the
// following receive reports). deadline_ms < 0 waits forever. A signal
// handler that ran makes it return `interrupted` (poll(2) is never
// restarted, whatever SA_RESTART says).
Wait wait_readable(int fd, std::int64_t deadline_ms, std::string& why);

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
