// test_support.cpp — see test_support.hpp.
#include "test_support.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ioperm_test {

TempDir::TempDir() {
    char tmpl[] = "/tmp/papers-ioperm-test-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    path_ = tmpl;
    ::chmod(path_.c_str(), 0755);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void write_file(const std::string& path, const std::string& text, mode_t mode) {
    {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        if (!f) throw std::runtime_error("cannot write " + path);
        f << text;
    }
    if (::chmod(path.c_str(), mode) != 0) throw std::runtime_error("chmod " + path);
}

void copy_file(const std::string& from, const std::string& to, mode_t mode) {
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
    if (::chmod(to.c_str(), mode) != 0) throw std::runtime_error("chmod " + to);
}

bool is_root() { return ::geteuid() == 0; }

RunResult run_program(const std::vector<std::string>& argv, const RunAs& as,
                      const std::vector<std::string>& env, double timeout_s, bool empty_argv) {
    RunResult res;
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork");
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        if (as.change_ids) {
            if (::setgroups(as.groups.size(), as.groups.data()) != 0 ||
                ::setresgid(as.gid, as.gid, as.gid) != 0 || ::setresuid(as.uid, as.uid, as.uid) != 0) {
                ::perror("test: cannot switch ids");
                ::_exit(120);
            }
        }
        std::vector<char*> args, envp;
        if (!empty_argv)
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
        ::execve(argv[0].c_str(), args.data(), envp.data());
        ::perror("test: execve");
        ::_exit(121);
    }
    ::close(out[1]);
    ::close(err[1]);

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            res.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        if (::poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                (i == 0 ? res.out : res.err).append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status) && !res.timed_out) res.exit_code = WEXITSTATUS(status);

    std::istringstream lines(res.out);
    std::string line;
    while (std::getline(lines, line)) {
        const auto sp = line.find(' ');
        if (sp != std::string::npos) res.fields[line.substr(0, sp)] = line.substr(sp + 1);
    }
    return res;
}

}  // namespace ioperm_test
