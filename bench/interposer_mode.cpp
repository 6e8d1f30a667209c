#include "interposer_mode.hpp"

#include "record.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace papers::bench {

namespace {

struct Row {
    std::string op, via;
    double median = 0, p99 = 0, reads = 0, writes = 0, ops = 0;
};

std::vector<Row> run_mpi(const std::string& cmd, bool verbose, int& status) {
    if (verbose) std::cerr << "papers-bench: " << cmd << "\n";
    std::vector<Row> rows;
    FILE* f = popen(cmd.c_str(), "r");
    if (!f) {
        status = -1;
        return rows;
    }
    char buf[2048];
    while (std::fgets(buf, sizeof buf, f)) {
        auto kv = parse_json_fields(buf);
        if (kv["bench"] != "mpi_interposer") {
            if (verbose) std::cerr << buf;
            continue;
        }
        auto num = [&](const char* k) { return std::atof(kv[k].c_str()); };
        rows.push_back({kv["op"], kv["via"], num("median_us"), num("p99_us"),
                        num("port_reads_per_call"), num("port_writes_per_call"),
                        num("hub_ops_per_call")});
    }
    status = pclose(f);
    return rows;
}

// Starts papers-hubsim with `ports` ports; returns its pid once it serves.
pid_t start_hubsim(const std::string& exe, const std::string& name, int ports) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        const std::string fd = std::to_string(fds[1]), n = std::to_string(ports);
        execl(exe.c_str(), exe.c_str(), "--name", name.c_str(), "--ports", n.c_str(), "--ready-fd",
              fd.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    char line[8] = {};
    const ssize_t got = read(fds[0], line, sizeof line - 1);  // ends at "ready\n" or exit
    close(fds[0]);
    if (got < 5 || std::string(line, 5) != "ready") {
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
        return -1;
    }
    return pid;
}

}  // namespace

int run_interposer_comparison(const std::filesystem::path& bindir, int np, int iters, bool json,
                              bool verbose) {
    const auto bench = bindir / "mpi_interposer_bench";
    const auto lib = bindir.parent_path() / "lib" / "libpapers_pmpi.so";
    for (const auto& f : {bench, lib, bindir / "papers-hubsim"})
        if (!std::filesystem::exists(f)) {
            std::cerr << "papers-bench: " << f.string()
                      << " is missing (build with MPI installed and tests enabled)\n";
            return 1;
        }
    const std::string mpirun = "mpirun --allow-run-as-root --oversubscribe -np " + std::to_string(np);
    const std::string args = " " + bench.string() + " --iters " + std::to_string(iters);
    int status = 0;
    auto alone = run_mpi("env -u LD_PRELOAD -u PAPERS_SIM " + mpirun + args + " 2>&1", verbose, status);
    if (status != 0 || alone.empty()) {
        std::cerr << "papers-bench: Open MPI run failed (status " << status << ")\n";
        return 1;
    }
    const std::string name = "/papers-bench-" + std::to_string(getpid());
    const pid_t hub = start_hubsim((bindir / "papers-hubsim").string(), name, np);
    if (hub < 0) {
        std::cerr << "papers-bench: papers-hubsim did not start\n";
        return 1;
    }
    auto routed = run_mpi(mpirun + " -x PAPERS_SIM=" + name + " -x LD_PRELOAD=" + lib.string() +
                              args + " 2>&1",
                          verbose, status);
    kill(hub, SIGTERM);
    waitpid(hub, nullptr, 0);
    if (status != 0 || routed.empty()) {
        std::cerr << "papers-bench: interposed run failed (status " << status << ")\n";
        return 1;
    }
    if (!json)
        std::printf("%-20s %3s %16s %16s %9s %9s %9s %12s %8s\n", "MPI call", "np", "interposed_med",
                    "interposed_p99", "reads", "writes", "hub_ops", "openmpi_med", "ratio");
    for (const Row& r : routed) {
        const Row* ref = nullptr;
        for (const Row& a : alone)
            if (a.op == r.op) ref = &a;
        if (!ref) continue;
        if (json)
            std::printf("{\"backend\":\"sim\",\"impl\":\"papers-pmpi\",\"op\":\"%s\",\"np\":%d,"
                        "\"median_us\":%.3f,\"p99_us\":%.3f,\"port_reads\":%.2f,\"port_writes\":%.2f,"
                        "\"hub_ops\":%.2f,\"ref\":\"openmpi\",\"ref_median_us\":%.3f,\"ratio\":%.3f}\n",
                        r.op.c_str(), np, r.median, r.p99, r.reads, r.writes, r.ops, ref->median,
                        r.median / ref->median);
        else
            std::printf("%-20s %3d %16.3f %16.3f %9.2f %9.2f %9.2f %12.3f %8.2f\n", r.op.c_str(), np,
                        r.median, r.p99, r.reads, r.writes, r.ops, ref->median, r.median / ref->median);
    }
    return 0;
}

}  // namespace papers::bench
