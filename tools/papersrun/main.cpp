// papersrun — the job launcher: starts the hub simulator (or prepares
// another backend) and N ranks of a program, forwards their output, and
// ends the whole job cleanly when any rank fails. See docs/papersrun.md.
#include <cstdlib>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "launchers.hpp"
#include "child_processes.hpp"
#include "dipc_launch.hpp"
#include "command_line.hpp"
#include "job_supervisor.hpp"
#include "launch_error.hpp"
#include "program_path.hpp"
#include "signal_channel.hpp"

using namespace papersrun;

namespace {

constexpr int kMaxRanks = 1024;  // a sanity bound, far above any hub

// A pipe must never land on fd 0..2, where dup2 in the child would be a no-op.
void ensure_std_fds_open() {
    for (int fd = 0; fd <= 2; ++fd)
        if (fcntl(fd, F_GETFD) < 0) open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
}

// Two pipes per rank must fit under the open-file limit (with --dipc, a
// ready pipe per daemon too while they start).
void raise_fd_limit(int np) {
    rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
    rlim_t need = static_cast<rlim_t>(3 * np + 64);
    if (lim.rlim_cur >= need) return;
    lim.rlim_cur = std::min(need, lim.rlim_max);
    setrlimit(RLIMIT_NOFILE, &lim);
}

int launch(const RunOptions& opts) {
    if (*opts.np > kMaxRanks)
        throw LaunchError(kExitUsage, "-np " + std::to_string(*opts.np) + ": papersrun starts at most " +
                                          std::to_string(kMaxRanks) + " ranks");
    // The program must exist before anything is started.
    std::string why;
    const char* path_var = getenv("PATH");
    std::string program = find_program(opts.command.front(), path_var ? path_var : "", why);
    if (program.empty())
        throw LaunchError(kExitUsage, "cannot run program '" + opts.command.front() + "': " + why);

    JobEnv env = JobEnv::from_process();
    std::string origin;
    std::string backend_name = choose_backend(opts, env, origin);
    const Launcher* launcher = find_launcher(backend_name);
    if (!opts.trace.empty() && !launcher->uses_simulator)
        throw LaunchError(kExitUsage, "--trace records the simulated hub; it needs --backend sim or "
                                      "capers (not " + backend_name + ")");
    if (!opts.hub_tree.empty() && backend_name != "sim")
        throw LaunchError(kExitUsage, "--hub-tree simulates a tree of hubs; it needs --backend sim "
                                      "(not " + backend_name + ")");
    if (!opts.port.empty() && backend_name != "hub")
        throw LaunchError(kExitUsage, "--port names a real hub's parallel port; it needs --backend "
                                      "hub (not " + backend_name + ")");
    if ((!opts.hosts.empty() || !opts.hostfile.empty()) && backend_name != "udp")
        throw LaunchError(kExitUsage, "--hosts/--hostfile place the ranks of a udp job; they need "
                                      "--backend udp (not " + backend_name + ")");

    SignalChannel signals;  // from here on, Ctrl-C is an event we handle
    become_subreaper();
    raise_fd_limit(*opts.np);
    ProcessTable processes;
    JobContext job(opts, processes, signals);
    job.np = *opts.np;
    job.backend = backend_name;
    job.backend_origin = origin;
    job.job_id = make_job_id();
    job.env = std::move(env);
    launcher->check(job);
    if (opts.dipc) check_dipc(job);
    set_common_env(job);

    if (opts.verbose)
        say("backend " + job.backend + " (" + job.backend_origin + "), job " + job.job_id + ", " +
            std::to_string(job.np) + " rank(s)");
    int code = 0;
    try {
        launcher->prepare(job);
        if (opts.dipc) prepare_dipc(job);
        if (opts.verbose)
            for (const auto& note : job.verbose_notes) say(note);
        code = run_job(job, program);
    } catch (const Interrupted& e) {
        say("interrupted while starting the job");
        code = 128 + e.signo();
    } catch (const LaunchError& e) {
        say(e.what());
        code = e.exit_code();
    }
    auto swept = cleanup_job(job, code != 0);
    if (job.trace) {  // also after a failed job: its waveform is what explains the failure
        if (std::string why = finish_trace(*job.trace); !why.empty()) {
            say(why);
            if (code == 0) code = kExitLaunchFailure;
        } else if (opts.verbose) {
            say("trace " + opts.trace + ", GTKWave save file " + job.trace->gtkw);
        }
    }
    if (opts.verbose) {
        for (const auto& name : swept) say("removed stale shared memory " + name);
        say("job " + job.job_id + " ended with exit code " + std::to_string(code));
    }
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    ensure_std_fds_open();
    try {
        ParseResult parsed = parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
        if (parsed.exit_now) return parsed.exit_code;
        return launch(parsed.options);
    } catch (const Interrupted& e) {
        say("interrupted while starting the job");
        return 128 + e.signo();
    } catch (const LaunchError& e) {
        say(e.what());
        return e.exit_code();
    } catch (const std::exception& e) {
        say(std::string("internal error: ") + e.what());
        return kExitLaunchFailure;
    }
}
