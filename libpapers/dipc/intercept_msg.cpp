// intercept_msg.cpp — msgget, msgsnd, msgrcv, msgctl, as intercept_sem.cpp
// does for semaphores (Linux ipc/msg.c: ksys_msgsnd/do_msgsnd, do_msgrcv,
// ksys_msgctl give the checks and their order).
#include <sys/msg.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "daemon_call.hpp"
#include "ds_convert.hpp"
#include "proto/ids.hpp"
#include "real_calls.hpp"
#include "routing.hpp"
#include "user_memory.hpp"

namespace papers::dipc::client {

namespace {

using proto::Op;

int fail(int err) {
    errno = err;
    return -1;
}

int dipc_msgget(key_t key, int flags) {
    DaemonCall call;
    if (!call.open()) return -1;
    proto::GetReq req;
    req.kind = proto::Kind::msg;
    req.key = key;
    req.flags = flags & ~proto::kIpcDipc;
    proto::Reply reply;
    if (!call.ask(Op::get, req, false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

int dipc_msgsnd(int msqid, const void* msgp, size_t msgsz, int flags) {
    long mtype;
    if (!read_user(&mtype, msgp, sizeof mtype)) return fail(EFAULT);  // ksys_msgsnd: get_user first
    if (static_cast<long>(msgsz) < 0 || mtype < 1) return fail(EINVAL);
    DaemonCall call;
    if (!call.open_for(proto::Kind::msg, msqid)) return -1;
    if (msgsz > call.limits().msgmax) return fail(EINVAL);
    proto::MsgsndReq req;
    req.id = msqid;
    req.mtype = mtype;
    req.flags = flags;
    req.text.resize(msgsz);
    if (!read_user(req.text.data(), static_cast<const char*>(msgp) + sizeof(long), msgsz)) return fail(EFAULT);
    proto::Reply reply;
    if (!call.ask(Op::msgsnd, req, true, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

// The message is the owner's until the reply: once it answered, the
// message is consumed even if it cannot be copied out (EFAULT), as in the
// kernel, where do_msg_fill runs after the message left the queue.
ssize_t dipc_msgrcv(int msqid, void* msgp, size_t msgsz, long msgtyp, int flags) {
    if (static_cast<long>(msgsz) < 0) return fail(EINVAL);
    if ((flags & MSG_COPY) && ((flags & MSG_EXCEPT) || !(flags & IPC_NOWAIT))) return fail(EINVAL);
    DaemonCall call;
    if (!call.open_for(proto::Kind::msg, msqid)) return -1;
    if (flags & MSG_COPY) {
        // prepare_copy: the kernel loads min(msgsz, MSGMAX) bytes from the buffer first.
        std::vector<std::uint8_t> probe(std::min<std::size_t>(msgsz, call.limits().msgmax));
        if (!read_user(probe.data(), msgp, probe.size())) return fail(EFAULT);
    }
    proto::MsgrcvReq req;
    req.id = msqid;
    req.maxsize = msgsz;
    req.msgtyp = msgtyp;
    req.flags = flags;
    proto::Reply reply;
    if (!call.ask(Op::msgrcv, req, true, reply)) return -1;
    if (reply.err) return reply_result(reply);
    proto::MsgText msg;
    if (!call.payload(reply, msg)) return -1;
    std::size_t n = std::min(msgsz, msg.text.size());
    long mtype = static_cast<long>(msg.mtype);
    const Piece pieces[] = {{&mtype, sizeof mtype}, {msg.text.data(), n}};  // do_msg_fill: mtype, then text
    if (!write_user(msgp, pieces, 2)) return fail(EFAULT);
    return static_cast<ssize_t>(n);
}

proto::MsgctlReq ctl(int id, int cmd) {
    proto::MsgctlReq req;
    req.id = id;
    req.cmd = cmd;
    return req;
}

// IPC_INFO, MSG_INFO: as sem_info in intercept_sem.cpp.
int msg_info(int msqid, int cmd, struct msginfo* user_buf) {
    struct msginfo kernel_info;
    int kernel_max = real_calls().msgctl
                         ? real_calls().msgctl(msqid, cmd, reinterpret_cast<struct msqid_ds*>(&kernel_info))
                         : 0;
    DaemonCall call;
    if (!call.open()) return -1;
    proto::Reply reply;
    if (!call.ask(Op::msgctl, ctl(msqid, cmd), false, reply)) return -1;
    if (reply.err) return static_cast<int>(reply_result(reply));
    proto::MsgInfoRec rec;
    if (!call.payload(reply, rec)) return -1;
    struct msginfo out;
    to_msginfo(rec, out);
    if (!write_user(user_buf, &out, sizeof out)) return fail(EFAULT);
    return std::max<int>(std::max(kernel_max, 0), static_cast<int>(reply.ret));
}

int msg_stat(int msqid, int cmd, struct msqid_ds* user_buf) {
    DaemonCall call;
    if (!(cmd == IPC_STAT ? call.open_for(proto::Kind::msg, msqid) : call.open())) return -1;
    proto::Reply reply;
    int target = cmd == IPC_STAT ? msqid : proto::index_of(msqid);
    if (!call.ask(Op::msgctl, ctl(target, cmd), false, reply)) return -1;
    if (reply.err) return static_cast<int>(reply_result(reply));
    proto::MsgDsRec rec;
    if (!call.payload(reply, rec)) return -1;
    struct msqid_ds out;
    to_msqid_ds(rec, out);
    if (!write_user(user_buf, &out, sizeof out)) return fail(EFAULT);
    return static_cast<int>(reply.ret);
}

int msg_set(int msqid, const struct msqid_ds* user_buf) {
    struct msqid_ds in;
    if (!read_user(&in, user_buf, sizeof in)) return fail(EFAULT);  // copy_msqid_from_user
    DaemonCall call;
    if (!call.open_for(proto::Kind::msg, msqid)) return -1;
    proto::MsgctlReq req = ctl(msqid, IPC_SET);
    req.set = from_msqid_ds(in);
    proto::Reply reply;
    if (!call.ask(Op::msgctl, req, false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

int msg_rmid(int msqid) {
    DaemonCall call;
    if (!call.open_for(proto::Kind::msg, msqid)) return -1;
    proto::Reply reply;
    if (!call.ask(Op::msgctl, ctl(msqid, IPC_RMID), false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

int dipc_msgctl(int msqid, int cmd, struct msqid_ds* buf) {
    switch (cmd) {
        case IPC_INFO: case MSG_INFO: return msg_info(msqid, cmd, reinterpret_cast<struct msginfo*>(buf));
        case IPC_STAT: case MSG_STAT: case MSG_STAT_ANY: return msg_stat(msqid, cmd, buf);
        case IPC_SET: return msg_set(msqid, buf);
        case IPC_RMID: return msg_rmid(msqid);
        default: return fail(EINVAL);  // ksys_msgctl's default (and cmd < 0)
    }
}

}  // namespace

}  // namespace papers::dipc::client

using namespace papers::dipc::client;

extern "C" {

__attribute__((visibility("default"))) int msgget(key_t key, int msgflg) noexcept {
    switch (route_get(key, msgflg)) {
        case Route::kernel:
            if (!real_calls().msgget) return fail(ENOSYS);
            return real_calls().msgget(key, kernel_flags(msgflg));
        case Route::refused: return fail(EINVAL);
        case Route::daemon: break;
    }
    return guarded([&] { return dipc_msgget(key, msgflg); });
}

// msgsnd and msgrcv are cancellation points in the C library (not noexcept):
// the kernel's path lets a cancellation unwind through here.
__attribute__((visibility("default"))) int msgsnd(int msqid, const void* msgp, size_t msgsz, int msgflg) {
    switch (route_id(msqid)) {
        case Route::kernel:
            if (!real_calls().msgsnd) return fail(ENOSYS);
            return real_calls().msgsnd(msqid, msgp, msgsz, msgflg);
        case Route::refused: return fail(EINVAL);
        case Route::daemon: break;
    }
    return guarded([&] { return dipc_msgsnd(msqid, msgp, msgsz, msgflg); });
}

__attribute__((visibility("default"))) ssize_t msgrcv(int msqid, void* msgp, size_t msgsz, long msgtyp,
                                                      int msgflg) {
    switch (route_id(msqid)) {
        case Route::kernel:
            if (!real_calls().msgrcv) return fail(ENOSYS);
            return real_calls().msgrcv(msqid, msgp, msgsz, msgtyp, msgflg);
        case Route::refused: return fail(EINVAL);
        case Route::daemon: break;
    }
    return guarded([&] { return dipc_msgrcv(msqid, msgp, msgsz, msgtyp, msgflg); });
}

__attribute__((visibility("default"))) int msgctl(int msqid, int cmd, struct msqid_ds* buf) noexcept {
    bool info = cmd == IPC_INFO || cmd == MSG_INFO;
    switch (info ? route_info(msqid) : route_id(msqid)) {
        case Route::kernel:
            if (!real_calls().msgctl) return fail(ENOSYS);
            return real_calls().msgctl(msqid, cmd, buf);
        case Route::refused: return fail(EINVAL);
        case Route::daemon: break;
    }
    return guarded([&] { return dipc_msgctl(msqid, cmd, buf); });
}

}  // extern "C"
