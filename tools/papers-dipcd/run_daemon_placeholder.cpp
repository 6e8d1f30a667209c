// run_daemon_placeholder.cpp — TEMPORARY stand-in for the lead engineer's
// run_daemon (daemon_config.hpp), so that launching can be built and tested
// before the real daemon exists. It serves nothing: it opens the Unix
// socket (if configured), listens on the TCP endpoint, writes
// "ready PORT\n" to --ready-fd, logs, and waits for SIGTERM/SIGINT; then it
// removes its socket and exits 0. REPLACE THIS FILE with the real daemon.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include "daemon_config.hpp"

namespace papers::dipcd {

namespace {

FILE* g_log = stderr;
std::string g_name;

void log_line(const std::string& msg) {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
    std::fprintf(g_log, "%s papers-dipcd[%d] %s: %s\n", stamp, static_cast<int>(getpid()),
                 g_name.c_str(), msg.c_str());
    std::fflush(g_log);
}

int fail(const std::string& msg) {
    log_line("error: " + msg);
    return 1;
}

std::string err_text() { return std::strerror(errno); }

// Binds a Unix stream socket at `path`, replacing a stale socket file
// (nobody answering) but never a live daemon's.
int open_unix_socket(const std::string& path, std::string& why) {
    const auto slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0) {
        const std::string dir = path.substr(0, slash);
        if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
            why = "cannot create " + dir + ": " + err_text();
            return -1;
        }
    }
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        why = "socket: " + err_text();
        return -1;
    }
    auto bind_it = [&] { return bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0; };
    bool bound = bind_it();
    if (!bound && errno == EADDRINUSE) {
        const int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const bool live = connect(probe, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        close(probe);
        if (live) {
            why = path + ": another daemon serves it";
            close(fd);
            return -1;
        }
        unlink(path.c_str());  // stale: its daemon is gone
        bound = bind_it();
    }
    if (!bound || listen(fd, 64) != 0) {
        why = "cannot serve " + path + ": " + err_text();
        close(fd);
        return -1;
    }
    chmod(path.c_str(), 0666);  // every local user may call; the daemon checks who
    return fd;
}

int open_tcp_listener(const Endpoint& e, int& port, std::string& why) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* res = nullptr;
    const std::string service = std::to_string(e.port);
    if (int rc = getaddrinfo(e.address.c_str(), service.c_str(), &hints, &res); rc != 0) {
        why = e.address + ": " + gai_strerror(rc);
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 64) != 0) {
        why = "cannot listen on " + e.address + ":" + service + ": " + err_text();
        if (fd >= 0) close(fd);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
    port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    return fd;
}

}  // namespace

int run_daemon(const DaemonConfig& cfg) {
    g_name = cfg.name;
    if (!cfg.log_file.empty()) {
        g_log = std::fopen(cfg.log_file.c_str(), "ae");
        if (!g_log) {
            g_log = stderr;
            return fail("--log " + cfg.log_file + ": " + err_text());
        }
    }
    // Signals are taken synchronously (sigwait), so block them first.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigprocmask(SIG_BLOCK, &stop, nullptr);
    signal(SIGPIPE, SIG_IGN);

    std::string why;
    int unix_fd = -1;
    if (!cfg.socket_path.empty()) {
        unix_fd = open_unix_socket(cfg.socket_path, why);
        if (unix_fd < 0) return fail(why);
    }
    int port = 0;
    const int tcp_fd = open_tcp_listener(cfg.listen, port, why);
    if (tcp_fd < 0) {
        if (unix_fd >= 0) unlink(cfg.socket_path.c_str());
        return fail(why);
    }
    log_line(std::string("PLACEHOLDER daemon (serves nothing): ") +
             (cfg.serve_referee ? "referee, " : "referee at " + cfg.referee.address + ":" +
                                                    std::to_string(cfg.referee.port) + ", ") +
             "listening on " + cfg.listen.address + ":" + std::to_string(port) +
             (cfg.socket_path.empty() ? ", no local socket" : ", socket " + cfg.socket_path));
    if (cfg.ready_fd >= 0) {
        const std::string line = "ready " + std::to_string(port) + "\n";
        if (write(cfg.ready_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            log_line("warning: cannot write to --ready-fd: " + err_text());
        close(cfg.ready_fd);
    }
    int sig = 0;
    sigwait(&stop, &sig);
    log_line(std::string("stopping (") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ")");
    close(tcp_fd);
    if (unix_fd >= 0) {
        close(unix_fd);
        unlink(cfg.socket_path.c_str());
    }
    return 0;
}

}  // namespace papers::dipcd
