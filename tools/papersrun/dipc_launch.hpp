// dipc_launch.hpp — papersrun --dipc: a DIPC cluster for the job
// (docs/papersrun.md, "DIPC jobs").
//
// Before the ranks start, papersrun makes a private job directory
// ($TMPDIR or /tmp, papers-dipc-<job>-XXXXXX, mode 0700) holding a fresh
// cluster key (papers-dipcd --gen-key, mode 0600), the daemons' logs and the
// local sockets, and starts
//   papers-dipcd --name referee --serve-referee --listen 127.0.0.1:0 --socket ''
//                --allow 127.0.0.0/8 --key-file DIR/cluster.key --ready-fd FD
// then, with its port, one daemon per host
//   papers-dipcd --name rank-I --referee 127.0.0.1:PORT --listen 127.0.0.1:0
//                --socket DIR/host-I.sock --allow 127.0.0.0/8
//                --key-file DIR/cluster.key --ready-fd FD
// On one machine every rank is a host of its own: its own daemon, and its
// own IPC namespace (namespaces.hpp), so nothing is shared through the
// local kernel. With --hosts/--hostfile (udp placement), one daemon per
// distinct host (remote ones over ssh, dipc_daemons.hpp), the referee on
// the first host, all listening on 0.0.0.0:0, the allow list being the
// hosts; ranks of one host share its daemon and its kernel, like processes
// of a real host. Once every daemon is ready the local key file is removed
// (daemons read it at start). Each rank gets LD_PRELOAD=libpapers_dipc.so,
// PAPERS_DIPC_SOCKET=its host's socket, PAPERS_DIPC_KEYS (--dipc-keys or
// passed through), and the backend's usual variables.
//
// When the job ends, however it ends, the daemons are stopped (SIGTERM, or
// EOF on ssh's stdin; SIGKILL after a bound), their logs are printed
// (prefixed) if the job failed, and the directory is removed.
#pragma once
#include <string>
#include <vector>

#include "dipc_daemons.hpp"

namespace papersrun {

struct JobContext;
struct SpawnSpec;

// What papersrun keeps about a DIPC job (JobContext::dipc).
struct DipcJob {
    std::string dipcd;  // papers-dipcd to run
    std::string lib;    // libpapers_dipc.so to preload (absolute)
    std::string dir;    // the private job directory, "" until made
    std::vector<Daemon> daemons;              // [0] the referee, then one per host
    std::vector<std::string> rank_socket;     // PAPERS_DIPC_SOCKET of each rank
    std::vector<bool> rank_own_ipc_namespace;
    // The backend's rank wrapper (udp --hosts: ssh), applied after ours.
    void (*inner_wrap)(const JobContext& job, int rank, SpawnSpec& spec) = nullptr;
};

// Checks the --dipc request without side effects (backend, executables,
// PAPERS_DIPC_KEYS) and creates job.dipc. Throws LaunchError.
void check_dipc(JobContext& job);

// Makes the job directory and key, starts and awaits the daemons, extends
// the ranks' environment and wraps their spawn. Throws LaunchError or
// Interrupted; whatever it started is stopped by finish_dipc.
void prepare_dipc(JobContext& job);

// Stops the daemons, prints their logs when `job_failed`, removes the job
// directory. Safe to call when nothing (or only part) was started.
void finish_dipc(JobContext& job, bool job_failed);

// Removes the job directories under `root` that a papersrun killed with
// SIGKILL left behind (it could not clean up; its daemons stopped by
// themselves): papers-dipc-<pid>-<8 hex>-XXXXXX of this user whose pid is
// dead. Returns the paths removed. prepare_dipc calls it.
std::vector<std::string> sweep_stale_job_dirs(const std::string& root);

// "" when `spec` is a valid PAPERS_DIPC_KEYS (flag, all, or a comma list
// of keys and ranges: 0x1234,4096,0x5000-0x50ff), else the problem.
std::string dipc_keys_problem(const std::string& spec);

// Where papersrun looks for the interposer when --dipc-lib is not given:
// next to its own libdir, in the build tree (bin/../lib) and the install
// tree (bin/../<libdir>). Returns "" when neither exists.
std::string default_dipc_library(const std::string& papersrun_dir, std::vector<std::string>& looked_in);

}  // namespace papersrun
