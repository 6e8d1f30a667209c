// child_processes.hpp — starting and reaping papersrun's children.
//
// papersrun is a child subreaper (PR_SET_CHILD_SUBREAPER): a process that a
// rank leaves behind is re-parented to papersrun instead of init, so it is
// seen, killed and reaped before papersrun exits ("no orphans").
#pragma once
#include <chrono>
#include <csignal>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

#include "namespaces.hpp"

namespace papersrun {

class SignalChannel;

struct SpawnSpec {
    std::string path;               // resolved executable (see program_path.hpp)
    std::vector<std::string> argv;  // argv[0] included
    std::vector<std::string> env;   // "NAME=value"
    int stdout_fd = -1;             // -1: inherit papersrun's
    int stderr_fd = -1;             // -1: inherit papersrun's
    int keep_fd = -1;               // one more fd passed through exec (--ready-fd)
    int stdin_fd = -1;              // -1: /dev/null (else e.g. a pipe holding the udp key for ssh)
    int parent_death_signal = SIGKILL;
    NamespaceRequest namespaces;    // entered before exec (papersrun --dipc ranks)
    // stdin is always /dev/null: ranks run in their own process groups, where
    // a terminal read would stop them (SIGTTIN); papersrun forwards no input.
};

// Forks and execs in a new process group; returns once the exec succeeded.
// Throws LaunchError naming the program when it did not.
pid_t spawn_process(const SpawnSpec& spec);

// Exit status in words: "exited with status 3", "was killed by signal 9 (Killed)".
std::string describe_status(int wait_status);
// The shell's convention: exit code, or 128 + signal number.
int exit_code_of(int wait_status);

// Every child papersrun started or adopted, with its fate.
class ProcessTable {
public:
    void add(pid_t pid, std::string label);
    // Reaps every child that has exited (never blocks); returns those pids.
    std::vector<pid_t> reap();
    bool exited(pid_t pid) const;
    int status(pid_t pid) const;  // valid once exited()
    // Waits until every pid in `pids` has exited or the deadline passes.
    // Pumps `signals` for SIGCHLD; stop requests seen meanwhile are
    // appended to `stop_signals`.
    bool wait_exit(const std::vector<pid_t>& pids, std::chrono::steady_clock::time_point deadline,
                   SignalChannel& signals, std::vector<int>& stop_signals);

private:
    struct Entry {
        std::string label;
        bool exited = false;
        int status = 0;
    };
    std::map<pid_t, Entry> entries_;
};

// Direct children of papersrun that are still alive (from /proc), minus `except`.
std::vector<pid_t> live_children(const std::vector<pid_t>& except);

// Makes papersrun the reaper of its descendants' orphans.
void become_subreaper();

}  // namespace papersrun
