// launchers.hpp — how papersrun launches a job on each backend: one
// Launcher row per backend (not to be confused with the library's
// papers::Backend, the transport a rank runs on). Each has two steps, both
// run before any rank starts:
//   check   — validate the request, no side effects (e.g. capers needs -np 2);
//   prepare — start helper processes (the simulator) and extend the ranks'
//             environment.
// A new backend is one more row in the table (launchers.cpp).
#pragma once
#include <map>
#include <optional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "command_line.hpp"
#include "job_env.hpp"
#include "trace_output.hpp"

namespace papersrun {

class ProcessTable;
class SignalChannel;
struct SpawnSpec;
struct DipcJob;

struct JobContext {
    JobContext(const RunOptions& o, ProcessTable& p, SignalChannel& s)
        : options(o), processes(p), signals(s) {}

    const RunOptions& options;
    int np = 0;
    std::string backend;         // resolved, never "auto"
    std::string backend_origin;  // "--backend", "PAPERS_BACKEND" or "default"
    std::string job_id;
    JobEnv env = JobEnv::from_strings({});  // every rank's environment, before RANK/SIZE
    ProcessTable& processes;
    SignalChannel& signals;

    // Filled by check/prepare:
    std::string hubsim_path;  // simulator backends
    int hub_ports = 0;        // ports of the simulated hub
    std::string sim_name;     // shm object of the simulator, "/papers-<job>"
    std::vector<pid_t> helpers;          // stopped (SIGTERM) after the ranks
    std::map<pid_t, std::string> helper_names;  // for messages; default "papers-hubsim"
    std::vector<std::string> verbose_notes;  // printed with -v
    // Optional: rewrites rank r's spawn just before it starts (udp --hosts:
    // a remote rank becomes an ssh).
    void (*wrap_rank)(const JobContext& job, int rank, SpawnSpec& spec) = nullptr;
    // Variables a remote rank gets besides PAPERS_* (--dipc: LD_PRELOAD).
    std::vector<std::string> remote_env_names;
    std::shared_ptr<DipcJob> dipc;  // --dipc (dipc_launch.hpp)
    std::optional<TracePlan> trace;  // --trace on the simulated hub (trace_output.hpp)
};

// "auto" is a row too (so --backend lists it), but choose_backend resolves
// it before check/prepare run, which are null for it.
struct Launcher {
    std::string_view name;
    std::string_view summary;
    bool uses_simulator;
    void (*check)(JobContext&);
    void (*prepare)(JobContext&);
};

std::span<const Launcher> launcher_table();
const Launcher* find_launcher(std::string_view name);

// Picks the backend: --backend, else $PAPERS_BACKEND, else "sim"; resolves
// "auto" with pick_automatically. Sets `origin` (printed by -v). Throws
// LaunchError for unknown names.
std::string choose_backend(const RunOptions& options, const JobEnv& env, std::string& origin);

// "auto": hub when a port is configured (--port or PAPERS_PORT) and
// papers-probe finds a hub answering on it; sim when the simulated hub is
// asked for (--trace, --hub-tree or an exported PAPERS_SIM); udp when
// --hosts/--hostfile name another machine; shm otherwise (all ranks here).
// Appends the reason to `origin`.
std::string pick_automatically(const RunOptions& options, const JobEnv& env, std::string& origin);

// Sets the variables every backend shares (PAPERS_BACKEND, PAPERS_JOB,
// PAPERS_TIMEOUT when --timeout was given).
void set_common_env(JobContext& job);

}  // namespace papersrun
