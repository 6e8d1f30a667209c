#include "dipc_launch.hpp"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <regex>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "launchers.hpp"
#include "child_processes.hpp"
#include "job_supervisor.hpp"
#include "launch_error.hpp"
#include "line_forwarder.hpp"
#include "program_path.hpp"
#include "udp_launch.hpp"

#ifndef PAPERSRUN_INSTALL_LIBDIR
#define PAPERSRUN_INSTALL_LIBDIR "lib"
#endif

namespace papersrun {

namespace {

constexpr const char* kDipcdName = "papers-dipcd";
constexpr const char* kLibName = "libpapers_dipc.so";
constexpr double kStopGraceS = 2.0;
constexpr std::size_t kLogLinesShown = 40;

std::string absolute(const std::string& path) {
    char buf[PATH_MAX];
    return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

std::string locate_dipcd(const std::string& override_path) {
    std::string why;
    const char* path_var = getenv("PATH");
    if (!override_path.empty()) {
        std::string found = find_program(override_path, path_var ? path_var : "", why);
        if (found.empty()) throw LaunchError(kExitLaunchFailure, "--dipcd " + override_path + ": " + why);
        return absolute(found);
    }
    const std::string dir = self_exe_dir();
    if (!dir.empty()) {
        std::string next_to_us = find_program(dir + "/" + kDipcdName, "", why);
        if (!next_to_us.empty()) return next_to_us;
    }
    std::string on_path = find_program(kDipcdName, path_var ? path_var : "", why);
    if (on_path.empty())
        throw LaunchError(kExitLaunchFailure,
                          std::string("--dipc needs the DIPC daemon papers-dipcd, which was not found "
                                      "(looked in ") +
                              (dir.empty() ? "papersrun's directory" : dir) +
                              " and on PATH); build it (target papers-dipcd) or give --dipcd PATH");
    return absolute(on_path);
}

std::string locate_library(const std::string& override_path) {
    if (!override_path.empty()) {
        struct stat st {};
        if (stat(override_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            throw LaunchError(kExitLaunchFailure, "--dipc-lib " + override_path + ": no such file");
        return absolute(override_path);
    }
    std::vector<std::string> looked;
    std::string lib = default_dipc_library(self_exe_dir(), looked);
    if (lib.empty()) {
        std::string where;
        for (const auto& l : looked) where += (where.empty() ? "" : ", ") + l;
        throw LaunchError(kExitLaunchFailure, "--dipc preloads the DIPC interposer " + std::string(kLibName) +
                                                  " into every rank, but it was not found (looked for " +
                                                  where + "); build it or give --dipc-lib PATH");
    }
    return lib;
}

// Every distinct host of --hosts/--hostfile, in order of first appearance,
// and the index of each rank's host. Empty when the job is on loopback.
struct HostPlan {
    std::vector<std::string> hosts;
    std::vector<int> host_of_rank;
};

HostPlan plan_hosts(const JobContext& job) {
    HostPlan plan;
    std::vector<std::string> entries;
    if (!job.options.hosts.empty()) entries = split_hosts(job.options.hosts);
    else if (!job.options.hostfile.empty()) entries = read_hostfile(job.options.hostfile);
    for (const auto& e : entries) {
        const std::string h = host_part(e);
        auto it = std::find(plan.hosts.begin(), plan.hosts.end(), h);
        if (it == plan.hosts.end()) {
            plan.hosts.push_back(h);
            it = plan.hosts.end() - 1;
        }
        plan.host_of_rank.push_back(static_cast<int>(it - plan.hosts.begin()));
    }
    return plan;
}

std::string bracketed(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string read_key_text(const std::string& path) {
    std::ifstream in(path);
    std::string key;
    std::getline(in, key);
    if (key.size() != 64) throw LaunchError(kExitLaunchFailure, "the job's key file " + path + " is malformed");
    return key;
}

void check_socket_path(const std::string& path) {
    if (path.size() >= sizeof(sockaddr_un{}.sun_path))
        throw LaunchError(kExitLaunchFailure,
                          "the job's socket path " + path + " is longer than a Unix socket path may be (" +
                              std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                              " bytes); set TMPDIR to a shorter directory");
}

std::string temp_root() {
    const char* tmp = getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
}

void make_job_dir(JobContext& job, DipcJob& dj) {
    for (const auto& stale : sweep_stale_job_dirs(temp_root()))
        job.verbose_notes.push_back("dipc: removed " + stale + " (its papersrun is gone)");
    std::string templ = temp_root() + "/papers-dipc-" + job.job_id + "-XXXXXX";
    if (!mkdtemp(templ.data()))  // mode 0700
        throw LaunchError(kExitLaunchFailure, "cannot create the job directory " + templ + ": " + errno_text(errno));
    dj.dir = templ;
    job.verbose_notes.push_back("dipc: job directory " + dj.dir);
}

void register_daemon(JobContext& job, DipcJob& dj, Daemon d) {
    job.helpers.push_back(d.pid);
    job.helper_names[d.pid] = "papers-dipcd " + d.label;
    dj.daemons.push_back(std::move(d));
}

std::string command_line_text(const DaemonSpec& s) {
    std::string text = s.remote_host.empty() ? s.dipcd : "(ssh " + s.remote_host + ") " + s.dipcd;
    for (const auto& a : s.args) text += " " + (a.empty() ? std::string("''") : a);
    return text;
}

// Rank wrapper: the rank's socket and namespace, then the backend's own
// wrapper (udp: a remote rank becomes an ssh, which forwards LD_PRELOAD).
void wrap_dipc_rank(const JobContext& job, int rank, SpawnSpec& spec) {
    const DipcJob& dj = *job.dipc;
    const auto r = static_cast<std::size_t>(rank);
    const std::string var = "PAPERS_DIPC_SOCKET=";
    std::erase_if(spec.env, [&](const std::string& e) { return e.rfind(var, 0) == 0; });
    spec.env.push_back(var + dj.rank_socket.at(r));
    spec.namespaces.new_ipc = dj.rank_own_ipc_namespace.at(r);
    if (dj.inner_wrap) dj.inner_wrap(job, rank, spec);
}

}  // namespace

std::string default_dipc_library(const std::string& papersrun_dir, std::vector<std::string>& looked_in) {
    looked_in.clear();
    if (papersrun_dir.empty()) return "";
    for (const std::string& libdir : {std::string("lib"), std::string(PAPERSRUN_INSTALL_LIBDIR)}) {
        const std::string candidate = papersrun_dir + "/../" + libdir + "/" + kLibName;
        if (std::find(looked_in.begin(), looked_in.end(), candidate) != looked_in.end()) continue;
        looked_in.push_back(candidate);
        struct stat st {};
        if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return absolute(candidate);
    }
    return "";
}

std::vector<std::string> sweep_stale_job_dirs(const std::string& root) {
    // Only local job directories (mkdtemp's 6-character suffix); the
    // "-referee"/"-host-N" directories of remote daemons name another
    // machine's papersrun and are never touched.
    static const std::regex local_dir("papers-dipc-([0-9]+)-[0-9a-f]{8}-[A-Za-z0-9]{6}");
    std::vector<std::string> removed;
    DIR* d = opendir(root.c_str());
    if (!d) return removed;
    std::vector<std::string> stale;
    while (dirent* e = readdir(d)) {
        std::cmatch m;
        if (!std::regex_match(e->d_name, m, local_dir)) continue;
        const std::string path = root + "/" + e->d_name;
        struct stat st {};
        const pid_t owner = static_cast<pid_t>(std::stol(m[1].str()));
        if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) continue;
        if (kill(owner, 0) == 0 || errno == EPERM) continue;  // its papersrun (or a namesake) lives
        stale.push_back(path);
    }
    closedir(d);
    for (const auto& path : stale) {
        std::error_code ec;
        if (std::filesystem::remove_all(path, ec) > 0 && !ec) removed.push_back(path);
    }
    return removed;
}

std::string dipc_keys_problem(const std::string& spec) {
    if (spec == "flag" || spec == "all") return "";
    if (spec.empty()) return "empty (use flag, all, or a list such as 0x1234,0x5000-0x50ff)";
    auto number = [](const std::string& t, unsigned long long& v) {
        if (t.empty() || t[0] == '-' || t[0] == '+' || t.find_first_of(" \t") != std::string::npos) return false;
        char* end = nullptr;
        errno = 0;
        v = std::strtoull(t.c_str(), &end, t.rfind("0x", 0) == 0 || t.rfind("0X", 0) == 0 ? 16 : 10);
        return errno == 0 && end && *end == '\0' && v <= 0xffffffffULL;
    };
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = spec.find(',', start);
        const std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const std::size_t dash = item.find('-');
        unsigned long long lo = 0, hi = 0;
        const bool ok = dash == std::string::npos
                            ? number(item, lo)
                            : number(item.substr(0, dash), lo) && number(item.substr(dash + 1), hi) && lo <= hi;
        if (!ok)
            return "'" + item + "' is not a key (decimal or 0x hex, at most 0xffffffff) nor a range LOW-HIGH";
        if (comma == std::string::npos) return "";
        start = comma + 1;
    }
}

void check_dipc(JobContext& job) {
    const RunOptions& o = job.options;
    if (job.backend == "mpi")
        throw LaunchError(kExitUsage, "--dipc starts the ranks itself (each with its own daemon socket "
                                      "and IPC namespace); --backend mpi hands them to mpirun. Use another "
                                      "backend (shm, udp, sim...)");
    const std::string keys = !o.dipc_keys.empty() ? o.dipc_keys : job.env.get("PAPERS_DIPC_KEYS").value_or("");
    if (!o.dipc_keys.empty() || job.env.get("PAPERS_DIPC_KEYS"))
        if (std::string p = dipc_keys_problem(keys); !p.empty())
            throw LaunchError(kExitUsage, std::string(o.dipc_keys.empty() ? "the exported PAPERS_DIPC_KEYS"
                                                                          : "--dipc-keys") +
                                              ": " + p);
    auto dj = std::make_shared<DipcJob>();
    dj->dipcd = locate_dipcd(o.dipcd);
    dj->lib = locate_library(o.dipc_lib);
    job.dipc = dj;
}

void prepare_dipc(JobContext& job) {
    DipcJob& dj = *job.dipc;
    JobChildWatch watch(job.processes, job.signals);
    make_job_dir(job, dj);
    const std::string key_file = dj.dir + "/cluster.key";
    generate_cluster_key(dj.dipcd, key_file, watch);

    const HostPlan plan = plan_hosts(job);
    const bool loopback = plan.hosts.empty();
    const int host_count = loopback ? job.np : static_cast<int>(plan.hosts.size());
    const std::string listen = loopback ? "127.0.0.1:0" : "0.0.0.0:0";
    std::string allow = "127.0.0.0/8";
    for (const auto& h : plan.hosts) allow += "," + h;
    const std::vector<std::string> daemon_env = JobEnv::from_process().strings();
    auto is_remote = [&](int host) { return !loopback && !is_local_rank_host(plan.hosts[std::size_t(host)]); };
    const std::string key_text = loopback || std::none_of(plan.hosts.begin(), plan.hosts.end(),
                                                          [](const std::string& h) { return !is_local_rank_host(h); })
                                     ? ""
                                     : read_key_text(key_file);

    // One daemon's spec; `host` -1 = here, `socket` "" = none (the referee).
    auto spec_for = [&](const std::string& label, const std::string& file_name, int host,
                        std::vector<std::string> args, const std::string& socket) {
        DaemonSpec s;
        s.label = label;
        s.dipcd = dj.dipcd;
        s.env = daemon_env;
        s.log_path = dj.dir + "/" + file_name + ".log";
        args.insert(args.end(), {"--listen", listen, "--allow", allow});
        if (job.options.verbose) args.push_back("-v");
        if (host >= 0 && is_remote(host)) {
            s.remote_host = plan.hosts[std::size_t(host)];
            s.remote_dir = "/tmp/papers-dipc-" + job.job_id + "-" + file_name;
            s.key_text = key_text;
            args.insert(args.end(), {"--socket", socket.empty() ? "" : s.remote_dir + "/dipcd.sock"});
        } else {
            args.insert(args.end(), {"--socket", socket, "--key-file", key_file});
        }
        s.args = std::move(args);
        return s;
    };

    // The referee (no local socket), on the first host.
    std::vector<std::string> referee_args{"--name", "referee", "--serve-referee"};
    for (const auto& kv : job.options.dipc_options) {  // checked KEY=VALUE; papers-dipcd checks the rest
        const auto eq = kv.find('=');
        referee_args.push_back("--" + kv.substr(0, eq));
        referee_args.push_back(kv.substr(eq + 1));
    }
    DaemonSpec referee = spec_for("referee", "referee", loopback ? -1 : 0, referee_args, "");
    job.verbose_notes.push_back("dipc: " + command_line_text(referee) + " --ready-fd FD");
    register_daemon(job, dj, start_daemon(referee));
    await_ready({&dj.daemons[0]}, job.options.dipc_ready_timeout_s, "--dipc-ready-timeout", watch);
    const std::string referee_at =
        (loopback ? std::string("127.0.0.1") : bracketed(plan.hosts[0])) + ":" + std::to_string(dj.daemons[0].port);

    // One daemon per host, all started before any is awaited.
    std::vector<std::string> host_socket(static_cast<std::size_t>(host_count));
    for (int h = 0; h < host_count; ++h) {
        const std::string label = loopback ? "rank-" + std::to_string(h) : plan.hosts[std::size_t(h)];
        const std::string file_name = "host-" + std::to_string(h);
        const std::string local_socket = dj.dir + "/" + file_name + ".sock";
        check_socket_path(local_socket);
        DaemonSpec s = spec_for(label, file_name, loopback ? -1 : h, {"--name", label, "--referee", referee_at},
                                local_socket);
        host_socket[std::size_t(h)] = s.remote_host.empty() ? local_socket : s.remote_dir + "/dipcd.sock";
        job.verbose_notes.push_back("dipc: " + command_line_text(s) + " --ready-fd FD");
        register_daemon(job, dj, start_daemon(s));
    }
    std::vector<Daemon*> hosts;
    for (std::size_t i = 1; i < dj.daemons.size(); ++i) hosts.push_back(&dj.daemons[i]);
    await_ready(hosts, job.options.dipc_ready_timeout_s, "--dipc-ready-timeout", watch);
    // Every daemon has read the key; a copy left on disk is only a liability.
    unlink(key_file.c_str());

    for (int r = 0; r < job.np; ++r) {
        const int h = loopback ? r : plan.host_of_rank.at(std::size_t(r));
        dj.rank_socket.push_back(host_socket[std::size_t(h)]);
        dj.rank_own_ipc_namespace.push_back(loopback);
    }
    const std::string preload = job.env.get("LD_PRELOAD").value_or("");
    // In a sanitizer build (docs/reliability.md) the ranks are instrumented too, and the
    // sanitizer's runtime must come before any preloaded library or it refuses to start.
#ifdef PAPERS_SANITIZER_RUNTIME
    const std::string runtime_first = PAPERS_SANITIZER_RUNTIME ":";
#else
    const std::string runtime_first;
#endif
    job.env.set("LD_PRELOAD", runtime_first + dj.lib + (preload.empty() ? "" : ":" + preload));
    if (!job.options.dipc_keys.empty()) job.env.set("PAPERS_DIPC_KEYS", job.options.dipc_keys);
    job.remote_env_names.push_back("LD_PRELOAD");
    dj.inner_wrap = job.wrap_rank;
    job.wrap_rank = wrap_dipc_rank;
    std::string ports;
    for (const Daemon& d : dj.daemons)
        ports += (ports.empty() ? "" : ", ") + d.label + " pid " + std::to_string(d.pid) + " port " +
                 std::to_string(d.port);
    job.verbose_notes.push_back("dipc: daemons ready (" + ports + "); LD_PRELOAD=" + dj.lib);
}

void finish_dipc(JobContext& job, bool job_failed) {
    if (!job.dipc) return;
    DipcJob& dj = *job.dipc;
    JobChildWatch watch(job.processes, job.signals);
    std::vector<Daemon*> all;
    for (Daemon& d : dj.daemons) all.push_back(&d);
    if (!stop_daemons(all, kStopGraceS, watch)) say("a papers-dipcd of the job would not die");
    if (job_failed) {
        for (const Daemon& d : dj.daemons) {
            const std::string tail = log_tail(d.log_path, "[papers-dipcd " + d.label + "] ", kLogLinesShown);
            if (!tail.empty()) fd_sink(2)(tail);
        }
    }
    if (!dj.dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(dj.dir, ec);
        if (ec) say("cannot remove the job directory " + dj.dir + ": " + ec.message());
        dj.dir.clear();
    }
    dj.daemons.clear();
}

}  // namespace papersrun
