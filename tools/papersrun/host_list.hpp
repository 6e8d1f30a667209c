// host_list.hpp — the hosts of a udp job: --hosts a,b:5,[v6]:7 or a
// hostfile (one host[:port] per line, '#' comments), each entry checked
// before it can reach ssh's command line, and which of them are this
// machine.
#pragma once
#include <string>
#include <vector>

namespace papersrun {

struct RunOptions;

// Hosts from --hosts (comma-separated) or a hostfile (one per line, '#'
// comments and blank lines ignored). Throws LaunchError (usage) on a bad
// list or file, naming the entry and what is wrong with it.
std::vector<std::string> read_hostfile(const std::string& path);
std::vector<std::string> split_hosts(const std::string& list);
// The hosts of --hosts, else of --hostfile, else none.
std::vector<std::string> listed_hosts(const RunOptions& options);
// "" if entry is host[:port] (a DNS name or IPv4 address not starting with
// '-', "[v6]" or a bare IPv6 address; port 1..65535), else what is wrong.
std::string host_entry_problem(const std::string& entry);
// The host part of "host", "host:port" or "[v6]:port".
std::string host_part(const std::string& entry);
// True for this machine's names and addresses ("localhost", 127.0.0.1, ::1,
// its host name, an address of one of its interfaces): a rank there runs
// here, any other through ssh. The one notion of "local" papersrun uses (its
// auto backend choice used to take all of 127.x.y.z as local while the udp
// launcher sent 127.0.0.2 through ssh; the tests rely on the latter to run
// the ssh path on one machine).
bool is_local_rank_host(const std::string& host);

}  // namespace papersrun
