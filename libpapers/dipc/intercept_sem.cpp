// intercept_sem.cpp — semget, semop, semtimedop, semctl. Each routes the
// call (routing.hpp); the kernel's calls go through untouched, the layer's
// make the kernel's own checks that come before its lookup, in its order
// (Linux ipc/sem.c: ksys_semget, do_semtimedop, ksys_semctl), then ask the
// daemon, or for a call on an id the id's owner (daemon_call.hpp); buffers
// are copied in before and out after (decision 7).
#include <sys/sem.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
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

// The fourth argument of semctl (the program's own union semun).
union SemunArg {
    int val;
    struct semid_ds* buf;
    unsigned short* array;
    struct seminfo* info;
};

// The commands that take the fourth argument: for any other, it may not
// even have been passed, so it is never read.
bool takes_semun(int cmd) {
    switch (cmd) {
        case SETVAL: case GETALL: case SETALL: case IPC_STAT: case IPC_SET:
        case SEM_STAT: case SEM_STAT_ANY: case IPC_INFO: case SEM_INFO:
            return true;
        default:
            return false;
    }
}

int fail(int err) {
    errno = err;
    return -1;
}

int dipc_semget(key_t key, int nsems, int flags) {
    if (nsems < 0) return fail(EINVAL);
    DaemonCall call;
    if (!call.open()) return -1;
    if (static_cast<std::uint32_t>(nsems) > call.limits().semmsl) return fail(EINVAL);
    proto::GetReq req;
    req.kind = proto::Kind::sem;
    req.key = key;
    req.flags = flags & ~proto::kIpcDipc;
    req.size = static_cast<std::uint64_t>(nsems);
    proto::Reply reply;
    if (!call.ask(Op::get, req, false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

// timespec64_valid, and the relative timeout in ns (saturating, as the
// kernel's ktime_add_safe).
bool timeout_ns(const struct timespec& ts, std::int64_t& ns) {
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L) return false;
    constexpr std::int64_t kMax = INT64_MAX;
    if (ts.tv_sec >= kMax / 1000000000L) ns = kMax;
    else ns = std::int64_t(ts.tv_sec) * 1000000000L + ts.tv_nsec;
    return true;
}

int dipc_semtimedop(int semid, struct sembuf* sops, size_t nsops, const struct timespec* timeout) {
    struct timespec ts {};
    if (timeout && !read_user(&ts, timeout, sizeof ts)) return fail(EFAULT);  // ksys_semtimedop
    unsigned n = static_cast<unsigned>(nsops);  // the system call takes an unsigned int
    if (n < 1) return fail(EINVAL);
    DaemonCall call;
    if (!call.open_for(proto::Kind::sem, semid)) return -1;
    if (n > call.limits().semopm) return fail(E2BIG);
    std::vector<struct sembuf> raw(n);
    if (!read_user(raw.data(), sops, n * sizeof(struct sembuf))) return fail(EFAULT);
    proto::SemopReq req;
    req.id = semid;
    if (timeout && !timeout_ns(ts, req.timeout_ns)) return fail(EINVAL);
    req.sops.reserve(n);
    for (const struct sembuf& s : raw) req.sops.push_back({s.sem_num, s.sem_op, s.sem_flg});
    proto::Reply reply;
    if (!call.ask(Op::semop, req, true, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

proto::SemctlReq ctl(int id, int semnum, int cmd) {
    proto::SemctlReq req;
    req.id = id;
    req.semnum = semnum;
    req.cmd = cmd;
    return req;
}

// IPC_INFO, SEM_INFO: the layer's record (decision 8); the return value is
// the larger of the kernel's and the layer's highest index, so a loop over
// *_STAT indices visits both.
int sem_info(int semid, int semnum, int cmd, struct seminfo* user_buf) {
    struct seminfo kernel_info;
    SemunArg karg;
    karg.info = &kernel_info;
    int kernel_max = real_calls().semctl ? real_calls().semctl(semid, semnum, cmd, karg) : 0;
    DaemonCall call;
    if (!call.open()) return -1;
    proto::Reply reply;
    if (!call.ask(Op::semctl, ctl(semid, semnum, cmd), false, reply)) return -1;
    if (reply.err) return static_cast<int>(reply_result(reply));
    proto::SemInfoRec rec;
    if (!call.payload(reply, rec)) return -1;
    struct seminfo out;
    to_seminfo(rec, out);
    if (!write_user(user_buf, &out, sizeof out)) return fail(EFAULT);
    return std::max<int>(std::max(kernel_max, 0), static_cast<int>(reply.ret));
}

// IPC_STAT by id; SEM_STAT, SEM_STAT_ANY by index (the kernel keeps the
// index bits of the argument: ipcid_to_idx).
int sem_stat(int semid, int cmd, struct semid_ds* user_buf) {
    DaemonCall call;
    if (!(cmd == IPC_STAT ? call.open_for(proto::Kind::sem, semid) : call.open())) return -1;
    proto::Reply reply;
    int target = cmd == IPC_STAT ? semid : proto::index_of(semid);
    if (!call.ask(Op::semctl, ctl(target, 0, cmd), false, reply)) return -1;
    if (reply.err) return static_cast<int>(reply_result(reply));
    proto::SemDsRec rec;
    if (!call.payload(reply, rec)) return -1;
    struct semid_ds out;
    to_semid_ds(rec, out);
    if (!write_user(user_buf, &out, sizeof out)) return fail(EFAULT);
    return static_cast<int>(reply.ret);
}

int sem_getall(int semid, unsigned short* user_array) {
    DaemonCall call;
    if (!call.open_for(proto::Kind::sem, semid)) return -1;
    proto::Reply reply;
    if (!call.ask(Op::semctl, ctl(semid, 0, GETALL), false, reply)) return -1;
    if (reply.err) return static_cast<int>(reply_result(reply));
    proto::SemValues vals;
    if (!call.payload(reply, vals)) return -1;
    if (!write_user(user_array, vals.values.data(), vals.values.size() * sizeof(unsigned short)))
        return fail(EFAULT);
    return static_cast<int>(reply.ret);
}

// SETALL reads exactly nsems values from the caller, as the kernel does, but
// the caller's id does not say nsems: a SEM_STAT_ANY on the id's index asks
// the owner first (no permission needed for it, as for the kernel's own
// lookup; IPC_STAT would refuse a write-only set). A stale id is EINVAL, as
// in the kernel's ipc_checkid.
int sem_setall(int semid, const unsigned short* user_array) {
    DaemonCall call;
    if (!call.open_for(proto::Kind::sem, semid)) return -1;
    proto::Reply reply;
    if (!call.ask_daemon(Op::semctl, ctl(proto::index_of(semid), 0, SEM_STAT_ANY), reply)) return -1;
    if (reply.err) return static_cast<int>(reply_result(reply));
    if (reply.ret != semid) return fail(EINVAL);
    proto::SemDsRec rec;
    if (!call.payload(reply, rec)) return -1;
    if (rec.nsems > proto::kMaxSems) return fail(EINVAL);
    proto::SemctlReq req = ctl(semid, 0, SETALL);
    req.values.resize(rec.nsems);
    if (!read_user(req.values.data(), user_array, req.values.size() * sizeof(unsigned short)))
        return fail(EFAULT);
    if (!call.ask(Op::semctl, req, false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

int sem_setval(int semid, int semnum, int val) {
    DaemonCall call;
    if (!call.open_for(proto::Kind::sem, semid)) return -1;
    if (val < 0 || static_cast<std::uint32_t>(val) > call.limits().semvmx) return fail(ERANGE);  // semctl_setval
    proto::SemctlReq req = ctl(semid, semnum, SETVAL);
    req.val = val;
    proto::Reply reply;
    if (!call.ask(Op::semctl, req, false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

int sem_set(int semid, const struct semid_ds* user_buf) {
    struct semid_ds in;
    if (!read_user(&in, user_buf, sizeof in)) return fail(EFAULT);  // copy_semid_from_user
    DaemonCall call;
    if (!call.open_for(proto::Kind::sem, semid)) return -1;
    proto::SemctlReq req = ctl(semid, 0, IPC_SET);
    req.set = from_semid_ds(in);
    proto::Reply reply;
    if (!call.ask(Op::semctl, req, false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

// IPC_RMID, GETVAL, GETPID, GETNCNT, GETZCNT: no argument, the answer is ret.
int sem_plain(int semid, int semnum, int cmd) {
    DaemonCall call;
    if (!call.open_for(proto::Kind::sem, semid)) return -1;
    proto::Reply reply;
    if (!call.ask(Op::semctl, ctl(semid, semnum, cmd), false, reply)) return -1;
    return static_cast<int>(reply_result(reply));
}

int dipc_semctl(int semid, int semnum, int cmd, SemunArg arg) {
    switch (cmd) {
        case IPC_INFO: case SEM_INFO: return sem_info(semid, semnum, cmd, arg.info);
        case IPC_STAT: case SEM_STAT: case SEM_STAT_ANY: return sem_stat(semid, cmd, arg.buf);
        case GETALL: return sem_getall(semid, arg.array);
        case SETALL: return sem_setall(semid, arg.array);
        case SETVAL: return sem_setval(semid, semnum, arg.val);
        case IPC_SET: return sem_set(semid, arg.buf);
        case IPC_RMID: case GETVAL: case GETPID: case GETNCNT: case GETZCNT:
            return sem_plain(semid, semnum, cmd);
        default: return fail(EINVAL);  // ksys_semctl's default
    }
}

}  // namespace

}  // namespace papers::dipc::client

using namespace papers::dipc::client;

extern "C" {

__attribute__((visibility("default"))) int semget(key_t key, int nsems, int semflg) noexcept {
    switch (route_get(key, semflg)) {
        case Route::kernel:
            if (!real_calls().semget) return fail(ENOSYS);
            return real_calls().semget(key, nsems, kernel_flags(semflg));
        case Route::refused: return fail(EINVAL);
        case Route::daemon: break;
    }
    return guarded([&] { return dipc_semget(key, nsems, semflg); });
}

__attribute__((visibility("default"))) int semtimedop(int semid, struct sembuf* sops, size_t nsops,
                                                      const struct timespec* timeout) noexcept {
    switch (route_id(semid)) {
        case Route::kernel:
            if (!real_calls().semtimedop) return fail(ENOSYS);
            return real_calls().semtimedop(semid, sops, nsops, timeout);
        case Route::refused: return fail(EINVAL);
        case Route::daemon: break;
    }
    return guarded([&] { return dipc_semtimedop(semid, sops, nsops, timeout); });
}

__attribute__((visibility("default"))) int semop(int semid, struct sembuf* sops, size_t nsops) noexcept {
    switch (route_id(semid)) {
        case Route::kernel:
            if (!real_calls().semop) return fail(ENOSYS);
            return real_calls().semop(semid, sops, nsops);
        case Route::refused: return fail(EINVAL);
        case Route::daemon: break;
    }
    return guarded([&] { return dipc_semtimedop(semid, sops, nsops, nullptr); });
}

__attribute__((visibility("default"))) int semctl(int semid, int semnum, int cmd, ...) noexcept {
    SemunArg arg;
    arg.buf = nullptr;
    bool has_arg = takes_semun(cmd);
    if (has_arg) {
        va_list ap;
        va_start(ap, cmd);
        arg = va_arg(ap, SemunArg);
        va_end(ap);
    }
    bool info = cmd == IPC_INFO || cmd == SEM_INFO;
    switch (info ? route_info(semid) : route_id(semid)) {
        case Route::kernel:
            if (!real_calls().semctl) return fail(ENOSYS);
            return has_arg ? real_calls().semctl(semid, semnum, cmd, arg) : real_calls().semctl(semid, semnum, cmd);
        case Route::refused: return fail(EINVAL);
        case Route::daemon: break;
    }
    return guarded([&] { return dipc_semctl(semid, semnum, cmd, arg); });
}

}  // extern "C"
