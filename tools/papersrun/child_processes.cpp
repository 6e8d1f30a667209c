#include "child_processes.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch_error.hpp"
#include "signal_channel.hpp"

namespace papersrun {

std::string errno_text(int err) { return std::strerror(err); }

namespace {

// Everything the child needs, prepared before fork so the child only makes
// system calls.
struct ExecArrays {
    std::vector<char*> argv, envp;
    explicit ExecArrays(const SpawnSpec& s) {
        for (auto& a : s.argv) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        for (auto& e : s.env) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
    }
};

// What a child that could not exec reports on the error pipe.
struct ChildFailure {
    int step = 0;  // NamespaceStep, or 0 for the exec itself
    int err = 0;
};

[[noreturn]] void child_fail(int err_pipe, int err, NamespaceStep step = NamespaceStep::none) {
    const ChildFailure f{static_cast<int>(step), err};
    ssize_t ignored = write(err_pipe, &f, sizeof f);
    (void)ignored;
    _exit(127);
}

[[noreturn]] void run_child(const SpawnSpec& spec, ExecArrays& arrays, pid_t parent, int err_pipe,
                            int devnull, const PreparedNamespaces& namespaces) {
    setpgid(0, 0);
    // Before PR_SET_PDEATHSIG: a credential change may clear that setting.
    NamespaceStep step = NamespaceStep::none;
    if (int err = namespaces.enter(step); err != 0) child_fail(err_pipe, err, step);
    // Die with papersrun, even if it is SIGKILLed; the check closes the race
    // where papersrun died before prctl ran.
    if (prctl(PR_SET_PDEATHSIG, spec.parent_death_signal) != 0 || getppid() != parent)
        child_fail(err_pipe, ESRCH);
    reset_signals_in_child();
    if (dup2(spec.stdin_fd >= 0 ? spec.stdin_fd : devnull, 0) < 0) child_fail(err_pipe, errno);
    if (spec.stdout_fd >= 0 && dup2(spec.stdout_fd, 1) < 0) child_fail(err_pipe, errno);
    if (spec.stderr_fd >= 0 && dup2(spec.stderr_fd, 2) < 0) child_fail(err_pipe, errno);
    if (spec.keep_fd >= 0) {
        int flags = fcntl(spec.keep_fd, F_GETFD);
        if (flags < 0 || fcntl(spec.keep_fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
            child_fail(err_pipe, errno);
    }
    execve(spec.path.c_str(), arrays.argv.data(), arrays.envp.data());
    if (errno == ENOEXEC) {
        // Like execvp: a file without #! is a shell script.
        std::vector<char*> sh_argv{const_cast<char*>("sh"), const_cast<char*>(spec.path.c_str())};
        sh_argv.insert(sh_argv.end(), arrays.argv.begin() + 1, arrays.argv.end());
        execve("/bin/sh", sh_argv.data(), arrays.envp.data());
    }
    child_fail(err_pipe, errno);
}

}  // namespace

pid_t spawn_process(const SpawnSpec& spec) {
    ExecArrays arrays(spec);
    PreparedNamespaces namespaces(spec.namespaces);
    int err_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) != 0)
        throw LaunchError(kExitLaunchFailure, "pipe: " + errno_text(errno));
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) {
        int e = errno;
        close(err_pipe[0]);
        close(err_pipe[1]);
        throw LaunchError(kExitLaunchFailure, "/dev/null: " + errno_text(e));
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(err_pipe[0]);
        run_child(spec, arrays, parent, err_pipe[1], devnull, namespaces);
    }
    int fork_errno = errno;
    close(err_pipe[1]);
    close(devnull);
    if (pid < 0) {
        close(err_pipe[0]);
        throw LaunchError(kExitLaunchFailure, "fork: " + errno_text(fork_errno));
    }
    setpgid(pid, pid);  // also here, so the group exists before we signal it

    // The error pipe closes on a successful exec (O_CLOEXEC) or carries a ChildFailure.
    ChildFailure failure;
    pollfd p{err_pipe[0], POLLIN, 0};
    int ready = poll(&p, 1, 10000);
    ssize_t n = ready > 0 ? read(err_pipe[0], &failure, sizeof failure) : -1;
    close(err_pipe[0]);
    if (n == 0) return pid;
    if (ready == 0) failure = {0, ETIMEDOUT};
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    const auto step = static_cast<NamespaceStep>(failure.step);
    if (step != NamespaceStep::none)
        throw LaunchError(kExitLaunchFailure,
                          spec.path + ": " + describe_namespace_failure(step, failure.err,
                                                                        spec.namespaces.netns_path));
    throw LaunchError(kExitLaunchFailure,
                      "cannot execute " + spec.path + ": " + errno_text(failure.err));
}

std::string describe_status(int st) {
    if (WIFEXITED(st)) return "exited with status " + std::to_string(WEXITSTATUS(st));
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        const char* name = strsignal(sig);
        return "was killed by signal " + std::to_string(sig) + " (" + (name ? name : "?") + ")";
    }
    return "ended with wait status " + std::to_string(st);
}

int exit_code_of(int st) {
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return 1;
}

void ProcessTable::add(pid_t pid, std::string label) { entries_[pid].label = std::move(label); }

std::vector<pid_t> ProcessTable::reap() {
    std::vector<pid_t> done;
    for (;;) {
        int st = 0;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid < 0 && errno == EINTR) continue;
        if (pid <= 0) break;
        Entry& e = entries_[pid];  // adopted orphans get an entry too
        e.exited = true;
        e.status = st;
        done.push_back(pid);
    }
    return done;
}

bool ProcessTable::exited(pid_t pid) const {
    auto it = entries_.find(pid);
    return it != entries_.end() && it->second.exited;
}

int ProcessTable::status(pid_t pid) const {
    auto it = entries_.find(pid);
    return it == entries_.end() ? 0 : it->second.status;
}

bool ProcessTable::wait_exit(const std::vector<pid_t>& pids,
                             std::chrono::steady_clock::time_point deadline,
                             SignalChannel& signals, std::vector<int>& stop_signals) {
    using namespace std::chrono;
    for (;;) {
        reap();
        if (std::all_of(pids.begin(), pids.end(), [&](pid_t p) { return exited(p); })) return true;
        auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
        if (left <= 0) return false;
        pollfd p{signals.fd(), POLLIN, 0};
        poll(&p, 1, static_cast<int>(std::min<long long>(left + 1, 1000)));
        for (int s : signals.drain())
            if (SignalChannel::is_stop_request(s)) stop_signals.push_back(s);
    }
}

std::vector<pid_t> live_children(const std::vector<pid_t>& except) {
    std::vector<pid_t> out;
    // papersrun is single-threaded, so its only task lists all its children.
    std::ifstream f("/proc/self/task/" + std::to_string(getpid()) + "/children");
    pid_t pid;
    while (f >> pid)
        if (std::find(except.begin(), except.end(), pid) == except.end()) out.push_back(pid);
    return out;
}

void become_subreaper() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

}  // namespace papersrun
