#include "cluster.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "child_processes.hpp"
#include "launch_error.hpp"
#include "namespaces.hpp"
#include "program_path.hpp"

extern char** environ;

namespace papers::dipc_test {

namespace {

using papersrun::Daemon;
using papersrun::DaemonSpec;
using Clock = std::chrono::steady_clock;

constexpr const char* kSubnet = "10.77.0";

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> environment_without(const std::vector<std::string>& names) {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        if (std::find(names.begin(), names.end(), name) == names.end()) env.push_back(entry);
    }
    return env;
}

void set_var(std::vector<std::string>& env, const std::string& entry) {
    const std::string name = entry.substr(0, entry.find('=') + 1);
    std::erase_if(env, [&](const std::string& e) { return e.rfind(name, 0) == 0; });
    env.push_back(entry);
}

bool process_alive(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM; }

// Namespaces "pdipc-<pid>-..." of test processes that are gone.
void remove_stale_namespaces() {
    DIR* d = opendir("/run/netns");
    if (!d) return;
    std::vector<std::string> stale;
    while (dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        if (name.rfind("pdipc-", 0) != 0) continue;
        const pid_t owner = static_cast<pid_t>(std::atoi(name.c_str() + 6));
        if (owner > 0 && owner != getpid() && !process_alive(owner)) stale.push_back(name);
    }
    closedir(d);
    for (const auto& name : stale) {
        pid_t pid = fork();
        if (pid == 0) {
            const int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
            execlp("ip", "ip", "netns", "del", name.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        if (pid > 0) waitpid(pid, nullptr, 0);
    }
}

// A process that only keeps a new IPC namespace alive, so that every
// process of a host can join it. Dies with the test (PDEATHSIG).
pid_t start_ipc_holder() {
    papersrun::NamespaceRequest request;
    request.new_ipc = true;
    papersrun::PreparedNamespaces ns(request);
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(strerror(errno)));
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(1);
        papersrun::NamespaceStep step = papersrun::NamespaceStep::none;
        int result[2] = {ns.enter(step), static_cast<int>(step)};
        ssize_t ignored = write(p[1], result, sizeof result);
        (void)ignored;
        if (result[0] != 0) _exit(1);
        for (;;) pause();
    }
    close(p[1]);
    int result[2] = {0, 0};
    pollfd pf{p[0], POLLIN, 0};
    const bool answered = pid > 0 && poll(&pf, 1, 10000) > 0 && read(p[0], result, sizeof result) == sizeof result;
    close(p[0]);
    if (!answered || result[0] != 0) {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        throw std::runtime_error(answered ? papersrun::describe_namespace_failure(
                                                static_cast<papersrun::NamespaceStep>(result[1]), result[0], "")
                                          : "the IPC namespace holder did not start");
    }
    return pid;
}

std::atomic<int> g_cluster_number{0};

}  // namespace

std::string default_dipcd() {
#ifdef DIPC_TEST_DIPCD
    return DIPC_TEST_DIPCD;
#else
    return "papers-dipcd";
#endif
}

std::string default_preload() {
#ifdef DIPC_TEST_PRELOAD
    return DIPC_TEST_PRELOAD;
#else
    return "";
#endif
}

// ---- HostProcess -------------------------------------------------------------

HostProcess::HostProcess(pid_t pid, int out_fd, int err_fd) : pid_(pid), out_fd_(out_fd), err_fd_(err_fd) {}

HostProcess::HostProcess(HostProcess&& o) noexcept
    : pid_(o.pid_), out_fd_(o.out_fd_), err_fd_(o.err_fd_), reaped_(o.reaped_), status_(o.status_),
      out_(std::move(o.out_)), err_(std::move(o.err_)) {
    o.pid_ = -1;
    o.out_fd_ = o.err_fd_ = -1;
}

HostProcess::~HostProcess() {
    if (pid_ > 0 && !reaped_) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    for (int fd : {out_fd_, err_fd_})
        if (fd >= 0) close(fd);
}

void HostProcess::signal(int sig) {
    if (pid_ > 0 && !reaped_) kill(pid_, sig);
}

void HostProcess::pump(int timeout_ms) {
    pollfd p[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (poll(p, 2, timeout_ms) <= 0) return;
    std::pair<int*, std::string*> streams[2] = {{&out_fd_, &out_}, {&err_fd_, &err_}};
    for (int i = 0; i < 2; ++i) {
        if (!p[i].revents) continue;
        char buf[65536];
        const ssize_t n = read(*streams[i].first, buf, sizeof buf);
        if (n > 0) {
            streams[i].second->append(buf, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            close(*streams[i].first);
            *streams[i].first = -1;
        }
    }
}

bool HostProcess::wait_for_output(const std::string& needle, double timeout_s) {
    const auto start = Clock::now();
    while (out_.find(needle) == std::string::npos) {
        if (out_fd_ < 0 && err_fd_ < 0) return false;
        const double left = timeout_s - seconds_since(start);
        if (left <= 0) return false;
        pump(static_cast<int>(std::min(left, 0.1) * 1000) + 1);
    }
    return true;
}

HostProcess::Result HostProcess::wait(double timeout_s) {
    const auto start = Clock::now();
    Result r;
    while (!reaped_) {
        if (waitpid(pid_, &status_, WNOHANG) == pid_) {
            reaped_ = true;
            break;
        }
        if (seconds_since(start) >= timeout_s) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status_, 0);
            reaped_ = true;
            r.timed_out = true;
            break;
        }
        pump(20);
    }
    // Output after the exit (bounded: a child of the process may hold the pipes).
    while ((out_fd_ >= 0 || err_fd_ >= 0) && seconds_since(start) < timeout_s + 2) pump(50);
    r.wait_status = status_;
    r.exit_code = r.timed_out ? -1 : papersrun::exit_code_of(status_);
    r.out = out_;
    r.err = err_;
    return r;
}

// ---- DipcCluster -----------------------------------------------------------

DipcCluster::DipcCluster(ClusterOptions options) : options_(std::move(options)) {}

std::unique_ptr<DipcCluster> DipcCluster::start(const ClusterOptions& options) {
    if (options.hosts < 1 || options.hosts > 200)
        throw std::invalid_argument("DipcCluster: hosts must be 1..200");
    std::unique_ptr<DipcCluster> c(new DipcCluster(options));
    const char* tmp = getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/pdipc-test-XXXXXX";
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp " + templ + ": " + strerror(errno));
    // Searchable by everyone (not listable): processes of other users reach
    // the hosts' sockets, as under /run/papers-dipc; the key stays 0600.
    chmod(templ.c_str(), 0711);
    c->dir_ = templ;
    try {
        if (options.network_namespaces) c->make_network();
        c->start_daemons();
    } catch (const std::exception& e) {
        const std::string logs = c->all_logs();
        c->stop();
        throw std::runtime_error(std::string("DipcCluster::start: ") + e.what() + (logs.empty() ? "" : "\n" + logs));
    }
    return c;
}

DipcCluster::~DipcCluster() { stop(); }

std::string DipcCluster::run_ip(const std::vector<std::string>& args) {
    int err[2];
    if (pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    papersrun::SpawnSpec s;
    std::string why;
    const char* path = getenv("PATH");
    s.path = papersrun::find_program("ip", path && *path ? path : "/usr/sbin:/sbin:/usr/bin:/bin", why);
    if (s.path.empty()) s.path = "/usr/sbin/ip";
    s.argv = {"ip"};
    s.argv.insert(s.argv.end(), args.begin(), args.end());
    s.env = environment_without({});
    s.stdout_fd = err[1];
    s.stderr_fd = err[1];
    pid_t pid = -1;
    try {
        pid = papersrun::spawn_process(s);
    } catch (...) {
        close(err[0]);
        close(err[1]);
        throw;
    }
    close(err[1]);
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
    close(err[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        std::string cmd = "ip";
        for (const auto& a : args) cmd += " " + a;
        throw std::runtime_error(cmd + " failed: " + text);
    }
    return text;
}

void DipcCluster::make_network() {
    if (geteuid() != 0) throw std::runtime_error("network namespaces need root (ip netns add)");
    remove_stale_namespaces();
    ns_prefix_ = "pdipc-" + std::to_string(getpid()) + "-" + std::to_string(g_cluster_number++);
    const std::string sw = ns_prefix_ + "-sw";
    run_ip({"netns", "add", sw});
    namespaces_.push_back(sw);
    run_ip({"-n", sw, "link", "add", "br0", "type", "bridge"});
    run_ip({"-n", sw, "link", "set", "br0", "up"});
    // One namespace per node, its eth0 a veth whose peer is a bridge port.
    auto add_node = [&](const std::string& ns, const std::string& port, const std::string& address) {
        run_ip({"netns", "add", ns});
        namespaces_.push_back(ns);
        run_ip({"-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns});
        run_ip({"-n", sw, "link", "set", port, "master", "br0"});
        run_ip({"-n", sw, "link", "set", port, "up"});
        run_ip({"-n", ns, "addr", "add", address + "/24", "dev", "eth0"});
        run_ip({"-n", ns, "link", "set", "eth0", "up"});
        run_ip({"-n", ns, "link", "set", "lo", "up"});
    };
    referee_netns_ = ns_prefix_ + "-ref";
    add_node(referee_netns_, "ref", std::string(kSubnet) + ".1");
    hosts_.resize(static_cast<size_t>(options_.hosts));
    for (int i = 0; i < options_.hosts; ++i) {
        Host& h = hosts_[static_cast<size_t>(i)];
        h.netns = ns_prefix_ + "-h" + std::to_string(i);
        h.address = std::string(kSubnet) + "." + std::to_string(10 + i);
        add_node(h.netns, "h" + std::to_string(i), h.address);
    }
}

void DipcCluster::start_daemons() {
    const bool netns = options_.network_namespaces;
    hosts_.resize(static_cast<size_t>(options_.hosts));
    papersrun::generate_cluster_key(options_.dipcd, key_file(), watch_);
    const std::string allow = netns ? std::string(kSubnet) + ".0/24" : "127.0.0.0/8";
    const std::vector<std::string> env = environment_without({"LD_PRELOAD"});
    auto spec = [&](const std::string& name, const std::string& address, const std::string& ns,
                    std::vector<std::string> args) {
        DaemonSpec s;
        s.label = name;
        s.dipcd = options_.dipcd;
        s.env = env;
        s.log_path = dir_ + "/" + name + ".log";
        s.netns_path = ns.empty() ? "" : "/run/netns/" + ns;
        args.insert(args.end(), {"--name", name, "--listen", address + ":0", "--allow", allow, "--key-file", key_file()});
        args.insert(args.end(), options_.daemon_args.begin(), options_.daemon_args.end());
        s.args = std::move(args);
        return s;
    };

    std::vector<std::string> referee_args{"--serve-referee", "--socket", ""};
    referee_args.insert(referee_args.end(), options_.referee_args.begin(), options_.referee_args.end());
    referee_ = papersrun::start_daemon(spec("referee", referee_address(), referee_netns_, referee_args));
    papersrun::await_ready({&referee_}, options_.ready_timeout_s, "ClusterOptions::ready_timeout_s", watch_);

    std::vector<Daemon*> started;
    for (int i = 0; i < options_.hosts; ++i) {
        Host& h = hosts_[static_cast<size_t>(i)];
        if (h.address.empty()) h.address = "127.0.0.1";
        h.socket = dir_ + "/host-" + std::to_string(i) + ".sock";
        h.ipc_holder = start_ipc_holder();
        const std::string referee = referee_address() + ":" + std::to_string(referee_.port);
        h.daemon = papersrun::start_daemon(spec("host-" + std::to_string(i), h.address, h.netns,
                                                {"--referee", referee, "--socket", h.socket}));
        started.push_back(&h.daemon);
    }
    papersrun::await_ready(started, options_.ready_timeout_s, "ClusterOptions::ready_timeout_s", watch_);
}

void DipcCluster::stop() {
    if (stopped_) return;
    stopped_ = true;
    std::vector<Daemon*> all{&referee_};
    for (Host& h : hosts_) all.push_back(&h.daemon);
    papersrun::stop_daemons(all, 2.0, watch_);
    for (Host& h : hosts_)
        if (h.ipc_holder > 0) {
            kill(h.ipc_holder, SIGKILL);
            waitpid(h.ipc_holder, nullptr, 0);
            h.ipc_holder = -1;
        }
    // Stop processes first: a namespace with processes in it outlives `ip netns del`.
    for (auto it = namespaces_.rbegin(); it != namespaces_.rend(); ++it) {
        try {
            run_ip({"netns", "del", *it});
        } catch (const std::exception&) {
            // Reported by namespace_names() still existing; nothing else to do here.
        }
    }
    namespaces_.clear();
    if (!dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
}

const std::string& DipcCluster::socket_path(int host) const { return hosts_.at(static_cast<size_t>(host)).socket; }
std::string DipcCluster::host_address(int host) const { return hosts_.at(static_cast<size_t>(host)).address; }
std::string DipcCluster::referee_address() const {
    return options_.network_namespaces ? std::string(kSubnet) + ".1" : "127.0.0.1";
}
int DipcCluster::daemon_port(int host) const { return hosts_.at(static_cast<size_t>(host)).daemon.port; }
int DipcCluster::referee_port() const { return referee_.port; }
pid_t DipcCluster::daemon_pid(int host) const { return hosts_.at(static_cast<size_t>(host)).daemon.pid; }
pid_t DipcCluster::referee_pid() const { return referee_.pid; }
std::string DipcCluster::netns_name(int host) const { return hosts_.at(static_cast<size_t>(host)).netns; }
std::string DipcCluster::referee_netns_name() const { return referee_netns_; }

std::vector<std::string> DipcCluster::namespace_names() const {
    if (ns_prefix_.empty()) return {};
    std::vector<std::string> names{ns_prefix_ + "-sw", referee_netns_};
    for (const Host& h : hosts_) names.push_back(h.netns);
    return names;
}

HostProcess DipcCluster::run_on_host(int host, const std::vector<std::string>& argv,
                                     const std::vector<std::string>& env) {
    const Host& h = hosts_.at(static_cast<size_t>(host));
    if (argv.empty()) throw std::invalid_argument("run_on_host: empty argv");
    papersrun::SpawnSpec s;
    s.path = argv[0];
    s.argv = argv;
    s.env = environment_without({"LD_PRELOAD", "PAPERS_DIPC_SOCKET"});
    if (!options_.preload.empty()) s.env.push_back("LD_PRELOAD=" + options_.preload);
    s.env.push_back("PAPERS_DIPC_SOCKET=" + h.socket);
    for (const auto& e : env) set_var(s.env, e);
    s.namespaces.join_ipc_of = h.ipc_holder;
    s.namespaces.netns_path = h.netns.empty() ? "" : "/run/netns/" + h.netns;
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    if (pipe2(err, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        throw std::runtime_error("pipe");
    }
    s.stdout_fd = out[1];
    s.stderr_fd = err[1];
    pid_t pid = -1;
    try {
        pid = papersrun::spawn_process(s);
    } catch (const papersrun::LaunchError& e) {
        for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
        throw std::runtime_error(std::string("run_on_host: ") + e.what());
    }
    close(out[1]);
    close(err[1]);
    return HostProcess(pid, out[0], err[0]);
}

void DipcCluster::kill_daemon(int host, int sig) {
    const pid_t pid = daemon_pid(host);
    if (pid > 0 && !watch_.exited(pid)) kill(pid, sig);
}

void DipcCluster::kill_referee(int sig) {
    if (referee_.pid > 0 && !watch_.exited(referee_.pid)) kill(referee_.pid, sig);
}

bool DipcCluster::daemon_exited(int host, double timeout_s) {
    return watch_.wait_exit({daemon_pid(host)}, papersrun::deadline_after(timeout_s));
}

bool DipcCluster::referee_exited(double timeout_s) {
    return watch_.wait_exit({referee_.pid}, papersrun::deadline_after(timeout_s));
}

std::string DipcCluster::daemon_log(int host) const {
    return read_file(dir_ + "/host-" + std::to_string(host) + ".log");
}

std::string DipcCluster::referee_log() const { return read_file(dir_ + "/referee.log"); }

std::string DipcCluster::all_logs() const {
    std::string out = papersrun::log_tail(dir_ + "/referee.log", "[referee] ", 200);
    for (int i = 0; i < static_cast<int>(hosts_.size()); ++i)
        out += papersrun::log_tail(dir_ + "/host-" + std::to_string(i) + ".log",
                                   "[host-" + std::to_string(i) + "] ", 200);
    return out;
}

}  // namespace papers::dipc_test
