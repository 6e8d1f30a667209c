#include "client_dsm_test_support.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "client_test_support.hpp"

namespace papers::dipc::test {

ChildOutcome run_in_child(const std::function<void()>& body, int timeout_ms) {
    char name[] = "/tmp/dipc-dsm-stderr-XXXXXX";
    int errfd = mkstemp(name);
    unlink(name);
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(errfd, 2);
        struct rlimit no_core {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        body();
        std::fflush(stdout);
        _exit(::testing::Test::HasFailure() ? 1 : 0);
    }
    ChildOutcome out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        pid_t r = waitpid(pid, &out.status, WNOHANG);
        if (r == pid) break;
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &out.status, 0);
            out.err += "[the child was killed after " + std::to_string(timeout_ms) + " ms]\n";
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    lseek(errfd, 0, SEEK_SET);
    char buf[4096];
    ssize_t k;
    while ((k = read(errfd, buf, sizeof buf)) > 0) out.err.append(buf, static_cast<std::size_t>(k));
    close(errfd);
    return out;
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("killed by ") + strsignal(WTERMSIG(status));
    return "status " + std::to_string(status);
}

DsmEnv::DsmEnv() {
    setenv("PAPERS_DIPC_SOCKET", fake.path().c_str(), 1);
    unsetenv("PAPERS_DIPC_KEYS");
    reset_client();
}

DsmEnv::~DsmEnv() = default;

std::uint8_t* DsmEnv::attach(std::uint64_t size, int flags, std::uint64_t unit_bytes, std::int32_t shmid) {
    host = fake.add_segment(shmid, size, unit_bytes);
    void* p = shmat(shmid, nullptr, flags);
    EXPECT_NE(p, reinterpret_cast<void*>(-1)) << std::strerror(errno);
    return static_cast<std::uint8_t*>(p);
}

std::string real_prot(const void* p) {
    std::string perms = real_perms(p);
    return perms == "unmapped" ? perms : perms.substr(0, 2);
}

std::string real_perms(const void* p) {
    auto a = reinterpret_cast<std::uintptr_t>(p);
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        std::istringstream in(line);
        std::string range, perms;
        in >> range >> perms;
        auto dash = range.find('-');
        std::uintptr_t lo = std::stoull(range.substr(0, dash), nullptr, 16);
        std::uintptr_t hi = std::stoull(range.substr(dash + 1), nullptr, 16);
        if (a >= lo && a < hi) return perms.substr(0, 3);
    }
    return "unmapped";
}

std::vector<std::pair<std::uint64_t, bool>> faults(const FakeShmDaemon& fake) {
    std::vector<std::pair<std::uint64_t, bool>> out;
    for (const Request& r : fake.requests(proto::Op::fault)) {
        auto f = r.as<proto::FaultReq>();
        out.push_back({f.unit, f.write});
    }
    return out;
}

}  // namespace papers::dipc::test
