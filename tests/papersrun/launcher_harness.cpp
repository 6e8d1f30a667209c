#include "launcher_harness.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <regex>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace papersrun_test {

double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

Launch::Launch(const std::vector<std::string>& args, const std::vector<std::string>& extra_env) {
    std::vector<std::string> argv_s{PAPERSRUN_EXE};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e)
        if (strncmp(*e, "PAPERS_", 7) != 0) env_s.emplace_back(*e);
    env_s.insert(env_s.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    start_ = now_s();
    pid_ = fork();
    if (pid_ == 0) {
        // papersrun must see the signals a terminal would send, whatever
        // the test runner ignores or blocks.
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGPIPE}) signal(sig, SIG_DFL);
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

Launch::~Launch() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
}

void Launch::pump(int timeout_ms) {
    pollfd p[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (poll(p, 2, timeout_ms) <= 0) return;
    std::pair<int*, std::string*> streams[2] = {{&out_fd_, &out_}, {&err_fd_, &err_}};
    for (int i = 0; i < 2; ++i) {
        if (!p[i].revents) continue;
        char buf[65536];
        ssize_t n = read(*streams[i].first, buf, sizeof buf);
        if (n > 0) {
            streams[i].second->append(buf, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            close(*streams[i].first);
            *streams[i].first = -1;
        }
    }
}

bool Launch::wait_for_stdout(const std::function<bool(const std::string&)>& done, double timeout_s) {
    double until = now_s() + timeout_s;
    while (!done(out_)) {
        if (now_s() >= until || (out_fd_ < 0 && err_fd_ < 0)) return done(out_);
        pump(50);
    }
    return true;
}

void Launch::send_signal(int sig) { kill(pid_, sig); }

Outcome Launch::finish(double timeout_s) {
    Outcome o;
    double until = now_s() + timeout_s;
    while ((out_fd_ >= 0 || err_fd_ >= 0) && now_s() < until) pump(100);
    int st = 0;
    for (;;) {
        pid_t r = waitpid(pid_, &st, WNOHANG);
        if (r == pid_) break;
        if (now_s() >= until) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &st, 0);
            o.seconds = now_s() - start_;
            o.exit_code = -1;
            o.out = out_;
            o.err = err_ + "\n[harness: papersrun did not finish in time; killed]";
            pid_ = -1;
            return o;
        }
        usleep(10000);
    }
    o.seconds = now_s() - start_;
    pid_ = -1;
    o.wait_status = st;
    o.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    o.out = out_;
    o.err = err_;
    return o;
}

Outcome run(const std::vector<std::string>& args, const std::vector<std::string>& extra_env,
            double timeout_s) {
    Launch l(args, extra_env);
    return l.finish(timeout_s);
}

std::vector<pid_t> printed_pids(const std::string& out) {
    std::vector<pid_t> pids;
    static const std::regex re(R"(rank \d+ (pid|child) (\d+))");
    for (std::sregex_iterator it(out.begin(), out.end(), re), end; it != end; ++it)
        pids.push_back(static_cast<pid_t>(std::stol((*it)[2])));
    return pids;
}

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) out.push_back(line);
    return out;
}

int count_lines(const std::string& text, const std::string& needle) {
    int n = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.find(needle) != std::string::npos) ++n;
    return n;
}

bool alive(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; }

std::string job_id_from_verbose(const std::string& err) {
    static const std::regex re(R"(job ([0-9]+-[0-9a-f]+))");
    std::smatch m;
    return std::regex_search(err, m, re) ? m[1].str() : "";
}

std::vector<std::string> shm_objects_of(const std::string& job) {
    std::vector<std::string> found;
    if (job.empty()) return found;
    DIR* d = opendir("/dev/shm");
    if (!d) return found;
    while (dirent* e = readdir(d))
        if (std::string(e->d_name).rfind("papers-" + job, 0) == 0) found.emplace_back(e->d_name);
    closedir(d);
    return found;
}

}  // namespace papersrun_test
