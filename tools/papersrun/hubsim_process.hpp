// hubsim_process.hpp — papersrun's side of the papers-hubsim contract:
//
//   papers-hubsim --max-ports            prints the model's port count, exit 0
//   papers-hubsim --ports N --name /papers-<job> [--mode hub|laplink]
//                 [--trace FILE.vcd] [--tree PxL] --ready-fd FD
//       creates the shm object, writes "ready\n" to FD once it serves, runs
//       until SIGTERM/SIGINT (or its parent dies), unlinks the object, exit 0.
#pragma once
#include <string>
#include <sys/types.h>

namespace papersrun {

class ProcessTable;
class SignalChannel;

// `override_path` if given, else papers-hubsim next to papersrun, else on
// PATH. Throws LaunchError when none is executable.
std::string locate_hubsim(const std::string& override_path);

// Runs `hubsim --max-ports` (bounded to 5 s). Throws LaunchError.
int query_hub_ports(const std::string& hubsim, ProcessTable& processes, SignalChannel& signals);

struct SimulatorLaunch {
    std::string hubsim;
    int ports = 0;
    std::string shm_name;  // "/papers-<job>"
    std::string mode;      // "hub" or "laplink"
    std::string trace;     // "" for none
    std::string tree;      // "PxL": serve the hub tree (--tree); "" for the flat hub
    double ready_timeout_s = 10.0;
};

// Starts the simulator and waits for its "ready". Throws LaunchError when it
// fails or does not answer in time (it is killed then), Interrupted when
// papersrun is asked to stop meanwhile.
pid_t start_hubsim(const SimulatorLaunch& launch, ProcessTable& processes, SignalChannel& signals);

// SIGTERM, wait up to `grace_s`, then SIGKILL (and wait 1 s more).
// Returns false when the process was still alive after the SIGKILL wait.
bool stop_process(pid_t pid, double grace_s, ProcessTable& processes, SignalChannel& signals);

}  // namespace papersrun
