#include "namespaces.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "launch_error.hpp"

namespace papersrun {

namespace {

// write(2) of a whole short string to a /proc file.
bool write_file(const char* path, const char* text) {
    const int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const size_t len = std::strlen(text);
    const bool ok = write(fd, text, len) == static_cast<ssize_t>(len);
    const int e = errno;
    close(fd);
    errno = e;
    return ok;
}

}  // namespace

PreparedNamespaces::PreparedNamespaces(const NamespaceRequest& request) : new_ipc_(request.new_ipc) {
    std::snprintf(uid_map_, sizeof uid_map_, "%u %u 1\n", geteuid(), geteuid());
    std::snprintf(gid_map_, sizeof gid_map_, "%u %u 1\n", getegid(), getegid());
    if (!request.netns_path.empty()) {
        netns_fd_ = open(request.netns_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (netns_fd_ < 0)
            throw LaunchError(kExitLaunchFailure,
                              "network namespace " + request.netns_path + ": " + errno_text(errno));
    }
    if (request.join_ipc_of > 0) {
        const std::string ns = "/proc/" + std::to_string(request.join_ipc_of) + "/ns/";
        ipc_fd_ = open((ns + "ipc").c_str(), O_RDONLY | O_CLOEXEC);
        if (ipc_fd_ < 0)
            throw LaunchError(kExitLaunchFailure, "IPC namespace of process " +
                                                      std::to_string(request.join_ipc_of) + ": " + errno_text(errno));
        struct stat theirs {}, ours {};
        if (stat((ns + "user").c_str(), &theirs) == 0 && stat("/proc/self/ns/user", &ours) == 0 &&
            theirs.st_ino != ours.st_ino)
            user_fd_ = open((ns + "user").c_str(), O_RDONLY | O_CLOEXEC);
    }
}

PreparedNamespaces::~PreparedNamespaces() {
    for (int fd : {netns_fd_, ipc_fd_, user_fd_})
        if (fd >= 0) close(fd);
}

int PreparedNamespaces::enter(NamespaceStep& step) const {
    if (netns_fd_ >= 0 && setns(netns_fd_, CLONE_NEWNET) != 0) {
        step = NamespaceStep::netns;
        return errno;
    }
    if (ipc_fd_ >= 0) {
        if ((user_fd_ >= 0 && setns(user_fd_, CLONE_NEWUSER) != 0) || setns(ipc_fd_, CLONE_NEWIPC) != 0) {
            step = NamespaceStep::join;
            return errno;
        }
        return 0;
    }
    if (!new_ipc_) return 0;
    if (unshare(CLONE_NEWIPC) == 0) return 0;
    if (errno != EPERM) {
        step = NamespaceStep::ipc_userns;
        return errno;
    }
    // No CAP_SYS_ADMIN: a user namespace owning the new IPC namespace, with
    // only our own ids mapped, so files and credentials stay what they were.
    if (unshare(CLONE_NEWUSER | CLONE_NEWIPC) != 0) {
        step = NamespaceStep::ipc_userns;
        return errno;
    }
    if (!write_file("/proc/self/setgroups", "deny") || !write_file("/proc/self/uid_map", uid_map_) ||
        !write_file("/proc/self/gid_map", gid_map_)) {
        step = NamespaceStep::id_maps;
        return errno;
    }
    return 0;
}

std::string describe_namespace_failure(NamespaceStep step, int err, const std::string& netns_path) {
    switch (step) {
        case NamespaceStep::netns:
            return "cannot enter the network namespace " + netns_path + ": setns: " + errno_text(err) +
                   " (needs CAP_SYS_ADMIN)";
        case NamespaceStep::ipc_userns:
            return "cannot give the process its own IPC namespace: unshare(CLONE_NEWIPC) needs "
                   "CAP_SYS_ADMIN (run as root), and the fallback for other users, "
                   "unshare(CLONE_NEWUSER|CLONE_NEWIPC), failed: " +
                   errno_text(err) +
                   " (unprivileged user namespaces must be allowed: sysctl "
                   "user.max_user_namespaces > 0, and kernel.unprivileged_userns_clone = 1 where "
                   "that exists)";
        case NamespaceStep::id_maps:
            return "cannot map this user into the new user namespace (/proc/self/uid_map, "
                   "gid_map): " + errno_text(err);
        case NamespaceStep::join:
            return "cannot join the host's IPC namespace (setns): " + errno_text(err);
        case NamespaceStep::none:
            break;
    }
    return errno_text(err);
}

}  // namespace papersrun
