// engine_msg.cpp — msgsnd, msgrcv and msgctl at the owner: the argument,
// lookup and permission checks of ipc/msg.c in its order, then MsgQueue.
#include <algorithm>
#include <cerrno>

#include "engine.hpp"
#include "msg_queue.hpp"
#include "proto/ids.hpp"
#include "sysv.hpp"

namespace papers::dipc::owner {

std::optional<proto::Reply> Engine::msgsnd(CallId call, const proto::Caller& caller,
                                           const proto::MsgsndReq& req, Done done) {
    check_new_call(call);
    Ctx ctx = begin();
    std::optional<proto::Reply> r = msgsnd_in(call, caller, req, std::move(done), ctx);
    finish(ctx);
    return r;
}

// do_msgsnd: EINVAL (size, id, type), EINVAL (no such queue), EACCES, then
// queued or handed over, EAGAIN, or wait.
std::optional<proto::Reply> Engine::msgsnd_in(CallId call, const proto::Caller& c,
                                              const proto::MsgsndReq& req, Done&& done, Ctx& ctx) {
    if (req.text.size() > limits_.msgmax || req.id < 0) return failure(EINVAL);
    if (req.mtype < 1) return failure(EINVAL);
    MsgQueue* q = find_msg(req.id, true);
    if (!q) return failure(EINVAL);
    if (!access_allowed(q->perm, c, kWritePerm)) return failure(EACCES);
    Sender s;
    s.call = call;
    s.caller = c;
    s.msg.type = req.mtype;
    s.msg.text = req.text;
    s.done = std::move(done);
    if (std::optional<int> result = q->send(std::move(s), req.flags, ctx)) return reply_of(*result);
    track(call, proto::Kind::msg, proto::index_of(req.id), ProcKey::of(c), std::nullopt);
    return std::nullopt;
}

std::optional<proto::Reply> Engine::msgrcv(CallId call, const proto::Caller& caller,
                                           const proto::MsgrcvReq& req, Done done) {
    check_new_call(call);
    Ctx ctx = begin();
    std::optional<proto::Reply> r = msgrcv_in(call, caller, req, std::move(done), ctx);
    finish(ctx);
    return r;
}

// do_msgrcv: EINVAL (id, size), MSG_COPY's EINVAL, EINVAL (no such queue),
// EACCES, then a message, E2BIG, ENOMSG, or wait.
std::optional<proto::Reply> Engine::msgrcv_in(CallId call, const proto::Caller& c,
                                              const proto::MsgrcvReq& req, Done&& done, Ctx& ctx) {
    if (req.id < 0 || static_cast<std::int64_t>(req.maxsize) < 0) return failure(EINVAL);
    std::uint64_t copy_cap = 0;
    if (req.flags & MSG_COPY) {
        if ((req.flags & MSG_EXCEPT) || !(req.flags & IPC_NOWAIT)) return failure(EINVAL);
        copy_cap = std::min<std::uint64_t>(req.maxsize, limits_.msgmax);
    }
    Receiver r;
    r.call = call;
    r.caller = c;
    r.type = req.msgtyp;
    r.mode = search_mode(r.type, req.flags);
    r.bufsz = req.maxsize;
    r.flags = req.flags;
    r.done = std::move(done);
    MsgQueue* q = find_msg(req.id, true);
    if (!q) return failure(EINVAL);
    if (!access_allowed(q->perm, c, kReadPerm)) return failure(EACCES);
    if (std::optional<proto::Reply> now = q->receive(std::move(r), copy_cap, ctx)) return now;
    track(call, proto::Kind::msg, proto::index_of(req.id), ProcKey::of(c), std::nullopt);
    return std::nullopt;
}

proto::Reply Engine::msgctl(const proto::Caller& caller, const proto::MsgctlReq& req) {
    Ctx ctx = begin();
    proto::Reply r = msgctl_in(caller, req, ctx);
    finish(ctx);
    return r;
}

proto::Reply Engine::msgctl_in(const proto::Caller& c, const proto::MsgctlReq& req, Ctx& ctx) {
    if (req.id < 0 || req.cmd < 0) return failure(EINVAL);
    switch (req.cmd) {
        case IPC_STAT:
        case MSG_STAT:
        case MSG_STAT_ANY: return msg_stat(c, req);
        case IPC_SET:
        case IPC_RMID: return msg_down(c, req, ctx);
        default: return failure(EINVAL);  // IPC_INFO/MSG_INFO: the daemon's
    }
}

proto::Reply Engine::msg_stat(const proto::Caller& c, const proto::MsgctlReq& req) {
    MsgQueue* q = find_msg(req.id, req.cmd == IPC_STAT);
    if (!q) return failure(EINVAL);
    if (req.cmd != MSG_STAT_ANY && !access_allowed(q->perm, c, kReadPerm)) return failure(EACCES);
    return success(req.cmd == IPC_STAT ? 0 : q->perm.id, proto::encode_payload(q->ds()));
}

// msgctl_down: EINVAL (queue), EPERM (not owner, creator or privileged);
// IPC_SET: EPERM (qbytes above MSGMNB without privilege), EINVAL (uid/gid).
proto::Reply Engine::msg_down(const proto::Caller& c, const proto::MsgctlReq& req, Ctx& ctx) {
    MsgQueue* q = find_msg(req.id, true);
    if (!q) return failure(EINVAL);
    if (!may_control(q->perm, c)) return failure(EPERM);
    if (req.cmd == IPC_RMID) {
        q->remove(EIDRM, ctx);
        msgs_.erase(proto::index_of(req.id));
        removed_.emplace_back(proto::Kind::msg, req.id);
        return success(0);
    }
    // The kernel takes msg_qbytes as an int (truncated to 32 bits), compares
    // it with the unsigned msg_ctlmnb, and stores it sign-extended.
    auto qbytes = static_cast<std::uint32_t>(req.set.qbytes);
    if (qbytes > limits_.msgmnb && !privileged(c)) return failure(EPERM);
    if (int e = update_perm(q->perm, req.set)) return failure(e);
    q->set_done(static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(qbytes))), ctx);
    return success(0);
}

}  // namespace papers::dipc::owner
