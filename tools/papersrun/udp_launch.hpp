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
//   ssh -o BatchMode=yes -- HOST 'read -r PAPERS_KEY && export PAPERS_KEY &&
//        { cd CWD || :; } && exec env PAPERS_RANK=.. PAPERS_SIZE=.. ... /abs/PROGRAM ARGS'
// with the key on ssh's stdin ($PAPERS_SSH replaces ssh). The program must
// exist at the same path on every host. docs/udp.md.
#pragma once
#include <string>
#include <vector>

#include "host_list.hpp"

namespace papersrun {

struct JobContext;
struct SpawnSpec;

// Backend table hooks (launchers.cpp).
void check_udp(JobContext& job);
void prepare_udp(JobContext& job);

// Pure helpers (unit-testable); the host list is host_list.hpp.
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
