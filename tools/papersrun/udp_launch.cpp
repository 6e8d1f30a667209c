#include "udp_launch.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>

#include "launchers.hpp"
#include "child_processes.hpp"
#include "launch_error.hpp"
#include "program_path.hpp"

namespace papersrun {

namespace {

std::vector<std::string> hosts_of(const JobContext& job) { return listed_hosts(job.options); }

// Free UDP ports on 127.0.0.1, distinct. (Another program may take one
// before the rank binds it; the rank then fails with a clear EBUSY.)
std::vector<int> free_loopback_ports(int n) {
    std::vector<int> ports;
    std::vector<int> fds;
    for (int i = 0; i < n; ++i) {
        const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
            getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
            const int e = errno;
            for (int f : fds) close(f);
            if (fd >= 0) close(fd);
            throw LaunchError(kExitLaunchFailure,
                              std::string("cannot find a free UDP port on 127.0.0.1: ") + std::strerror(e));
        }
        fds.push_back(fd);  // held open until all are chosen, so they differ
        ports.push_back(ntohs(a.sin_port));
    }
    for (int f : fds) close(f);
    return ports;
}

std::string random_key_hex() {
    unsigned char key[32];
    std::size_t got = 0;
    while (got < sizeof key) {
        const ssize_t n = getrandom(key + got, sizeof key - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw LaunchError(kExitLaunchFailure,
                              std::string("cannot generate the udp job key: getrandom: ") + std::strerror(errno));
        }
        got += std::size_t(n);
    }
    std::string hex;
    char b[3];
    for (unsigned char c : key) {
        std::snprintf(b, sizeof b, "%02x", c);
        hex += b;
    }
    return hex;
}

bool is_hex_key(const std::string& k) {
    return k.size() == 64 &&
           std::all_of(k.begin(), k.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string shell_quote(const std::string& word) {
    std::string q = "'";
    for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string remote_command(const std::vector<std::string>& env_without_key, const std::string& program,
                           const std::vector<std::string>& args, const std::string& cwd) {
    // Same directory as here when it exists there (shared file systems).
    std::string cmd = "read -r PAPERS_KEY && export PAPERS_KEY && { cd " + shell_quote(cwd) +
                      " 2>/dev/null || :; } && exec env";
    for (const auto& e : env_without_key) cmd += " " + shell_quote(e);
    cmd += " " + shell_quote(program);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    return cmd;
}

void check_udp(JobContext& job) {
    const auto hosts = hosts_of(job);
    if (!job.options.hosts.empty() && !job.options.hostfile.empty())
        throw LaunchError(kExitUsage, "give --hosts or --hostfile, not both");
    if (!hosts.empty() && int(hosts.size()) != job.np)
        throw LaunchError(kExitUsage, "the host list has " + std::to_string(hosts.size()) +
                                          " entries but -np is " + std::to_string(job.np) +
                                          " (one host[:port] per rank; repeat a host to run several "
                                          "ranks on it)");
    if (auto key = job.env.get("PAPERS_KEY"); key && !key->empty() && !is_hex_key(*key))
        throw LaunchError(kExitUsage, "the exported PAPERS_KEY is not 64 hex digits; unset it to "
                                      "let papersrun generate a key");
}

void prepare_udp(JobContext& job) {
    const auto hosts = hosts_of(job);
    std::string list;
    bool remote = false;
    if (hosts.empty()) {
        for (int p : free_loopback_ports(job.np)) list += (list.empty() ? "" : ",") + std::string("127.0.0.1:") + std::to_string(p);
    } else {
        for (const auto& h : hosts) {
            list += (list.empty() ? "" : ",") + h;
            remote = remote || !is_local_rank_host(host_part(h));
        }
    }
    job.env.set("PAPERS_HOSTS", list);
    // A key the user exported is kept (several papersrun calls, one job);
    // otherwise a fresh one per job.
    if (auto key = job.env.get("PAPERS_KEY"); !key || key->empty()) {
        job.env.set("PAPERS_KEY", random_key_hex());
        job.verbose_notes.push_back("udp: fresh job key (in the ranks' environment only)");
    } else {
        job.verbose_notes.push_back("udp: using the exported PAPERS_KEY");
    }
    job.verbose_notes.push_back("udp: PAPERS_HOSTS=" + list);
    if (remote) job.wrap_rank = wrap_udp_rank;
}

void wrap_udp_rank(const JobContext& job, int rank, SpawnSpec& spec) {
    const auto hosts = hosts_of(job);
    if (rank >= int(hosts.size())) return;
    const std::string host = host_part(hosts[std::size_t(rank)]);
    if (is_local_rank_host(host)) return;
    std::string key;
    std::vector<std::string> papers_env, ssh_env;
    for (const auto& e : spec.env) {
        if (e.rfind("PAPERS_KEY=", 0) == 0) {
            key = e.substr(11);
            continue;  // neither on the remote command line nor in ssh's environment
        }
        ssh_env.push_back(e);
        const std::string name = e.substr(0, e.find('='));
        if (e.rfind("PAPERS_", 0) == 0 ||
            std::find(job.remote_env_names.begin(), job.remote_env_names.end(), name) != job.remote_env_names.end())
            papers_env.push_back(e);
    }
    const char* ssh_var = getenv("PAPERS_SSH");
    const std::string ssh = ssh_var && *ssh_var ? ssh_var : "ssh";
    std::vector<std::string> args(spec.argv.begin() + (spec.argv.empty() ? 0 : 1), spec.argv.end());
    char cwd[4096] = "/";
    if (!getcwd(cwd, sizeof cwd)) std::strcpy(cwd, "/");
    // The program by absolute path: the remote shell starts in $HOME.
    const std::string program = spec.path.front() == '/' ? spec.path : std::string(cwd) + "/" + spec.path;
    const std::string cmd = remote_command(papers_env, program, args, cwd);
    // The key on ssh's stdin: a pipe filled now (65 bytes fit in any pipe).
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        throw LaunchError(kExitLaunchFailure, std::string("pipe: ") + std::strerror(errno));
    const std::string line = key + "\n";
    if (write(p[1], line.data(), line.size()) != ssize_t(line.size())) {
        close(p[0]);
        close(p[1]);
        throw LaunchError(kExitLaunchFailure, "cannot pass the key to ssh");
    }
    close(p[1]);
    spec.stdin_fd = p[0];  // closed by the supervisor after the spawn
    // "--": nothing after it is an option, whatever the host list says
    // (the host was validated too: host_entry_problem).
    spec.argv = {ssh, "-o", "BatchMode=yes", "--", host, cmd};
    std::string why;
    const char* path_var = getenv("PATH");
    spec.path = find_program(ssh, path_var ? path_var : "", why);
    if (spec.path.empty())
        throw LaunchError(kExitLaunchFailure, "rank " + std::to_string(rank) + " runs on " + host +
                                                  ", but '" + ssh + "' cannot be run: " + why);
    spec.env = ssh_env;
}

}  // namespace papersrun
