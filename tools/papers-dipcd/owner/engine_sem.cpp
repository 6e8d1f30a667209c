// engine_sem.cpp — semop/semtimedop and semctl at the owner: the argument,
// lookup and permission checks of ipc/sem.c in its order, then SemSet.
#include <algorithm>
#include <cerrno>
#include <limits>

#include "engine.hpp"
#include "proto/ids.hpp"
#include "sem_set.hpp"
#include "sysv.hpp"

namespace papers::dipc::owner {

std::optional<proto::Reply> Engine::semop(CallId call, const proto::Caller& caller,
                                          const proto::SemopReq& req, Done done) {
    check_new_call(call);
    Ctx ctx = begin();
    std::optional<proto::Reply> r = semop_in(call, caller, req, std::move(done), ctx);
    finish(ctx);
    return r;
}

// __do_semtimedop's order: E2BIG, EINVAL (nsops, id, timeout), the undo
// list (made even if the call then fails), EINVAL (no such set), EFBIG,
// EACCES, then the operation: done, ERANGE/EAGAIN, or wait.
std::optional<proto::Reply> Engine::semop_in(CallId call, const proto::Caller& c,
                                             const proto::SemopReq& req, Done&& done, Ctx& ctx) {
    std::size_t nsops = req.sops.size();
    if (nsops > limits_.semopm) return failure(E2BIG);
    if (nsops < 1 || req.id < 0 || req.timeout_ns < -1) return failure(EINVAL);
    int max = 0;
    bool undos = false, alter = false;
    for (const proto::SemBuf& sop : req.sops) {
        max = std::max<int>(max, sop.num);
        undos |= (sop.flg & SEM_UNDO) != 0;
        alter |= sop.op != 0;
    }
    SemSet* s = find_sem(req.id, true);
    if (!s) return failure(EINVAL);
    ProcKey proc = ProcKey::of(c);
    if (undos) s->ensure_undo(proc);
    if (max >= s->nsems()) return failure(EFBIG);
    if (!access_allowed(s->perm, c, alter ? kWritePerm : kReadPerm)) return failure(EACCES);

    auto w = std::make_unique<SemWaiter>();
    w->call = call;
    w->proc = proc;
    w->pid = c.pid;
    w->sops = req.sops;
    w->alter = alter;
    w->undo = undos;
    w->done = std::move(done);
    std::optional<std::int64_t> deadline;
    if (req.timeout_ns >= 0) {
        std::int64_t now = clock_.monotonic_ns();
        deadline = now > std::numeric_limits<std::int64_t>::max() - req.timeout_ns
                       ? std::numeric_limits<std::int64_t>::max()
                       : now + req.timeout_ns;
    }
    if (std::optional<int> result = s->semop(std::move(w), ctx)) return reply_of(*result);
    track(call, proto::Kind::sem, proto::index_of(req.id), proc, deadline);
    return std::nullopt;
}

proto::Reply Engine::semctl(const proto::Caller& caller, const proto::SemctlReq& req) {
    Ctx ctx = begin();
    proto::Reply r = semctl_in(caller, req, ctx);
    finish(ctx);
    return r;
}

proto::Reply Engine::semctl_in(const proto::Caller& c, const proto::SemctlReq& req, Ctx& ctx) {
    if (req.id < 0) return failure(EINVAL);
    switch (req.cmd) {
        case IPC_STAT:
        case SEM_STAT:
        case SEM_STAT_ANY: return sem_stat(c, req);
        case GETALL:
        case GETVAL:
        case GETPID:
        case GETNCNT:
        case GETZCNT:
        case SETALL: return sem_main(c, req, ctx);
        case SETVAL: return sem_setval(c, req, ctx);
        case IPC_SET:
        case IPC_RMID: return sem_down(c, req, ctx);
        default: return failure(EINVAL);  // IPC_INFO/SEM_INFO: the daemon's
    }
}

proto::Reply Engine::sem_stat(const proto::Caller& c, const proto::SemctlReq& req) {
    SemSet* s = find_sem(req.id, req.cmd == IPC_STAT);
    if (!s) return failure(EINVAL);
    if (req.cmd != SEM_STAT_ANY && !access_allowed(s->perm, c, kReadPerm)) return failure(EACCES);
    return success(req.cmd == IPC_STAT ? 0 : s->perm.id, proto::encode_payload(s->ds()));
}

// semctl_main: EINVAL (set), EACCES, then per command; the semnum check of
// the single-semaphore commands comes after the permission check here.
proto::Reply Engine::sem_main(const proto::Caller& c, const proto::SemctlReq& req, Ctx& ctx) {
    SemSet* s = find_sem(req.id, true);
    if (!s) return failure(EINVAL);
    int nsems = s->nsems();
    if (!access_allowed(s->perm, c, req.cmd == SETALL ? kWritePerm : kReadPerm))
        return failure(EACCES);
    if (req.cmd == GETALL) {
        proto::SemValues v;
        v.values = s->values();
        return success(0, proto::encode_payload(v));
    }
    if (req.cmd == SETALL) {
        if (req.values.size() < static_cast<std::size_t>(nsems)) return failure(EFAULT);
        for (int i = 0; i < nsems; ++i)
            if (req.values[i] > limits_.semvmx) return failure(ERANGE);
        s->setall(req.values, c.pid, ctx);
        return success(0);
    }
    if (req.semnum < 0 || req.semnum >= nsems) return failure(EINVAL);
    switch (req.cmd) {
        case GETVAL: return success(s->value(req.semnum));
        case GETPID: return success(s->sempid(req.semnum));
        case GETNCNT: return success(s->ncnt(req.semnum));
        default: return success(s->zcnt(req.semnum));  // GETZCNT
    }
}

// semctl_setval: ERANGE before the lookup, semnum before the permission.
proto::Reply Engine::sem_setval(const proto::Caller& c, const proto::SemctlReq& req, Ctx& ctx) {
    if (req.val < 0 || req.val > static_cast<std::int64_t>(limits_.semvmx)) return failure(ERANGE);
    SemSet* s = find_sem(req.id, true);
    if (!s) return failure(EINVAL);
    if (req.semnum < 0 || req.semnum >= s->nsems()) return failure(EINVAL);
    if (!access_allowed(s->perm, c, kWritePerm)) return failure(EACCES);
    s->setval(req.semnum, req.val, c.pid, ctx);
    return success(0);
}

// semctl_down: EINVAL (set), EPERM (not owner, creator or privileged).
proto::Reply Engine::sem_down(const proto::Caller& c, const proto::SemctlReq& req, Ctx& ctx) {
    SemSet* s = find_sem(req.id, true);
    if (!s) return failure(EINVAL);
    if (!may_control(s->perm, c)) return failure(EPERM);
    if (req.cmd == IPC_RMID) {
        std::int32_t index = proto::index_of(req.id);
        s->remove(EIDRM, ctx);
        sems_.erase(index);
        removed_.emplace_back(proto::Kind::sem, req.id);
        return success(0);
    }
    if (int e = update_perm(s->perm, req.set)) return failure(e);
    s->ctime = ctx.now_s;
    return success(0);
}

}  // namespace papers::dipc::owner
