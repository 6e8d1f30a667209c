#include "job_supervisor.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <poll.h>
#include <sstream>
#include <sys/mman.h>
#include <unistd.h>

#include "child_processes.hpp"
#include "dipc_launch.hpp"
#include "hubsim_process.hpp"
#include "launch_error.hpp"
#include "line_forwarder.hpp"
#include "signal_channel.hpp"

namespace papersrun {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kKillGraceS = 2.0;     // SIGTERM -> SIGKILL
constexpr double kDrainLimitS = 2.0;    // output after the last process died
constexpr double kHelperGraceS = 2.0;   // simulator: SIGTERM -> SIGKILL

Clock::time_point after(double s) {
    return Clock::now() +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

std::string signal_name(int sig) {
    switch (sig) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        case SIGHUP: return "SIGHUP";
        case SIGQUIT: return "SIGQUIT";
        default: return "signal " + std::to_string(sig);
    }
}

std::string seconds_text(double s) {
    std::ostringstream o;
    o << s;
    return o.str();
}

// One rank's output stream: the read end of its pipe and where lines go.
struct Stream {
    int fd = -1;
    std::unique_ptr<LineForwarder> forwarder;
};

struct Rank {
    int rank = 0;
    pid_t pid = -1;  // also its process group
    bool exited = false;
    Stream out, err;
};

class Supervisor {
public:
    Supervisor(JobContext& job, std::string program) : job_(job), program_(std::move(program)) {
        if (job.options.job_timeout_s) job_deadline_ = after(*job.options.job_timeout_s);
    }

    int run() {
        start_ranks();
        while (!all_ranks_exited()) pump(next_timeout_ms());
        stop_leftovers();
        drain_output();
        return exit_code_.value_or(0);
    }

private:
    JobContext& job_;
    std::string program_;
    std::vector<Rank> ranks_;
    std::optional<int> exit_code_;  // set by the first failure
    bool terminating_ = false;
    bool killed_ = false;
    Clock::time_point kill_at_{};
    std::optional<Clock::time_point> job_deadline_;

    void start_ranks() {
        ranks_.resize(static_cast<size_t>(job_.np));
        for (int r = 0; r < job_.np; ++r) {
            Rank& rank = ranks_[static_cast<size_t>(r)];
            rank.rank = r;
            try {
                int out[2], err[2];
                if (pipe2(out, O_CLOEXEC) != 0)
                    throw LaunchError(kExitLaunchFailure, "pipe: " + errno_text(errno));
                if (pipe2(err, O_CLOEXEC) != 0) {
                    int e = errno;
                    close(out[0]);
                    close(out[1]);
                    throw LaunchError(kExitLaunchFailure, "pipe: " + errno_text(e));
                }
                SpawnSpec spec;
                spec.path = program_;
                spec.argv = job_.options.command;
                spec.env = job_.env.for_rank(r, job_.np);
                spec.stdout_fd = out[1];
                spec.stderr_fd = err[1];
                spec.parent_death_signal = SIGKILL;
                pid_t pid = -1;
                try {
                    if (job_.wrap_rank) job_.wrap_rank(job_, r, spec);
                    pid = spawn_process(spec);
                } catch (...) {
                    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
                    if (spec.stdin_fd >= 0) close(spec.stdin_fd);
                    throw;
                }
                if (spec.stdin_fd >= 0) close(spec.stdin_fd);
                close(out[1]);
                close(err[1]);
                rank.pid = pid;
                job_.processes.add(pid, "rank " + std::to_string(r));
                std::string tag = job_.options.tag_output ? "[" + std::to_string(r) + "] " : "";
                open_stream(rank.out, out[0], 1, tag);
                open_stream(rank.err, err[0], 2, tag);
            } catch (const LaunchError& e) {
                rank.exited = true;  // never ran
                for (size_t k = static_cast<size_t>(r) + 1; k < ranks_.size(); ++k) {
                    ranks_[k].rank = static_cast<int>(k);
                    ranks_[k].exited = true;
                }
                fail(e.exit_code(), std::string(e.what()) + " (rank " + std::to_string(r) +
                                        "); stopping the job");
                return;
            }
        }
        if (job_.options.verbose)
            say("started " + std::to_string(job_.np) + " rank(s) of " + program_);
    }

    static void open_stream(Stream& s, int fd, int out_fd, const std::string& tag) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        s.fd = fd;
        s.forwarder = std::make_unique<LineForwarder>(fd_sink(out_fd), tag);
    }

    bool all_ranks_exited() const {
        return std::all_of(ranks_.begin(), ranks_.end(), [](const Rank& r) { return r.exited; });
    }

    bool any_stream_open() const {
        return std::any_of(ranks_.begin(), ranks_.end(),
                           [](const Rank& r) { return r.out.fd >= 0 || r.err.fd >= 0; });
    }

    int next_timeout_ms() const {
        std::optional<Clock::time_point> next;
        if (job_deadline_ && !terminating_) next = job_deadline_;
        if (terminating_ && !killed_) next = next ? std::min(*next, kill_at_) : kill_at_;
        if (!next) return -1;
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*next - Clock::now()).count();
        return ms < 0 ? 0 : static_cast<int>(ms + 1);
    }

    // One round: wait for output, signals or a deadline, and handle them.
    void pump(int timeout_ms) {
        std::vector<pollfd> fds{{job_.signals.fd(), POLLIN, 0}};
        std::vector<Stream*> streams;
        for (Rank& r : ranks_)
            for (Stream* s : {&r.out, &r.err})
                if (s->fd >= 0) {
                    fds.push_back({s->fd, POLLIN, 0});
                    streams.push_back(s);
                }
        int n = poll(fds.data(), fds.size(), timeout_ms);
        if (n < 0 && errno != EINTR) {
            fail(kExitLaunchFailure, "poll: " + errno_text(errno));
            return;
        }
        for (size_t i = 1; i < fds.size(); ++i)
            if (fds[i].revents) read_stream(*streams[i - 1]);
        if (fds[0].revents) handle_signals();
        handle_exits();
        check_deadlines();
    }

    static void read_stream(Stream& s) {
        char buf[65536];
        ssize_t n = read(s.fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
        if (n <= 0) {  // EOF: every writer (the rank and its children) is gone
            s.forwarder->finish();
            close(s.fd);
            s.fd = -1;
            return;
        }
        s.forwarder->feed(std::string_view(buf, static_cast<size_t>(n)));
    }

    // Reads what is already in the pipe, without waiting (bounded: a
    // surviving child of the rank might keep writing).
    static void drain_available(Stream& s) {
        for (int i = 0; i < 64 && s.fd >= 0; ++i) {
            pollfd p{s.fd, POLLIN, 0};
            if (poll(&p, 1, 0) <= 0) return;
            read_stream(s);
        }
    }

    void handle_signals() {
        for (int sig : job_.signals.drain()) {
            if (!SignalChannel::is_stop_request(sig)) continue;  // SIGCHLD: handle_exits reaps
            if (terminating_ && !killed_) {
                // Asked again while stopping: do not wait out the grace period.
                say("got " + signal_name(sig) + " again; killing every rank now");
                kill_everything(SIGKILL);
                killed_ = true;
            }
            fail(128 + sig, "got " + signal_name(sig) + "; stopping the job");
        }
    }

    void handle_exits() {
        for (pid_t pid : job_.processes.reap()) {
            int st = job_.processes.status(pid);
            for (Rank& r : ranks_) {
                if (r.pid != pid) continue;
                r.exited = true;
                // Its last words (often the reason) come before our verdict.
                for (Stream* s : {&r.out, &r.err}) drain_available(*s);
                if (exit_code_of(st) != 0)
                    fail(exit_code_of(st), "rank " + std::to_string(r.rank) + " " +
                                               describe_status(st) + "; stopping the job");
            }
            if (std::find(job_.helpers.begin(), job_.helpers.end(), pid) != job_.helpers.end() &&
                !terminating_)
                fail(kExitLaunchFailure,
                     helper_name(job_, pid) + " " + describe_status(st) + " during the job; stopping the job");
        }
    }

    void check_deadlines() {
        auto now = Clock::now();
        if (job_deadline_ && !terminating_ && now >= *job_deadline_)
            fail(kExitJobTimeout, "the job ran longer than --job-timeout " +
                                      seconds_text(*job_.options.job_timeout_s) +
                                      " s; stopping it");
        if (terminating_ && !killed_ && now >= kill_at_) {
            if (!all_ranks_exited())
                say("ranks still alive " + seconds_text(kKillGraceS) + " s after SIGTERM; killing them");
            kill_everything(SIGKILL);
            killed_ = true;
        }
    }

    // Records the job's result (the first failure wins) and starts stopping.
    void fail(int code, const std::string& why) {
        if (!exit_code_) {
            exit_code_ = code;
            say(why);
        }
        if (!terminating_) {
            terminating_ = true;
            kill_at_ = after(kKillGraceS);
            kill_everything(SIGTERM);
        }
    }

    // Every live rank's process group, and every adopted orphan (helpers are
    // stopped last, after the ranks, so no rank sees its simulator vanish).
    void kill_everything(int sig) {
        for (const Rank& r : ranks_)
            if (!r.exited && r.pid > 0) kill(-r.pid, sig);
        for (pid_t pid : live_children(job_.helpers)) kill(pid, sig);
    }

    // All ranks have exited; processes they left behind (re-parented to us,
    // the subreaper) are stopped the same way: SIGTERM, then SIGKILL.
    void stop_leftovers() {
        auto leftovers = [&] { return live_children(job_.helpers); };
        if (leftovers().empty()) return;
        if (job_.options.verbose) say("stopping processes the ranks left behind");
        for (int round = 0; round < 2; ++round) {
            int sig = round == 0 && !killed_ ? SIGTERM : SIGKILL;
            auto until = after(round == 0 ? kKillGraceS : 1.0);
            for (;;) {
                job_.processes.reap();
                auto left = leftovers();
                if (left.empty()) return;
                for (pid_t pid : left) kill(pid, sig);
                if (Clock::now() >= until) break;
                pump(50);  // output keeps flowing; exits wake us early
            }
        }
        say("could not stop every leftover process");
    }

    // Everything is dead: read what is still in the pipes (bounded, in case
    // something we cannot see still holds a write end).
    void drain_output() {
        auto until = after(kDrainLimitS);
        while (any_stream_open() && Clock::now() < until) pump(50);
        for (Rank& r : ranks_)
            for (Stream* s : {&r.out, &r.err})
                if (s->fd >= 0) {
                    s->forwarder->finish();
                    close(s->fd);
                    s->fd = -1;
                }
    }
};

}  // namespace

std::string helper_name(const JobContext& job, pid_t pid) {
    auto it = job.helper_names.find(pid);
    return it == job.helper_names.end() ? "papers-hubsim" : it->second;
}

void say(const std::string& msg) {
    std::string line = "papersrun: " + msg + "\n";
    fd_sink(2)(line);
}

int run_job(JobContext& job, const std::string& program) {
    Supervisor supervisor(job, program);
    return supervisor.run();
}

std::vector<std::string> sweep_job_shm(const std::string& job_id) {
    std::vector<std::string> removed;
    // The simulator's wire is "papers-<job>", the shm backend's segment
    // "papers-shm-<job>" (libpapers/shm/segment.cpp).
    const std::string bases[] = {"papers-" + job_id, "papers-shm-" + job_id};
    DIR* dir = opendir("/dev/shm");
    if (!dir) return removed;
    std::vector<std::string> names;
    while (dirent* e = readdir(dir)) {
        std::string name = e->d_name;
        for (const std::string& base : bases) {
            if (name.rfind(base, 0) != 0) continue;
            char next = name.size() > base.size() ? name[base.size()] : '\0';
            if (next == '\0' || next == '-' || next == '.' || next == '_') {
                names.push_back(name);
                break;
            }
        }
    }
    closedir(dir);
    for (const auto& name : names)
        if (shm_unlink(("/" + name).c_str()) == 0) removed.push_back("/" + name);
    return removed;
}

std::vector<std::string> cleanup_job(JobContext& job, bool job_failed) {
    finish_dipc(job, job_failed);
    for (auto it = job.helpers.rbegin(); it != job.helpers.rend(); ++it) {
        if (job.processes.exited(*it)) continue;
        if (!stop_process(*it, kHelperGraceS, job.processes, job.signals))
            say("helper process " + std::to_string(*it) + " would not die");
        else if (exit_code_of(job.processes.status(*it)) != 0)
            say(helper_name(job, *it) + " " + describe_status(job.processes.status(*it)) + " while stopping");
    }
    // Last resort, for paths that never reached the supervisor (a simulator
    // that failed to start may have left children of its own).
    auto until = after(1.0);
    for (auto left = live_children({}); !left.empty(); left = live_children({})) {
        for (pid_t pid : left) kill(pid, SIGKILL);
        std::vector<int> ignored;
        if (!job.processes.wait_exit(left, until, job.signals, ignored)) {
            say("could not stop every leftover process");
            break;
        }
    }
    return sweep_job_shm(job.job_id);
}

}  // namespace papersrun
