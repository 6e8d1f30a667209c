#include "launchers.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <vector>
#include <sstream>

#include "hubsim_process.hpp"
#include "launch_error.hpp"
#include "mpi_launch.hpp"
#include "udp_launch.hpp"

namespace papersrun {

namespace {

std::string format_seconds(double s) {
    std::ostringstream o;
    o << s;
    return o.str();
}

// --- sim / capers: the Verilated hub in papers-hubsim --------------------

// --hub-tree PxL: P ranks on each of L leaf hubs. Returns P*L, the ranks the tree seats;
// papers-hubsim checks the shape against its verilated tree (docs/hub-tree.md).
int hub_tree_capacity(const std::string& shape) {
    const auto x = shape.find('x');
    const std::string p = shape.substr(0, x), l = x == std::string::npos ? "" : shape.substr(x + 1);
    auto number = [](const std::string& s) {
        return !s.empty() && s.size() <= 4 && s.find_first_not_of("0123456789") == std::string::npos
                   ? std::stoi(s)
                   : 0;
    };
    if (number(p) <= 0 || number(l) <= 0)
        throw LaunchError(kExitUsage, "--hub-tree '" + shape + "': expected PxL, P ranks on each "
                                      "of L leaf hubs, e.g. 8x2");
    return number(p) * number(l);
}

void check_simulator(JobContext& job) {
    job.hubsim_path = locate_hubsim(job.options.hubsim);
    if (!job.options.hub_tree.empty()) {
        job.hub_ports = hub_tree_capacity(job.options.hub_tree);
        if (job.np > job.hub_ports)
            throw LaunchError(kExitUsage, "-np " + std::to_string(job.np) + ": --hub-tree " +
                                              job.options.hub_tree + " seats " +
                                              std::to_string(job.hub_ports) + " ranks");
        return;
    }
    job.hub_ports = query_hub_ports(job.hubsim_path, job.processes, job.signals);
    if (job.np > job.hub_ports)
        throw LaunchError(kExitUsage, "-np " + std::to_string(job.np) + ": the hub has " +
                                          std::to_string(job.hub_ports) +
                                          " ports, one per rank (papers-hubsim --max-ports)");
}

void start_simulator(JobContext& job, const char* mode) {
    job.sim_name = "/papers-" + job.job_id;
    SimulatorLaunch launch;
    launch.hubsim = job.hubsim_path;
    launch.ports = job.np;
    launch.shm_name = job.sim_name;
    launch.mode = mode;
    launch.trace = job.options.trace;
    if (!launch.trace.empty() && std::string(mode) == "hub") {
        // The ranks write their notes beside the raw VCD; papersrun merges them after the job.
        job.trace = plan_trace(job.options.trace, !job.options.hub_tree.empty());
        launch.trace = job.trace->raw_vcd;
        job.env.set("PAPERS_SIM_TRACE_NOTES", job.trace->notes_dir);
    }
    launch.tree = job.options.hub_tree;
    launch.ready_timeout_s = job.options.sim_ready_timeout_s;
    pid_t pid = start_hubsim(launch, job.processes, job.signals);
    job.helpers.push_back(pid);
    job.env.set("PAPERS_SIM", job.sim_name);  // tied to this job's simulator: always ours
    job.verbose_notes.push_back("simulator " + job.sim_name + " (" + job.hubsim_path + ", mode " +
                                mode + ", " + std::to_string(job.np) + " of " +
                                std::to_string(job.hub_ports) + " ports, pid " + std::to_string(pid) +
                                (job.options.hub_tree.empty() ? "" : ", hub tree " + job.options.hub_tree) +
                                ")");
}

void prepare_sim(JobContext& job) { start_simulator(job, "hub"); }

void check_capers(JobContext& job) {
    if (job.np != 2)
        throw LaunchError(kExitUsage, "--backend capers is a LapLink cable between exactly 2 PEs; "
                                      "use -np 2 (got -np " + std::to_string(job.np) + ")");
    check_simulator(job);
}

void prepare_capers(JobContext& job) { start_simulator(job, "laplink"); }

// --- hub: a real PAPERS hub on a parallel port ----------------------------

void check_hub(JobContext& job) {
    if (job.options.port.empty() && !job.env.get("PAPERS_PORT"))
        throw LaunchError(kExitUsage, "--backend hub needs the parallel port of the hub: "
                                      "give --port (e.g. --port 0x378 or /dev/parport0) "
                                      "or export PAPERS_PORT");
}

void prepare_hub(JobContext& job) {
    if (!job.options.port.empty()) job.env.set("PAPERS_PORT", job.options.port);
    job.verbose_notes.push_back("port " + job.env.get("PAPERS_PORT").value_or(""));
}

// --- shm / udp / mpi: transports of libpapers that need no helper yet -----
// Later: udp adds PAPERS_HOSTS and a per-job PAPERS_KEY (environment only,
// never the command line); mpi execs mpirun.

void check_nothing(JobContext&) {}
void prepare_nothing(JobContext&) {}

constexpr std::array<Launcher, 7> kLaunchers{{
    {"sim", "Verilated hub in papers-hubsim (default)", true, check_simulator, prepare_sim},
    {"capers", "virtual LapLink cable: papers-hubsim --mode laplink, -np 2", true, check_capers,
     prepare_capers},
    {"hub", "real hub on a parallel port (--port or PAPERS_PORT)", false, check_hub, prepare_hub},
    {"shm", "shared memory on this machine, no simulator", false, check_nothing, prepare_nothing},
    {"udp", "UDP over Ethernet/loopback (--hosts/--hostfile: ranks over ssh)", false, check_udp,
     prepare_udp},
    {"mpi", "MPI collectives: execs Open MPI's mpirun", false, check_mpi, prepare_mpi},
    {"auto", "hub if a port answers, sim if the simulator is asked for, shm on one host, "
             "udp across hosts", false, nullptr, nullptr},
}};

}  // namespace

std::span<const Launcher> launcher_table() { return kLaunchers; }

const Launcher* find_launcher(std::string_view name) {
    for (const auto& b : kLaunchers)
        if (b.name == name) return &b;
    return nullptr;
}

namespace {

// papers-probe (next to papersrun) says whether a hub answers on `port`.
bool hub_answers(const std::string& port, std::string& why) {
    char self[4096] = {};
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    const std::string dir = n > 0 ? std::filesystem::path(std::string(self, n)).parent_path().string()
                                  : std::string(".");
    const std::string probe = dir + "/papers-probe";
    if (access(probe.c_str(), X_OK) != 0) {
        why = "papers-probe not found next to papersrun";
        return false;
    }
    const pid_t pid = fork();
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execl(probe.c_str(), probe.c_str(), "--port", port.c_str(), "--timeout", "0.5",
              static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        why = "could not run papers-probe";
        return false;
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    why = code == 0 ? "a hub answers on " + port
                    : "no hub answers on " + port + " (papers-probe exit " + std::to_string(code) + ")";
    return code == 0;
}

}  // namespace

std::string pick_automatically(const RunOptions& options, const JobEnv& env, std::string& origin) {
    std::string why;
    const std::string port = !options.port.empty() ? options.port : env.get("PAPERS_PORT").value_or("");
    if (!port.empty() && hub_answers(port, why)) {
        origin += ", auto: " + why;
        return "hub";
    }
    if (!options.port.empty())  // asked for explicitly: do not run elsewhere silently
        throw LaunchError(kExitLaunchFailure, "--backend auto with --port " + options.port + ": " + why);
    const std::string port_note = port.empty() ? "" : why + "; ";
    if (!options.trace.empty() || !options.hub_tree.empty() || env.get("PAPERS_SIM")) {
        origin += ", auto: " + port_note + "the simulated hub was asked for";
        return "sim";
    }
    const auto hosts = listed_hosts(options);
    for (const auto& h : hosts)
        if (!is_local_rank_host(host_part(h))) {
            origin += ", auto: " + port_note + "ranks on other hosts (" + host_part(h) + ")";
            return "udp";
        }
    if (!hosts.empty()) {  // a host list, all of it this machine: still a udp job
        origin += ", auto: " + port_note + "--hosts given (all on this host)";
        return "udp";
    }
    origin += ", auto: " + port_note + "all ranks on this host";
    return "shm";
}

std::string choose_backend(const RunOptions& options, const JobEnv& env, std::string& origin) {
    std::string name;
    if (!options.backend.empty()) {
        name = options.backend;
        origin = "--backend";
    } else if (auto exported = env.get("PAPERS_BACKEND"); exported && !exported->empty()) {
        name = *exported;
        origin = "PAPERS_BACKEND";
    } else {
        name = "sim";
        origin = "default";
    }
    if (!find_launcher(name)) {
        std::string known;
        for (const auto& b : kLaunchers) known += (known.empty() ? "" : ", ") + std::string(b.name);
        throw LaunchError(kExitUsage, "unknown backend '" + name + "' (from " + origin +
                                          "); known backends: " + known);
    }
    if (name == "auto") name = pick_automatically(options, env, origin);
    return name;
}

void set_common_env(JobContext& job) {
    job.env.set("PAPERS_BACKEND", job.backend);
    job.env.set("PAPERS_JOB", job.job_id);
    if (job.options.timeout_s) job.env.set("PAPERS_TIMEOUT", format_seconds(*job.options.timeout_s));
}

}  // namespace papersrun
