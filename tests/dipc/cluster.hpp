// cluster.hpp — a DIPC cluster on one machine for the tests (ctest -L dipc).
//
//   auto c = DipcCluster::start({.hosts = 3});          // referee + 3 hosts on loopback
//   auto c = DipcCluster::start({.hosts = 2, .network_namespaces = true});
//   HostProcess p = c->run_on_host(1, {"/path/prog", "arg"}, {"PAPERS_DIPC_KEYS=all"});
//   HostProcess::Result r = p.wait(30);                 // exit code, stdout, stderr
//   c->kill_daemon(0, SIGKILL);  c->kill_referee();  c->daemon_log(1);
//
// A host is a papers-dipcd (its own Unix socket, TCP on the host's address)
// plus an IPC namespace that every process run on it shares (kept by a
// holder process), so hosts never share System V structures through the
// kernel. The referee is a daemon of its own with no socket. Daemons are
// started by the same code as papersrun --dipc's (tools/papersrun/
// dipc_daemons.hpp), with a key from papers-dipcd --gen-key.
//
// With network_namespaces (needs root and ip(8)), the referee and every
// host live in their own network namespace, connected by veth pairs to a
// bridge in a further "switch" namespace: the referee is 10.77.0.1, host i
// is 10.77.0.(10+i), so traffic between daemons crosses a real (virtual)
// network path. The namespaces are named pdipc-<pid>-<n>-*; nothing of the
// root namespace is touched, so concurrent test runs cannot collide, and
// namespaces left by a test process that died are removed by the next one.
//
// Everything (processes, daemons, holders, the temp directory, namespaces)
// is removed by stop() or the destructor.
#pragma once
#include <csignal>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include "dipc_daemons.hpp"

namespace papers::dipc_test {

std::string default_dipcd();    // the papers-dipcd built with the tests
std::string default_preload();  // libpapers_dipc.so built with the tests, or ""

struct ClusterOptions {
    int hosts = 2;
    bool network_namespaces = false;
    std::string dipcd = default_dipcd();
    // LD_PRELOAD of processes started with run_on_host ("" = none).
    std::string preload = default_preload();
    std::vector<std::string> daemon_args = {};   // extra options of every daemon (--heartbeat-ms 50 ...)
    std::vector<std::string> referee_args = {};  // extra options of the referee only (limits: --semopm 8 ...)
    double ready_timeout_s = 30;
};

// A process started on a host. Its stdout and stderr are captured.
class HostProcess {
public:
    struct Result {
        int exit_code = -1;     // exit status, 128 + signal, or -1 after a timeout kill
        int wait_status = 0;
        bool timed_out = false;
        std::string out, err;
    };

    HostProcess(pid_t pid, int out_fd, int err_fd);
    HostProcess(HostProcess&& other) noexcept;
    HostProcess& operator=(HostProcess&&) = delete;
    HostProcess(const HostProcess&) = delete;
    ~HostProcess();  // SIGKILLs and reaps it if still running

    pid_t pid() const { return pid_; }
    void signal(int sig);
    // Reads output until `needle` appears on stdout; false after `timeout_s`.
    bool wait_for_output(const std::string& needle, double timeout_s);
    // Waits for the exit and the end of output; after `timeout_s` the
    // process is SIGKILLed and the result says timed_out.
    Result wait(double timeout_s = 30);
    const std::string& out() const { return out_; }
    const std::string& err() const { return err_; }

private:
    void pump(int timeout_ms);
    pid_t pid_ = -1;
    int out_fd_ = -1, err_fd_ = -1;
    bool reaped_ = false;
    int status_ = 0;
    std::string out_, err_;
};

class DipcCluster {
public:
    // Starts the referee and the hosts and waits until all are ready.
    // Throws std::runtime_error (with the daemons' logs) when they are not.
    static std::unique_ptr<DipcCluster> start(const ClusterOptions& options = {});
    ~DipcCluster();
    DipcCluster(const DipcCluster&) = delete;
    DipcCluster& operator=(const DipcCluster&) = delete;

    // Stops everything and removes every trace; idempotent.
    void stop();

    int hosts() const { return static_cast<int>(hosts_.size()); }
    const std::string& socket_path(int host) const;
    std::string host_address(int host) const;   // 127.0.0.1, or 10.77.0.(10+host)
    std::string referee_address() const;        // 127.0.0.1, or 10.77.0.1
    int daemon_port(int host) const;
    int referee_port() const;
    pid_t daemon_pid(int host) const;
    pid_t referee_pid() const;
    std::string netns_name(int host) const;     // "" without network namespaces
    std::string referee_netns_name() const;
    std::vector<std::string> namespace_names() const;  // every netns this cluster made
    const std::string& dir() const { return dir_; }
    std::string key_file() const { return dir_ + "/cluster.key"; }

    // Starts argv[0] (a path) as a local process of `host`: in the host's
    // IPC (and network) namespace, with PAPERS_DIPC_SOCKET = its socket and
    // LD_PRELOAD = options.preload, plus `env` ("NAME=value", overriding).
    HostProcess run_on_host(int host, const std::vector<std::string>& argv,
                            const std::vector<std::string>& env = {});

    void kill_daemon(int host, int sig = SIGKILL);
    void kill_referee(int sig = SIGKILL);
    // True once the daemon (or referee) exited, waiting up to `timeout_s`.
    bool daemon_exited(int host, double timeout_s = 0);
    bool referee_exited(double timeout_s = 0);

    std::string daemon_log(int host) const;
    std::string referee_log() const;
    std::string all_logs() const;  // every log, lines prefixed "[name] ", for failure messages

private:
    struct Host {
        papersrun::Daemon daemon;
        std::string socket, address, netns;
        pid_t ipc_holder = -1;  // lives in the host's IPC namespace
    };

    explicit DipcCluster(ClusterOptions options);
    void make_network();
    void start_daemons();
    std::string run_ip(const std::vector<std::string>& args);

    ClusterOptions options_;
    std::string dir_;
    std::string ns_prefix_;  // pdipc-<pid>-<n>; "" without network namespaces
    std::vector<std::string> namespaces_;
    papersrun::Daemon referee_;
    std::string referee_netns_;
    std::vector<Host> hosts_;
    papersrun::DirectChildWatch watch_;
    bool stopped_ = false;
};

}  // namespace papers::dipc_test
