#include "ipc_perm.hpp"

#include <cerrno>

#include "proto/ids.hpp"
#include "sysv.hpp"

namespace papers::dipc::owner {

IpcPerm IpcPerm::created(std::int32_t key, std::int32_t id, std::uint32_t mode,
                         const proto::Caller& c) {
    IpcPerm p;
    p.key = key;
    p.id = id;
    p.uid = p.cuid = c.euid;
    p.gid = p.cgid = c.egid;
    p.mode = mode & kModeBits;
    return p;
}

proto::IpcPermRec IpcPerm::record() const {
    proto::IpcPermRec r;
    r.key = key;
    r.uid = uid;
    r.gid = gid;
    r.cuid = cuid;
    r.cgid = cgid;
    r.mode = mode;
    r.seq = static_cast<std::uint32_t>(proto::seq_of(id));
    return r;
}

bool privileged(const proto::Caller& c) { return c.euid == 0; }

bool in_group(const proto::Caller& c, std::uint32_t gid) {
    if (c.egid == gid) return true;
    for (std::uint32_t g : c.groups)
        if (g == gid) return true;
    return false;
}

bool access_allowed(const IpcPerm& p, const proto::Caller& c, int flag) {
    // The kernel passes the flag as a short; only its low 9 bits reach the
    // mask below, so the truncation changes nothing here.
    int requested = ((flag >> 6) | (flag >> 3) | flag) & 7;
    int granted = static_cast<int>(p.mode);
    if (c.euid == p.cuid || c.euid == p.uid)
        granted >>= 6;
    else if (in_group(c, p.cgid) || in_group(c, p.gid))
        granted >>= 3;
    return !(requested & ~granted & 7) || privileged(c);
}

bool may_control(const IpcPerm& p, const proto::Caller& c) {
    return c.euid == p.cuid || c.euid == p.uid || privileged(c);
}

int update_perm(IpcPerm& p, const proto::IpcSetRec& in) {
    constexpr std::uint32_t kInvalidId = 0xffffffffu;  // make_kuid/make_kgid refuse it
    if (in.uid == kInvalidId || in.gid == kInvalidId) return EINVAL;
    p.uid = in.uid;
    p.gid = in.gid;
    p.mode = (p.mode & ~kModeBits) | (in.mode & kModeBits);
    return 0;
}

}  // namespace papers::dipc::owner
