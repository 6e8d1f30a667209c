// privilege_drop.hpp — give up every privilege, irrevocably, before the
// user's program runs. Only the I/O-port bitmap granted earlier survives.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace papers::ioperm {

struct DropTarget {
    uid_t uid = 0;              // becomes real, effective and saved uid
    gid_t gid = 0;              // becomes real, effective and saved gid
    std::vector<gid_t> groups;  // supplementary groups to end up with
};

struct DropReport {
    bool bounding_set_cleared = false;  // false when CAP_SETPCAP was not ours (file-cap install)
    bool groups_set = false;            // false when CAP_SETGID was not ours (groups already right)
};

// In this order: keep-caps off, ambient set cleared, bounding set emptied
// (needs CAP_SETPCAP), setgroups(target.groups) (needs CAP_SETGID),
// setresgid, setresuid, permitted/effective/inheritable sets zeroed with
// capset, then verification (ids, groups, capability sets, setuid(0) and
// setgid(0) must fail for non-root targets), then PR_SET_NO_NEW_PRIVS.
// Returns "" on success or a message naming the step that failed; on
// failure the caller must not exec anything.
std::string drop_privileges(const DropTarget& target, DropReport* report = nullptr);

// The current supplementary groups (getgroups), or an error message.
bool current_groups(std::vector<gid_t>& out, std::string& err);

// Is PR_SET_NO_NEW_PRIVS already set on this process?
bool no_new_privs_set();

}  // namespace papers::ioperm
