#include "backends.hpp"

#include <array>
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

constexpr std::array<Backend, 7> kBackends{{
    {"sim", "Verilated hub in papers-hubsim (default)", true, check_simulator, prepare_sim},
    {"capers", "virtual LapLink cable: papers-hubsim --mode laplink, -np 2", true, check_capers,
     prepare_capers},
    {"hub", "real hub on a parallel port (--port or PAPERS_PORT)", false, check_hub, prepare_hub},
    {"shm", "shared memory on this machine, no simulator", false, check_nothing, prepare_nothing},
    {"udp", "UDP over Ethernet/loopback (--hosts/--hostfile: ranks over ssh)", false, check_udp,
     prepare_udp},
    {"mpi", "MPI collectives: execs Open MPI's mpirun", false, check_mpi, prepare_mpi},
    {"auto", "pick one (today: sim)", false, nullptr, nullptr},
}};

}  // namespace

std::span<const Backend> backend_table() { return kBackends; }

const Backend* find_backend(std::string_view name) {
    for (const auto& b : kBackends)
        if (b.name == name) return &b;
    return nullptr;
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
    if (!find_backend(name)) {
        std::string known;
        for (const auto& b : kBackends) known += (known.empty() ? "" : ", ") + std::string(b.name);
        throw LaunchError(kExitUsage, "unknown backend '" + name + "' (from " + origin +
                                          "); known backends: " + known);
    }
    // auto: the simulator for now. Later it will pick hub when a port is
    // configured, udp with --hosts, and shm otherwise.
    if (name == "auto") {
        name = "sim";
        origin += ", auto";
    }
    return name;
}

void set_common_env(JobContext& job) {
    job.env.set("PAPERS_BACKEND", job.backend);
    job.env.set("PAPERS_JOB", job.job_id);
    if (job.options.timeout_s) job.env.set("PAPERS_TIMEOUT", format_seconds(*job.options.timeout_s));
}

}  // namespace papersrun
