// udp_launch.hpp — --backend udp: where the ranks run and how they meet.
//
//   papersrun -np 4 --backend udp PROG            4 ranks here, on loopback
//   papersrun --backend udp --hosts a,b,c PROG    rank i on host i (-np optional)
//   papersrun --backend udp --hostfile F PROG     one host[:port] per line
//
// papersrun sets PAPERS_HOSTS (host:port of every rank; free loopback ports
// when no hosts are given) and PAPERS_KEY (32 random bytes from the kernel,
// unless the user exported one). The key travels only in the environment
// of local ranks and on the standard input of ssh for remote ranks — never
// on a command line, where ps(1) would show it. A host that is not an
// address of this machine (getifaddrs) nor its name nor "localhost" is
// remote: its rank runs as
//   ssh -o BatchMode=yes HOST 'read -r PAPERS_KEY && export PAPERS_KEY &&
//        { cd CWD || :; } && exec env PAPERS_RANK=.. PAPERS_SIZE=.. ... /abs/PROGRAM ARGS'
// with the key on ssh's stdin ($PAPERS_SSH replaces ssh). The program must
// exist at the same path on every host. docs/udp.md.
#pragma once
#include <string>
#include <vector>

namespace papersrun {

struct JobContext;
struct SpawnSpec;

// Backend table hooks (launchers.cpp).
void check_udp(JobContext& job);
void prepare_udp(JobContext& job);

// Pure helpers (unit-testable):
// Hosts from --hosts (comma-separated) or a hostfile (one per line, '#'
// comments and blank lines ignored). Throws LaunchError on a bad file.
std::vector<std::string> read_hostfile(const std::string& path);
std::vector<std::string> split_hosts(const std::string& list);
// The host part of "host", "host:port" or "[v6]:port".
std::string host_part(const std::string& entry);
// True for this machine's names and addresses ("localhost", 127.0.0.1, ::1,
// its host name, an address of one of its interfaces): a rank there runs here.
bool is_local_rank_host(const std::string& host);
// Quotes a word for a POSIX shell ('...' with ' escaped).
std::string shell_quote(const std::string& word);
// The remote command line run by ssh for one rank (without the key).
std::string remote_command(const std::vector<std::string>& env_without_key,
                           const std::string& program, const std::vector<std::string>& args,
                           const std::string& cwd);

// Rewrites rank `rank`'s spawn into an ssh when its host is remote
// (JobContext::wrap_rank).
void wrap_udp_rank(const JobContext& job, int rank, SpawnSpec& spec);

}  // namespace papersrun
