// privilege_drop.cpp — irrevocable privilege drop (see header).
//
// Capabilities are handled with the raw capget/capset syscalls and prctl,
// so the helper needs no libcap.
#include "privilege_drop.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace papers::ioperm {

namespace {

struct CapSets {
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
};

bool cap_get(CapSets& s) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    return ::syscall(SYS_capget, &hdr, s.data) == 0;
}

bool cap_set(const CapSets& s) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    return ::syscall(SYS_capset, &hdr, s.data) == 0;
}

bool has_effective(const CapSets& s, int cap) {
    return (s.data[cap / 32].effective >> (cap % 32)) & 1u;
}

bool all_zero(const CapSets& s) {
    for (const auto& d : s.data)
        if (d.effective || d.permitted || d.inheritable) return false;
    return true;
}

std::string sys_error(const std::string& what) { return what + " failed: " + std::strerror(errno); }

std::vector<gid_t> sorted(std::vector<gid_t> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

// Highest capability number the kernel knows; PR_CAPBSET_READ answers
// EINVAL past it. 63 bounds the loop whatever happens.
int last_cap() {
    int cap = 0;
    while (cap < 63 && ::prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0) ++cap;
    return cap;
}

}  // namespace

bool current_groups(std::vector<gid_t>& out, std::string& err) {
    const int n = ::getgroups(0, nullptr);
    if (n < 0) {
        err = sys_error("getgroups");
        return false;
    }
    out.assign(static_cast<std::size_t>(n), 0);
    const int m = n ? ::getgroups(n, out.data()) : 0;
    if (m < 0) {
        err = sys_error("getgroups");
        return false;
    }
    out.resize(static_cast<std::size_t>(m));
    return true;
}

bool no_new_privs_set() { return ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1; }

std::string drop_privileges(const DropTarget& t, DropReport* report) {
    DropReport local;
    DropReport& rep = report ? *report : local;
    CapSets caps;
    if (!cap_get(caps)) return sys_error("capget");

    // Without keep-caps, setresuid away from uid 0 clears the permitted set.
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return sys_error("prctl(PR_SET_KEEPCAPS, 0)");
    // Ambient capabilities would survive execve; EINVAL only on kernels < 4.3,
    // which have no ambient set to clear.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return sys_error("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");

    // The bounding set can only shrink with CAP_SETPCAP, which a file-capability
    // install (cap_sys_rawio only) lacks; no_new_privs below covers that case.
    const int top = last_cap();
    if (has_effective(caps, CAP_SETPCAP)) {
        for (int cap = 0; cap <= top; ++cap) {
            if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
                return sys_error("prctl(PR_CAPBSET_DROP, " + std::to_string(cap) + ")");
        }
        rep.bounding_set_cleared = true;
    }

    if (has_effective(caps, CAP_SETGID)) {
        if (::setgroups(t.groups.size(), t.groups.data()) != 0) return sys_error("setgroups");
        rep.groups_set = true;
    }
    if (::setresgid(t.gid, t.gid, t.gid) != 0) return sys_error("setresgid");
    if (::setresuid(t.uid, t.uid, t.uid) != 0) return sys_error("setresuid");

    CapSets none;
    if (!cap_set(none)) return sys_error("capset (clearing all capabilities)");

    // Verify instead of trusting the calls above.
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    if (::getresuid(&ru, &eu, &su) != 0 || ::getresgid(&rg, &eg, &sg) != 0) return sys_error("getresuid/getresgid");
    if (ru != t.uid || eu != t.uid || su != t.uid)
        return "uid check failed: real/effective/saved are " + std::to_string(ru) + "/" + std::to_string(eu) +
               "/" + std::to_string(su) + ", expected " + std::to_string(t.uid);
    if (rg != t.gid || eg != t.gid || sg != t.gid)
        return "gid check failed: real/effective/saved are " + std::to_string(rg) + "/" + std::to_string(eg) +
               "/" + std::to_string(sg) + ", expected " + std::to_string(t.gid);
    std::vector<gid_t> now;
    std::string err;
    if (!current_groups(now, err)) return err;
    if (sorted(now) != sorted(t.groups)) return "supplementary group check failed: groups differ from the caller's";
    if (!cap_get(caps)) return sys_error("capget");
    if (!all_zero(caps)) return "capability check failed: some capability is still held after capset";
    if (rep.bounding_set_cleared) {
        for (int cap = 0; cap <= top; ++cap)
            if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0)
                return "bounding set check failed: capability " + std::to_string(cap) + " is still in it";
    }
    if (t.uid != 0 && ::setuid(0) == 0) return "setuid(0) succeeded after the drop: refusing to continue";
    if (t.gid != 0 && ::setgid(0) == 0) return "setgid(0) succeeded after the drop: refusing to continue";

    // Nothing exec'd from here on can gain privileges (setuid bits and file
    // capabilities are ignored), even where the bounding set stayed full.
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return sys_error("prctl(PR_SET_NO_NEW_PRIVS)");
    if (!no_new_privs_set()) return "no_new_privs check failed";
    return {};
}

}  // namespace papers::ioperm
