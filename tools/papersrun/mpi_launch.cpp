#include "mpi_launch.hpp"

#include <cerrno>
#include <unistd.h>

#include "launchers.hpp"
#include "job_supervisor.hpp"
#include "launch_error.hpp"
#include "program_path.hpp"
#include "signal_channel.hpp"

namespace papersrun {

namespace {

std::string seconds(double s) {
    const long whole = static_cast<long>(s);
    return std::to_string(whole < s ? whole + 1 : whole);  // mpirun takes whole seconds
}

}  // namespace

std::string locate_mpirun(const JobContext& job) {
    const std::string name = job.env.get("PAPERS_MPIRUN").value_or("mpirun");
    std::string why;
    std::string path = find_program(name, job.env.get("PATH").value_or(""), why);
    if (path.empty())
        throw LaunchError(kExitUsage, "--backend mpi runs the job with Open MPI's mpirun, but '" +
                                          name + "' " + why +
                                          " (apt-get install openmpi-bin, or set PAPERS_MPIRUN)");
    return path;
}

std::vector<std::string> mpirun_argv(const std::string& mpirun, const JobContext& job,
                                     bool as_root) {
    std::vector<std::string> argv{mpirun};
    if (as_root) argv.push_back("--allow-run-as-root");
    argv.insert(argv.end(), {"--oversubscribe", "-np", std::to_string(job.np)});
    if (job.options.tag_output) argv.push_back("--tag-output");
    if (job.options.job_timeout_s) argv.insert(argv.end(), {"--timeout", seconds(*job.options.job_timeout_s)});
    // Ranks on other hosts get only what -x exports; MPI numbers the ranks,
    // so PAPERS_RANK/PAPERS_SIZE are never passed.
    for (const std::string& kv : job.env.strings()) {
        const std::string name = kv.substr(0, kv.find('='));
        if (name.rfind("PAPERS_", 0) == 0 && name != "PAPERS_RANK" && name != "PAPERS_SIZE" &&
            name != "PAPERS_MPIRUN")
            argv.insert(argv.end(), {"-x", name});
    }
    argv.insert(argv.end(), job.options.command.begin(), job.options.command.end());
    return argv;
}

void check_mpi(JobContext& job) { locate_mpirun(job); }

void prepare_mpi(JobContext& job) {
    const std::string mpirun = locate_mpirun(job);
    job.env.unset("PAPERS_RANK");  // an exported value would contradict MPI's numbering
    job.env.unset("PAPERS_SIZE");
    const auto argv = mpirun_argv(mpirun, job, geteuid() == 0);
    if (job.options.verbose) {
        std::string line;
        for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
        say("backend mpi (" + job.backend_origin + "), job " + job.job_id + ": exec " + line);
    }
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const auto env = job.env.strings();
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    reset_signals_in_child();  // mpirun must see Ctrl-C as papersrun's caller sends it
    execve(mpirun.c_str(), args.data(), envp.data());
    throw LaunchError(kExitLaunchFailure, "cannot exec " + mpirun + ": " + errno_text(errno));
}

}  // namespace papersrun
