// engine_shm.cpp — shmat's and shmctl's checks at a segment's home, in the
// order of ipc/shm.c (do_shmat, ksys_shmctl, shmctl_stat, shmctl_down,
// shmctl_do_lock), and the attach counts the hosts report (shm_open on
// fork, shm_close on shmdt, exit and exec). The segment's pages are the
// daemon's.
#include <cerrno>

#include "engine.hpp"
#include "proto/ids.hpp"
#include "shm_segment.hpp"
#include "sysv.hpp"

namespace papers::dipc::owner {

// do_shmat after the client's address checks: EINVAL (id), EINVAL (no such
// segment, or a stale sequence), EACCES. A segment marked for destruction
// is still in the id table, so it can be attached by id (Linux allows it).
// kShmatCheckOnly: the checks and the size only.
proto::Reply Engine::shm_attach(const proto::Caller& caller, const proto::ShmatReq& req) {
    if (req.id < 0) return failure(EINVAL);
    int access = (req.flags & SHM_RDONLY) ? kReadPerm : kReadPerm | kWritePerm;
    if (req.flags & SHM_EXEC) access |= kExecPerm;
    ShmSegment* seg = find_shm(req.id, true);
    if (!seg) return failure(EINVAL);
    if (!access_allowed(seg->perm, caller, access)) return failure(EACCES);
    proto::ShmAttach a;
    a.size = seg->size();
    if (req.flags & proto::kShmatCheckOnly) return success(0, proto::encode_payload(a));
    Ctx ctx = begin();
    seg->attach(caller.host, caller.pid, ctx.now_s);
    finish(ctx);
    return success(0, proto::encode_payload(a));
}

proto::Reply Engine::shm_note(const proto::Caller& caller, const proto::ShmAttachNote& note) {
    ShmSegment* seg = find_shm(note.segment, true);
    if (!seg || (note.delta != 1 && note.delta != -1)) return failure(EINVAL);
    Ctx ctx = begin();
    proto::Reply r = success(0);
    if (note.delta == 1) {
        seg->attach(caller.host, note.pid, ctx.now_s);
    } else if (!seg->detach(caller.host, note.pid, ctx.now_s)) {
        r = failure(EINVAL);  // the host had none: a late or doubled note
    } else if (seg->may_destroy()) {
        shm_destroy(proto::index_of(note.segment), ctx);
    }
    finish(ctx);
    return r;
}

void Engine::shm_destroy(std::int32_t index, Ctx&) {
    auto it = shms_.find(index);
    if (it == shms_.end()) return;
    removed_.emplace_back(proto::Kind::shm, it->second->perm.id);
    shms_.erase(it);
}

proto::Reply Engine::shmctl(const proto::Caller& caller, const proto::ShmctlReq& req) {
    Ctx ctx = begin();
    proto::Reply r = shmctl_in(caller, req, ctx);
    finish(ctx);
    return r;
}

proto::Reply Engine::shmctl_in(const proto::Caller& c, const proto::ShmctlReq& req, Ctx& ctx) {
    if (req.cmd < 0 || req.id < 0) return failure(EINVAL);
    switch (req.cmd) {
        case IPC_STAT:
        case SHM_STAT:
        case SHM_STAT_ANY: return shm_stat(c, req);
        case IPC_SET:
        case IPC_RMID: return shm_down(c, req, ctx);
        case SHM_LOCK:
        case SHM_UNLOCK: return shm_lock(c, req);
        default: return failure(EINVAL);  // IPC_INFO/SHM_INFO: the daemon's
    }
}

// shmctl_stat: SHM_STAT(_ANY) look up the index only; SHM_STAT_ANY makes no
// permission check.
proto::Reply Engine::shm_stat(const proto::Caller& c, const proto::ShmctlReq& req) {
    ShmSegment* seg = find_shm(req.id, req.cmd == IPC_STAT);
    if (!seg) return failure(EINVAL);
    if (req.cmd != SHM_STAT_ANY && !access_allowed(seg->perm, c, kReadPerm)) return failure(EACCES);
    return success(req.cmd == IPC_STAT ? 0 : seg->perm.id, proto::encode_payload(seg->ds()));
}

// shmctl_down: EINVAL (segment), EPERM (not owner, creator or privileged).
// IPC_RMID (do_shm_rmid): destroyed now if nothing is attached, otherwise
// marked SHM_DEST with its key made private. IPC_SET: EINVAL (uid/gid), ctime.
proto::Reply Engine::shm_down(const proto::Caller& c, const proto::ShmctlReq& req, Ctx& ctx) {
    ShmSegment* seg = find_shm(req.id, true);
    if (!seg) return failure(EINVAL);
    if (!may_control(seg->perm, c)) return failure(EPERM);
    if (req.cmd == IPC_RMID) {
        if (seg->nattch() == 0) {
            shm_destroy(proto::index_of(req.id), ctx);
        } else {
            bool had_key = seg->perm.key != IPC_PRIVATE;
            seg->mark_for_destruction();
            if (had_key) keys_released_.emplace_back(proto::Kind::shm, req.id);
        }
        return success(0);
    }
    if (int e = update_perm(seg->perm, req.set)) return failure(e);
    seg->set_changed(ctx.now_s);
    return success(0);
}

// shmctl_do_lock: EINVAL (segment); without CAP_IPC_LOCK (euid 0 here) only
// the owner or creator may lock or unlock. The kernel also refuses SHM_LOCK
// with EPERM when RLIMIT_MEMLOCK is 0 and with ENOMEM when the segment does
// not fit in the caller's remaining RLIMIT_MEMLOCK: the owner cannot know
// the caller's limits, and the layer locks no memory (its pages are memfd
// pages on every host), so both are left out. Locking twice is no error.
proto::Reply Engine::shm_lock(const proto::Caller& c, const proto::ShmctlReq& req) {
    ShmSegment* seg = find_shm(req.id, true);
    if (!seg) return failure(EINVAL);
    if (!privileged(c) && c.euid != seg->perm.uid && c.euid != seg->perm.cuid) return failure(EPERM);
    seg->set_locked(req.cmd == SHM_LOCK);
    return success(0);
}

}  // namespace papers::dipc::owner
