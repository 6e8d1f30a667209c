#include "hubsim_process.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "child_processes.hpp"
#include "job_env.hpp"
#include "launch_error.hpp"
#include "program_path.hpp"
#include "signal_channel.hpp"

namespace papersrun {

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kHubsimName = "papers-hubsim";

Clock::time_point after(double seconds) {
    return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(seconds));
}

int ms_until(Clock::time_point t) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
    return ms < 0 ? 0 : static_cast<int>(ms + 1);
}

struct Pipe {
    int r = -1, w = -1;
    Pipe() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0)
            throw LaunchError(kExitLaunchFailure, "pipe: " + errno_text(errno));
        r = fds[0];
        w = fds[1];
    }
    ~Pipe() {
        close_r();
        close_w();
    }
    void close_r() {
        if (r >= 0) close(r);
        r = -1;
    }
    void close_w() {
        if (w >= 0) close(w);
        w = -1;
    }
};

// Reads `fd` until EOF, `stop_when_found` appears, or the deadline.
// Returns "eof", "found" or "timeout"; stop requests go to `stops`.
std::string read_until(int fd, std::string& text, const std::string& stop_when_found,
                       Clock::time_point deadline, ProcessTable& processes, SignalChannel& signals,
                       std::vector<int>& stops) {
    for (;;) {
        if (!stop_when_found.empty() && text.find(stop_when_found) != std::string::npos)
            return "found";
        int wait_ms = ms_until(deadline);
        if (wait_ms == 0) return "timeout";
        pollfd p[2] = {{fd, POLLIN, 0}, {signals.fd(), POLLIN, 0}};
        int n = poll(p, 2, wait_ms);
        if (n < 0 && errno != EINTR)
            throw LaunchError(kExitLaunchFailure, "poll: " + errno_text(errno));
        if (p[1].revents) {
            for (int s : signals.drain())
                if (SignalChannel::is_stop_request(s)) stops.push_back(s);
            processes.reap();
            if (!stops.empty()) return "stopped";
        }
        if (p[0].revents) {
            char buf[256];
            ssize_t got = read(fd, buf, sizeof buf);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) return "eof";
            text.append(buf, static_cast<size_t>(got));
            if (text.size() > 4096) text.erase(0, text.size() - 4096);
        }
    }
}

std::vector<std::string> current_env() { return JobEnv::from_process().strings(); }

}  // namespace

std::string locate_hubsim(const std::string& override_path) {
    std::string why;
    if (!override_path.empty()) {
        std::string found = find_program(override_path, getenv("PATH") ? getenv("PATH") : "", why);
        if (found.empty())
            throw LaunchError(kExitLaunchFailure, "--hubsim " + override_path + ": " + why);
        return found;
    }
    std::string dir = self_exe_dir();
    if (!dir.empty()) {
        std::string next_to_us = find_program(dir + "/" + kHubsimName, "", why);
        if (!next_to_us.empty()) return next_to_us;
    }
    std::string on_path = find_program(kHubsimName, getenv("PATH") ? getenv("PATH") : "", why);
    if (on_path.empty())
        throw LaunchError(kExitLaunchFailure,
                          std::string("the hub simulator papers-hubsim was not found (looked in ") +
                              (dir.empty() ? "papersrun's directory" : dir) +
                              " and on PATH); build it (target papers-hubsim), give --hubsim PATH, "
                              "or choose another --backend");
    return on_path;
}

int query_hub_ports(const std::string& hubsim, ProcessTable& processes, SignalChannel& signals) {
    Pipe out;
    SpawnSpec spec;
    spec.path = hubsim;
    spec.argv = {hubsim, "--max-ports"};
    spec.env = current_env();
    spec.stdout_fd = out.w;
    pid_t pid = spawn_process(spec);
    processes.add(pid, "papers-hubsim --max-ports");
    out.close_w();

    std::string text;
    std::vector<int> stops;
    auto deadline = after(5.0);
    std::string how = read_until(out.r, text, "", deadline, processes, signals, stops);
    bool exited = how == "eof" && processes.wait_exit({pid}, after(2.0), signals, stops);
    if (!exited) {
        stop_process(pid, 0.5, processes, signals);
        if (!stops.empty()) throw Interrupted(stops.front());
        throw LaunchError(kExitLaunchFailure, hubsim + " --max-ports did not answer within 5 s");
    }
    if (!stops.empty()) throw Interrupted(stops.front());
    int st = processes.status(pid);
    if (exit_code_of(st) != 0)
        throw LaunchError(kExitLaunchFailure, hubsim + " --max-ports " + describe_status(st));
    char* end = nullptr;
    long ports = strtol(text.c_str(), &end, 10);
    while (end && (*end == '\n' || *end == ' ' || *end == '\r')) ++end;
    if (end == text.c_str() || (end && *end != '\0') || ports <= 0 || ports > 4096)
        throw LaunchError(kExitLaunchFailure,
                          hubsim + " --max-ports printed '" + text + "', not a port count");
    return static_cast<int>(ports);
}

pid_t start_hubsim(const SimulatorLaunch& launch, ProcessTable& processes, SignalChannel& signals) {
    Pipe ready;
    SpawnSpec spec;
    spec.path = launch.hubsim;
    spec.argv = {launch.hubsim, "--ports", std::to_string(launch.ports), "--name", launch.shm_name,
                 "--mode", launch.mode, "--ready-fd", std::to_string(ready.w)};
    if (!launch.trace.empty()) {
        spec.argv.push_back("--trace");
        spec.argv.push_back(launch.trace);
    }
    if (!launch.tree.empty()) {
        spec.argv.push_back("--tree");
        spec.argv.push_back(launch.tree);
    }
    spec.env = current_env();
    spec.stdout_fd = 2;  // the job's stdout carries only the ranks' output
    spec.keep_fd = ready.w;
    // SIGTERM, not SIGKILL: if papersrun dies, the simulator still unlinks its shm.
    spec.parent_death_signal = SIGTERM;
    pid_t pid = spawn_process(spec);
    processes.add(pid, "papers-hubsim");
    ready.close_w();  // now only the simulator holds it: EOF means it is gone

    std::string text;
    std::vector<int> stops;
    std::string how = read_until(ready.r, text, "ready\n", after(launch.ready_timeout_s), processes,
                                 signals, stops);
    if (how == "found") return pid;
    if (how == "stopped") {
        stop_process(pid, 1.0, processes, signals);
        throw Interrupted(stops.front());
    }
    if (how == "eof" && processes.wait_exit({pid}, after(2.0), signals, stops))
        throw LaunchError(kExitLaunchFailure, "papers-hubsim " + describe_status(processes.status(pid)) +
                                                  " before it was ready (see its message above)");
    stop_process(pid, 1.0, processes, signals);
    std::string secs = std::to_string(launch.ready_timeout_s);
    secs.erase(secs.find_last_not_of('0') + 1);
    if (!secs.empty() && secs.back() == '.') secs.pop_back();
    throw LaunchError(kExitLaunchFailure, how == "eof"
                                              ? "papers-hubsim closed its ready pipe without "
                                                "writing \"ready\""
                                              : "papers-hubsim did not report ready within " + secs +
                                                    " s (--sim-ready-timeout)");
}

bool stop_process(pid_t pid, double grace_s, ProcessTable& processes, SignalChannel& signals) {
    std::vector<int> stops;  // a second Ctrl-C here changes nothing: we are stopping
    processes.reap();
    if (processes.exited(pid)) return true;
    kill(pid, SIGTERM);
    if (processes.wait_exit({pid}, after(grace_s), signals, stops)) return true;
    kill(pid, SIGKILL);
    return processes.wait_exit({pid}, after(1.0), signals, stops);
}

}  // namespace papersrun
