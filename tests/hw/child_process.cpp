#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace papers::test {

std::vector<std::string> clean_env(const std::map<std::string, std::string>& set) {
    std::vector<std::string> out;
    for (char** e = environ; *e; ++e) {
        const std::string kv = *e;
        const std::string key = kv.substr(0, kv.find('='));
        if (key.rfind("PAPERS_", 0) == 0 || key == "LD_PRELOAD" || set.count(key)) continue;
        out.push_back(kv);
    }
    for (const auto& [k, v] : set) out.push_back(k + "=" + v);
    return out;
}

Child spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const std::string& output_path, int keep_fd) {
    std::vector<char*> av, ev;
    for (const auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
    av.push_back(nullptr);
    for (const auto& e : env) ev.push_back(const_cast<char*>(e.c_str()));
    ev.push_back(nullptr);
    const int out = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    Child c;
    c.output_path = output_path;
    c.pid = fork();
    if (c.pid == 0) {
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        if (keep_fd >= 0) fcntl(keep_fd, F_SETFD, 0);
        execve(av[0], av.data(), ev.data());
        std::fprintf(stderr, "exec %s: %s\n", av[0], std::strerror(errno));
        _exit(127);
    }
    if (out >= 0) ::close(out);
    return c;
}

std::optional<int> wait_child(pid_t pid, double timeout_s) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    for (;;) {
        int st = 0;
        const pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        if (r < 0) return std::nullopt;
        if (std::chrono::steady_clock::now() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

std::string read_file(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string temp_path(const std::string& stem) {
    static std::atomic<int> n{0};
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/papers-hwtest-" + std::to_string(getpid()) +
           "-" + std::to_string(n++) + "-" + stem;
}

Hubsim::Hubsim(const std::string& exe, int ports, const std::string& mode) {
    static std::atomic<int> n{0};
    name_ = "/papers-hwtest-" + std::to_string(getpid()) + "-" + std::to_string(n++);
    log_ = temp_path("hubsim.log");
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        error_ = "pipe failed";
        return;
    }
    const Child c = spawn({exe, "--name", name_, "--ports", std::to_string(ports), "--mode", mode,
                           "--ready-fd", std::to_string(fds[1])},
                          clean_env({}), log_, fds[1]);
    ::close(fds[1]);
    pid_ = c.pid;
    pollfd p{fds[0], POLLIN, 0};
    char buf[16] = {};
    if (poll(&p, 1, 10000) == 1 && read(fds[0], buf, sizeof buf - 1) > 0 &&
        std::strncmp(buf, "ready", 5) == 0) {
        ok_ = true;
    } else {
        error_ = "papers-hubsim did not become ready: " + read_file(log_);
    }
    ::close(fds[0]);
}

Hubsim::~Hubsim() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        if (!wait_child(pid_, 5.0)) shm_unlink(name_.c_str());
    }
    ::unlink(log_.c_str());
}

std::pair<int, std::string> run_command(const std::vector<std::string>& argv,
                                        const std::map<std::string, std::string>& env,
                                        double timeout_s) {
    const std::string out = temp_path("cmd.log");
    const Child c = spawn(argv, clean_env(env), out);
    const auto rc = wait_child(c.pid, timeout_s);
    std::string text = read_file(out);
    ::unlink(out.c_str());
    return {rc ? *rc : -1, text};
}

}  // namespace papers::test
