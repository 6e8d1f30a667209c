// dipc_daemons.hpp — starting, awaiting and stopping papers-dipcd daemons:
// one implementation for papersrun --dipc and for the DIPC test harness
// (tests/dipc/cluster.hpp).
//
// A daemon runs here (optionally in a network namespace), or on another
// host through ssh. Here:
//   papers-dipcd ARGS --ready-fd N          stdout+stderr appended to its log
// Over ssh ($PAPERS_SSH replaces ssh; see remote_daemon_script):
//   ssh -o BatchMode=yes HOST SCRIPT        the key on ssh's stdin, never on a
//                                           command line; ssh's stdout carries
//                                           the ready line, its stderr the log
// Either way it is ready when it writes "ready PORT\n" (papers-dipcd's
// --ready-fd contract). A daemon that exits or closes the pipe first, or
// stays silent past the deadline, is a LaunchError naming it.
#pragma once
#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace papersrun {

class ProcessTable;
class SignalChannel;

using Deadline = std::chrono::steady_clock::time_point;
Deadline deadline_after(double seconds);

// How the caller learns that its children exited. papersrun reaps every
// child (it is a subreaper) and hears signals on a signalfd; a test process
// reaps only its own daemons' pids.
class ChildWatch {
public:
    virtual ~ChildWatch() = default;
    virtual bool exited(pid_t pid) = 0;  // reaps without blocking
    virtual int status(pid_t pid) = 0;   // wait status, valid once exited()
    virtual bool wait_exit(const std::vector<pid_t>& pids, Deadline deadline) = 0;
    // A descriptor to poll while waiting for ready lines (-1: none), and what
    // to do when it is readable (papersrun: throws Interrupted on Ctrl-C).
    virtual int wake_fd() { return -1; }
    virtual void on_wake() {}
};

// papersrun's: its ProcessTable and SignalChannel. A stop request while
// waiting for ready lines throws Interrupted.
class JobChildWatch : public ChildWatch {
public:
    JobChildWatch(ProcessTable& processes, SignalChannel& signals) : processes_(processes), signals_(signals) {}
    bool exited(pid_t pid) override;
    int status(pid_t pid) override;
    bool wait_exit(const std::vector<pid_t>& pids, Deadline deadline) override;
    int wake_fd() override;
    void on_wake() override;

private:
    ProcessTable& processes_;
    SignalChannel& signals_;
};

// A test's: waitpid on the given pids only (other children are left alone).
class DirectChildWatch : public ChildWatch {
public:
    bool exited(pid_t pid) override;
    int status(pid_t pid) override;
    bool wait_exit(const std::vector<pid_t>& pids, Deadline deadline) override;

private:
    std::vector<std::pair<pid_t, int>> reaped_;
};

struct DaemonSpec {
    std::string label;               // "referee", "rank-2", "node3": in messages
    std::string dipcd;               // path of papers-dipcd (the same path on a remote host)
    std::vector<std::string> args;   // its options, without --ready-fd
    std::vector<std::string> env;    // "NAME=value", the whole environment
    std::string log_path;            // stdout and stderr (over ssh: ssh's stderr) appended here
    std::string netns_path;          // here only: run inside this network namespace
    // Over ssh (remote_host not empty): remote_dir is created there (mode
    // 0700, must not exist), holds the key (fed on stdin; args name no
    // --key-file) and whatever args put there (the socket), and is removed
    // when the daemon ends.
    std::string remote_host;
    std::string remote_dir;
    std::string key_text;            // 64 hex digits
};

struct Daemon {
    std::string label;
    std::string log_path;
    pid_t pid = -1;        // the daemon, or the ssh carrying it
    int ready_fd = -1;     // read end of the ready pipe, until ready
    int stdin_fd = -1;     // over ssh: write end of ssh's stdin; closing it stops the remote daemon
    int port = 0;          // from its "ready PORT" line
    bool ready = false;
    std::string ready_text;  // what it wrote so far
};

// Starts one daemon (does not wait). Throws LaunchError.
Daemon start_daemon(const DaemonSpec& spec);

// Waits up to `timeout_s` until every daemon in `daemons` wrote its ready
// line, or throws LaunchError naming the first that exited, closed its
// pipe, wrote something else, or stayed silent (the message names
// `timeout_option`, the setting that bounds the wait).
void await_ready(const std::vector<Daemon*>& daemons, double timeout_s, const std::string& timeout_option,
                 ChildWatch& watch);

// Stops every daemon still running: over ssh by closing its stdin (the
// remote side stops its daemon and removes its directory), here by
// SIGTERM; after `grace_s` SIGTERM (ssh) or SIGKILL, then SIGKILL. Returns
// false if one survived even that.
bool stop_daemons(const std::vector<Daemon*>& daemons, double grace_s, ChildWatch& watch);

// Runs `dipcd --gen-key PATH` (bounded to 10 s). Throws LaunchError with
// its message.
void generate_cluster_key(const std::string& dipcd, const std::string& path, ChildWatch& watch);

// The script ssh runs on a remote host (POSIX sh; pure, for tests). It
// reads the key line from stdin into DIR/key, starts
//   DIPCD ARGS --key-file DIR/key --ready-fd 3
// with fd 3 = ssh's stdout, and stops it (SIGTERM) when its stdin reaches
// EOF (papersrun closed it, or the connection died) or on SIGHUP/SIGTERM;
// then removes DIR and exits with the daemon's status.
std::string remote_daemon_script(const std::string& dipcd, const std::vector<std::string>& args,
                                 const std::string& dir);

// The last `max_lines` lines of a log, each prefixed; "" if it is empty.
std::string log_tail(const std::string& path, const std::string& prefix, std::size_t max_lines);

}  // namespace papersrun
