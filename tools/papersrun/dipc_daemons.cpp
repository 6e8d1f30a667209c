#include "dipc_daemons.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>

#include "child_processes.hpp"
#include "launch_error.hpp"
#include "program_path.hpp"
#include "signal_channel.hpp"
#include "udp_launch.hpp"

extern char** environ;

namespace papersrun {

namespace {

using Clock = std::chrono::steady_clock;

int ms_until(Deadline t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
    return ms < 0 ? 0 : static_cast<int>(std::min<long long>(ms + 1, 1000000));
}

void close_fd(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
}

std::string seconds_text(double s) {
    std::ostringstream o;
    o << s;
    return o.str();
}

std::string ssh_program(std::string& name) {
    const char* var = getenv("PAPERS_SSH");
    name = var && *var ? var : "ssh";
    std::string why;
    const char* path_var = getenv("PATH");
    return find_program(name, path_var ? path_var : "", why);
}

// "ready PORT\n" with 1 <= PORT <= 65535 (0 means it did not bind).
bool parse_ready_line(const std::string& text, int& port) {
    const auto nl = text.find('\n');
    if (nl == std::string::npos) return false;
    const std::string line = text.substr(0, nl);
    if (line.rfind("ready ", 0) != 0) return false;
    const std::string digits = line.substr(6);
    if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
        return false;
    port = std::stoi(digits);
    return port >= 1 && port <= 65535;
}

}  // namespace

Deadline deadline_after(double seconds) {
    return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// ---- child watches ------------------------------------------------------------

bool JobChildWatch::exited(pid_t pid) {
    processes_.reap();
    return processes_.exited(pid);
}

int JobChildWatch::status(pid_t pid) { return processes_.status(pid); }

bool JobChildWatch::wait_exit(const std::vector<pid_t>& pids, Deadline deadline) {
    std::vector<int> stops;  // we are already stopping: a second Ctrl-C changes nothing
    return processes_.wait_exit(pids, deadline, signals_, stops);
}

int JobChildWatch::wake_fd() { return signals_.fd(); }

void JobChildWatch::on_wake() {
    for (int sig : signals_.drain())
        if (SignalChannel::is_stop_request(sig)) throw Interrupted(sig);
    processes_.reap();
}

bool DirectChildWatch::exited(pid_t pid) {
    if (pid <= 0) return true;  // never started (waitpid(-1) would take any child)
    for (const auto& [p, st] : reaped_)
        if (p == pid) return true;
    int st = 0;
    pid_t r;
    do r = waitpid(pid, &st, WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == pid) {
        reaped_.emplace_back(pid, st);
        return true;
    }
    return r < 0 && errno == ECHILD;  // not ours (or reaped elsewhere): gone for us
}

int DirectChildWatch::status(pid_t pid) {
    for (const auto& [p, st] : reaped_)
        if (p == pid) return st;
    return 0;
}

bool DirectChildWatch::wait_exit(const std::vector<pid_t>& pids, Deadline deadline) {
    for (;;) {
        if (std::all_of(pids.begin(), pids.end(), [&](pid_t p) { return exited(p); })) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

// ---- starting -------------------------------------------------------------------

std::string remote_daemon_script(const std::string& dipcd, const std::vector<std::string>& args,
                                 const std::string& dir) {
    std::string cmd = shell_quote(dipcd);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    // fd 3 = ssh's stdout (the ready line), fd 4 = ssh's stdin (the key, then
    // EOF when papersrun lets go); the script's own output goes to the log.
    // An asynchronous list reads /dev/null unless redirected, hence fd 4.
    return "umask 077; d=" + shell_quote(dir) +
           "; mkdir \"$d\" || exit 1; "
           "IFS= read -r k || { rmdir \"$d\"; exit 1; }; "
           "printf '%s\\n' \"$k\" > \"$d/key\"; k=; "
           "exec 3>&1 1>&2 4<&0 0</dev/null; " +
           cmd +
           " --key-file \"$d/key\" --ready-fd 3 4<&- & "
           "p=$!; exec 3>&-; "
           "{ while IFS= read -r l; do :; done <&4; kill -TERM $p 2>/dev/null; } >/dev/null 2>&1 & "
           "w=$!; exec 4<&-; "
           "trap 'kill -TERM $p 2>/dev/null' HUP INT TERM; "
           "while :; do wait $p; s=$?; kill -0 $p 2>/dev/null || break; done; "
           "kill $w 2>/dev/null; rm -rf \"$d\"; exit $s";
}

Daemon start_daemon(const DaemonSpec& spec) {
    Daemon d;
    d.label = spec.label;
    d.log_path = spec.log_path;
    const int log = open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log < 0)
        throw LaunchError(kExitLaunchFailure, "papers-dipcd " + spec.label + ": cannot open its log " +
                                                  spec.log_path + ": " + errno_text(errno));
    int ready[2] = {-1, -1}, in[2] = {-1, -1};
    auto close_all = [&] {
        for (int* fd : {&ready[0], &ready[1], &in[0], &in[1]}) close_fd(*fd);
        close(log);
    };
    if (pipe2(ready, O_CLOEXEC) != 0) {
        close_all();
        throw LaunchError(kExitLaunchFailure, "pipe: " + errno_text(errno));
    }
    SpawnSpec s;
    s.env = spec.env;
    s.stderr_fd = log;
    // SIGTERM, not SIGKILL: if the launcher dies, the daemon still removes its socket.
    s.parent_death_signal = SIGTERM;
    if (spec.remote_host.empty()) {
        s.path = spec.dipcd;
        s.argv = {spec.dipcd};
        s.argv.insert(s.argv.end(), spec.args.begin(), spec.args.end());
        s.argv.push_back("--ready-fd");
        s.argv.push_back(std::to_string(ready[1]));
        s.keep_fd = ready[1];
        s.stdout_fd = log;
        s.namespaces.netns_path = spec.netns_path;
    } else {
        std::string ssh_name;
        s.path = ssh_program(ssh_name);
        if (s.path.empty()) {
            close_all();
            throw LaunchError(kExitLaunchFailure, "papers-dipcd " + spec.label + " runs on " +
                                                      spec.remote_host + ", but '" + ssh_name +
                                                      "' cannot be run");
        }
        // "--": nothing after it is an option, whatever the host list says (hosts are
        // validated too, issue 15 finding 6).
        s.argv = {ssh_name, "-o", "BatchMode=yes", "--", spec.remote_host,
                  remote_daemon_script(spec.dipcd, spec.args, spec.remote_dir)};
        s.stdout_fd = ready[1];
        // The key goes first on ssh's stdin; the pipe stays open (in[1]) as
        // the remote daemon's lifeline.
        if (pipe2(in, O_CLOEXEC) != 0) {
            close_all();
            throw LaunchError(kExitLaunchFailure, "pipe: " + errno_text(errno));
        }
        const std::string line = spec.key_text + "\n";
        if (write(in[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
            close_all();
            throw LaunchError(kExitLaunchFailure, "cannot pass the key to ssh for " + spec.label);
        }
        s.stdin_fd = in[0];
    }
    try {
        d.pid = spawn_process(s);
    } catch (...) {
        close_all();
        throw;
    }
    close_fd(ready[1]);  // now only the daemon (or ssh) holds it: EOF means it is gone
    close_fd(in[0]);
    close(log);
    d.ready_fd = ready[0];
    d.stdin_fd = in[1];
    return d;
}

void await_ready(const std::vector<Daemon*>& daemons, double timeout_s, const std::string& timeout_option,
                 ChildWatch& watch) {
    const Deadline deadline = deadline_after(timeout_s);
    for (;;) {
        std::vector<pollfd> fds;
        std::vector<Daemon*> waiting;
        for (Daemon* d : daemons)
            if (!d->ready && d->ready_fd >= 0) {
                fds.push_back({d->ready_fd, POLLIN, 0});
                waiting.push_back(d);
            }
        if (waiting.empty()) return;
        const int wake = watch.wake_fd();
        if (wake >= 0) fds.push_back({wake, POLLIN, 0});
        const int wait_ms = ms_until(deadline);
        if (wait_ms == 0)
            throw LaunchError(kExitLaunchFailure,
                              "papers-dipcd " + waiting.front()->label + " did not report ready within " +
                                  seconds_text(timeout_s) + " s (" + timeout_option + ")" +
                                  (waiting.size() > 1 ? "; nor did " + std::to_string(waiting.size() - 1) +
                                                            " other daemon(s)"
                                                      : ""));
        if (poll(fds.data(), fds.size(), wait_ms) < 0 && errno != EINTR)
            throw LaunchError(kExitLaunchFailure, "poll: " + errno_text(errno));
        for (std::size_t i = 0; i < waiting.size(); ++i) {
            if (!fds[i].revents) continue;
            Daemon& d = *waiting[i];
            char buf[128];
            const ssize_t n = read(d.ready_fd, buf, sizeof buf);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n > 0) {
                d.ready_text.append(buf, static_cast<std::size_t>(n));
                const bool line_done = d.ready_text.find('\n') != std::string::npos;
                if (!line_done && d.ready_text.size() < 64) continue;
                if (!line_done || !parse_ready_line(d.ready_text, d.port))
                    throw LaunchError(kExitLaunchFailure, "papers-dipcd " + d.label + " wrote '" +
                                                              d.ready_text.substr(0, d.ready_text.find('\n')) +
                                                              "' instead of 'ready PORT'");
                d.ready = true;
                close_fd(d.ready_fd);
                continue;
            }
            // EOF before the ready line: it exited, or closed the pipe.
            close_fd(d.ready_fd);
            if (watch.wait_exit({d.pid}, deadline_after(2.0)))
                throw LaunchError(kExitLaunchFailure, "papers-dipcd " + d.label + " " +
                                                          describe_status(watch.status(d.pid)) +
                                                          " before it was ready");
            throw LaunchError(kExitLaunchFailure,
                              "papers-dipcd " + d.label + " closed its ready pipe without writing 'ready PORT'");
        }
        if (wake >= 0 && fds.back().revents) watch.on_wake();
    }
}

bool stop_daemons(const std::vector<Daemon*>& daemons, double grace_s, ChildWatch& watch) {
    std::vector<pid_t> live;
    for (Daemon* d : daemons) {
        close_fd(d->ready_fd);
        if (d->pid <= 0 || watch.exited(d->pid)) {
            close_fd(d->stdin_fd);
            continue;
        }
        live.push_back(d->pid);
        if (d->stdin_fd >= 0)
            close_fd(d->stdin_fd);  // over ssh: EOF tells the remote side to stop and clean up
        else
            kill(d->pid, SIGTERM);
    }
    if (live.empty() || watch.wait_exit(live, deadline_after(grace_s))) return true;
    for (int sig : {SIGTERM, SIGKILL}) {
        for (pid_t pid : live)
            if (!watch.exited(pid)) kill(pid, sig);
        if (watch.wait_exit(live, deadline_after(1.0))) return true;
    }
    return false;
}

void generate_cluster_key(const std::string& dipcd, const std::string& path, ChildWatch& watch) {
    int err[2];
    if (pipe2(err, O_CLOEXEC) != 0) throw LaunchError(kExitLaunchFailure, "pipe: " + errno_text(errno));
    SpawnSpec s;
    s.path = dipcd;
    s.argv = {dipcd, "--gen-key", path};
    for (char** e = environ; e && *e; ++e) s.env.emplace_back(*e);
    s.stdout_fd = err[1];
    s.stderr_fd = err[1];
    pid_t pid = -1;
    try {
        pid = spawn_process(s);
    } catch (...) {
        close(err[0]);
        close(err[1]);
        throw;
    }
    close(err[1]);
    const bool done = watch.wait_exit({pid}, deadline_after(10.0));
    if (!done) {
        kill(pid, SIGKILL);
        watch.wait_exit({pid}, deadline_after(1.0));
    }
    std::string message;
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    char buf[512];
    for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0 && message.size() < 4096;)
        message.append(buf, static_cast<std::size_t>(n));
    close(err[0]);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    if (!done) throw LaunchError(kExitLaunchFailure, dipcd + " --gen-key did not finish within 10 s");
    if (exit_code_of(watch.status(pid)) != 0)
        throw LaunchError(kExitLaunchFailure, "cannot make the job's cluster key: " +
                                                  (message.empty() ? dipcd + " --gen-key " +
                                                                         describe_status(watch.status(pid))
                                                                   : message));
}

std::string log_tail(const std::string& path, const std::string& prefix, std::size_t max_lines) {
    std::ifstream in(path);
    std::deque<std::string> lines;
    std::size_t total = 0;
    for (std::string line; std::getline(in, line); ++total) {
        lines.push_back(line);
        if (lines.size() > max_lines) lines.pop_front();
    }
    std::string out;
    if (total > lines.size())
        out += prefix + "(" + std::to_string(total - lines.size()) + " earlier line(s) not shown)\n";
    for (const auto& l : lines) out += prefix + l + "\n";
    return out;
}

}  // namespace papersrun
