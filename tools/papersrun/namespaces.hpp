// namespaces.hpp — putting a freshly forked child into the namespaces a
// DIPC "host" needs before it execs (papersrun --dipc, tests/dipc):
//
//   * its own IPC namespace, so that no System V structure is shared with
//     another host through the local kernel: unshare(CLONE_NEWIPC), which
//     needs CAP_SYS_ADMIN; without it, unshare(CLONE_NEWUSER|CLONE_NEWIPC)
//     with the caller's uid and gid mapped to themselves (needs unprivileged
//     user namespaces: sysctl user.max_user_namespaces > 0);
//   * or the IPC namespace of another process (a host's namespace, kept by
//     a holder process: tests/dipc/cluster.hpp), entering its user
//     namespace first when it has one of its own;
//   * optionally a network namespace (setns to /run/netns/NAME), entered
//     first, while the child still has the caller's privileges.
//
// Everything that allocates happens in prepare_namespaces (the parent); the
// child only makes system calls (enter_namespaces is async-signal-safe).
#pragma once
#include <string>
#include <sys/types.h>

namespace papersrun {

struct NamespaceRequest {
    bool new_ipc = false;
    pid_t join_ipc_of = 0;   // > 0: join this process's IPC (and user) namespace instead
    std::string netns_path;  // "" = stay in the parent's network namespace
};

// The steps enter_namespaces can fail at (for the parent's message).
enum class NamespaceStep : int { none = 0, netns = 1, ipc_userns = 2, id_maps = 3, join = 4 };

class PreparedNamespaces {
public:
    // Opens the netns file (O_CLOEXEC). Throws LaunchError when it cannot.
    explicit PreparedNamespaces(const NamespaceRequest& request);
    ~PreparedNamespaces();
    PreparedNamespaces(const PreparedNamespaces&) = delete;
    PreparedNamespaces& operator=(const PreparedNamespaces&) = delete;

    bool empty() const { return !new_ipc_ && netns_fd_ < 0 && ipc_fd_ < 0; }
    // In the child. Returns 0, or an errno with `step` set.
    int enter(NamespaceStep& step) const;

private:
    bool new_ipc_ = false;
    int netns_fd_ = -1;
    int ipc_fd_ = -1, user_fd_ = -1;  // join_ipc_of's namespaces (user: only if not ours)
    char uid_map_[48] = {}, gid_map_[48] = {};
};

// The parent's message for a child that failed at `step` with `err`.
std::string describe_namespace_failure(NamespaceStep step, int err, const std::string& netns_path);

}  // namespace papersrun
