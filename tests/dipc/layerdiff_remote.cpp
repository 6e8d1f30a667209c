#include "layerdiff_remote.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace papers::dipc::layerdiff {

using enginetest::KRequest;
using enginetest::KResult;

namespace {

constexpr int kAgentStartMs = 30000;  // a loaded 2-core VM

bool readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    int rc;
    do rc = poll(&p, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    return rc == 1;
}

// Asleep in poll(2) or ppoll(2): /proc/PID/syscall names the call only
// while the task sleeps in it ("running" otherwise).
bool asleep_in_poll(pid_t pid) {
    std::ifstream sc("/proc/" + std::to_string(pid) + "/syscall");
    long nr = -1;
    return (sc >> nr) && (nr == SYS_poll || nr == SYS_ppoll);
}

}  // namespace

RemoteActor::RemoteActor(std::unique_ptr<dipc_test::HostProcess> process, int fd, const AgentHello& hello)
    : process_(std::move(process)), fd_(fd), hello_(hello) {}

RemoteActor::~RemoteActor() {
    if (fd_ >= 0) close(fd_);
}

void RemoteActor::send(const KRequest& q) {
    if (::send(fd_, &q, sizeof q, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof q))
        throw std::runtime_error("agent " + std::to_string(pid()) + ": send: " + std::strerror(errno) + "\n" +
                                 stderr_text());
}

bool RemoteActor::result_ready() const { return readable(fd_, 0); }

bool RemoteActor::receive(KResult& r, int timeout_ms) {
    if (!readable(fd_, timeout_ms)) return false;
    ssize_t n = recv(fd_, &r, sizeof r, 0);
    if (n != static_cast<ssize_t>(sizeof r))
        throw std::runtime_error("agent " + std::to_string(pid()) + " is gone\n" + stderr_text());
    return true;
}

template <class Ready>
bool RemoteActor::wait_until(int timeout_ms, Ready ready) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    auto delay = std::chrono::microseconds(50);
    while (std::chrono::steady_clock::now() < until) {
        if (result_ready() || ready()) return true;
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::microseconds(5000));
    }
    return false;
}

bool RemoteActor::wait_kernel_blocked(int timeout_ms) {
    return wait_until(timeout_ms, [this] { return enginetest::asleep_in_sysv_wait(pid()); });
}

bool RemoteActor::wait_dipc_waiting(int timeout_ms) {
    return wait_until(timeout_ms, [this] { return asleep_in_poll(pid()); });
}

KResult RemoteActor::probe(const KRequest& q, int timeout_ms) {
    send(q);
    KResult r;
    if (!receive(r, timeout_ms))
        throw std::runtime_error("agent " + std::to_string(pid()) + ": no answer to a probe within " +
                                 std::to_string(timeout_ms) + " ms");
    return r;
}

void RemoteActor::interrupt() { kill(pid(), SIGUSR1); }

void RemoteActor::kill_now() {
    process_->signal(SIGKILL);
    process_->wait(30);
}

std::string RemoteActor::stderr_text() {
    process_->wait_for_output("\x01", 0.05);  // reads what is there (no agent prints that)
    return process_->err();
}

AgentListener::AgentListener(const std::string& path) : path_(path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    fd_ = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd_, 16) != 0)
        throw std::runtime_error("cannot listen on " + path + ": " + std::strerror(errno));
    chmod(path.c_str(), 0666);  // agents of every party's uid connect
}

AgentListener::~AgentListener() {
    if (fd_ >= 0) close(fd_);
    unlink(path_.c_str());
}

int AgentListener::accept_agent(AgentHello& hello, int timeout_ms) {
    if (!readable(fd_, timeout_ms)) return -1;
    int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return -1;
    if (!readable(c, timeout_ms) || recv(c, &hello, sizeof hello, 0) != static_cast<ssize_t>(sizeof hello)) {
        close(c);
        return -1;
    }
    return c;
}

std::unique_ptr<RemoteActor> start_agent(dipc_test::DipcCluster& cluster, AgentListener& listener,
                                         const std::string& agent, int host, Role role, int party, int generation,
                                         const enginetest::Cred& cred) {
    static const char* names[] = {"kernel", "dipc", "creator"};
    const char* name = names[static_cast<int>(role)];
    std::vector<std::string> argv{agent,
                                  "actor",
                                  listener.path(),
                                  name,
                                  std::to_string(party),
                                  std::to_string(generation),
                                  std::to_string(cred.euid),
                                  std::to_string(cred.egid)};
    for (std::uint32_t g : cred.groups) argv.push_back(std::to_string(g));
    std::vector<std::string> env;
    if (role == Role::kernel) env.push_back("LD_PRELOAD=");  // nothing between it and the kernel
    auto process = std::make_unique<dipc_test::HostProcess>(cluster.run_on_host(host, argv, env));
    AgentHello hello;
    int fd = listener.accept_agent(hello, kAgentStartMs);
    if (fd < 0) {
        auto r = process->wait(5);
        throw std::runtime_error(std::string("the ") + name + " agent of P" + std::to_string(party) +
                                 " did not connect (exit " + std::to_string(r.exit_code) + "): " + r.err);
    }
    if (hello.role != role || hello.party != party || hello.generation != generation) {
        close(fd);
        throw std::runtime_error("an unexpected agent connected (party " + std::to_string(hello.party) + ")");
    }
    return std::make_unique<RemoteActor>(std::move(process), fd, hello);
}

}  // namespace papers::dipc::layerdiff
