#include "launch_processes.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace launch_test {

namespace {

double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Running::Running(const std::vector<std::string>& argv_s, const std::vector<std::string>& extra_env) {
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e)
        if (strncmp(*e, "PAPERS_", 7) != 0 && strncmp(*e, "LD_PRELOAD=", 11) != 0) env_s.emplace_back(*e);
    env_s.insert(env_s.end(), extra_env.begin(), extra_env.end());
    std::vector<std::string> args = argv_s;
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
        // The program must see the signals a terminal would send, whatever the runner ignores.
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGPIPE}) ::signal(sig, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        dup2(out[1], 1);
        dup2(err[1], 2);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
}

Running::~Running() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    for (int fd : {out_fd_, err_fd_})
        if (fd >= 0) close(fd);
}

void Running::pump(int timeout_ms) {
    pollfd p[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (poll(p, 2, timeout_ms) <= 0) return;
    std::pair<int*, std::string*> streams[2] = {{&out_fd_, &out_}, {&err_fd_, &err_}};
    for (int i = 0; i < 2; ++i) {
        if (!p[i].revents) continue;
        char buf[65536];
        const ssize_t n = read(*streams[i].first, buf, sizeof buf);
        if (n > 0) {
            streams[i].second->append(buf, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            close(*streams[i].first);
            *streams[i].first = -1;
        }
    }
}

bool Running::wait_for_stdout(const std::string& needle, int wanted, double timeout_s) {
    const double until = now_s() + timeout_s;
    while (count(out_, needle) < wanted) {
        if ((out_fd_ < 0 && err_fd_ < 0) || now_s() >= until) return false;
        pump(50);
    }
    return true;
}

void Running::signal(int sig) {
    if (pid_ > 0) kill(pid_, sig);
}

Outcome Running::finish(double timeout_s) {
    const double until = now_s() + timeout_s;
    Outcome o;
    while ((out_fd_ >= 0 || err_fd_ >= 0) && now_s() < until) pump(100);
    int st = 0;
    for (;;) {
        if (waitpid(pid_, &st, WNOHANG) == pid_) {
            o.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            break;
        }
        if (now_s() >= until) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &st, 0);
            break;
        }
        usleep(10000);
    }
    pid_ = -1;
    o.out = out_;
    o.err = err_;
    return o;
}

Outcome run(const std::vector<std::string>& argv, const std::vector<std::string>& env, double timeout_s) {
    Running r(argv, env);
    return r.finish(timeout_s);
}

int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + needle.size())) ++n;
    return n;
}

std::string job_id_from(const std::string& err) {
    std::smatch m;
    static const std::regex re("job ([0-9]+-[0-9a-f]{8})");
    return std::regex_search(err, m, re) ? m[1].str() : "";
}

std::vector<pid_t> processes_mentioning(const std::string& text) {
    std::vector<pid_t> found;
    DIR* d = opendir("/proc");
    if (!d) return found;
    while (dirent* e = readdir(d)) {
        const pid_t pid = static_cast<pid_t>(atoi(e->d_name));
        if (pid <= 0 || pid == getpid()) continue;
        std::ifstream in("/proc/" + std::string(e->d_name) + "/cmdline");
        std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (cmd.find(text) != std::string::npos) found.push_back(pid);
    }
    closedir(d);
    return found;
}

std::vector<std::string> entries_containing(const std::string& dir, const std::string& text) {
    std::vector<std::string> found;
    DIR* d = opendir(dir.c_str());
    if (!d) return found;
    while (dirent* e = readdir(d))
        if (std::string(e->d_name).find(text) != std::string::npos) found.push_back(dir + "/" + e->d_name);
    closedir(d);
    return found;
}

std::map<int, std::map<std::string, std::string>> probe_lines(const std::string& out) {
    std::map<int, std::map<std::string, std::string>> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("probe rank=", 0) != 0 || line.find(" sleeping") != std::string::npos) continue;
        std::map<std::string, std::string> kv;
        std::istringstream words(line.substr(6));
        for (std::string w; words >> w;) {
            const auto eq = w.find('=');
            if (eq != std::string::npos) kv[w.substr(0, eq)] = w.substr(eq + 1);
        }
        lines[std::stoi(kv["rank"])] = kv;
    }
    return lines;
}

std::string own_namespace(const std::string& which) {
    char buf[64] = {};
    const ssize_t n = readlink(("/proc/self/ns/" + which).c_str(), buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

}  // namespace launch_test
