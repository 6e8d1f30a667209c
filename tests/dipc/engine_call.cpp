#include "engine_call.hpp"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace papers::dipc::enginetest {

namespace {

struct MsgBuf {
    long mtype;
    unsigned char mtext[kMaxTextT];
};

// ---- entry points ---------------------------------------------------------

int libc_semctl(int id, int num, int cmd, SemArg arg) { return ::semctl(id, num, cmd, arg); }

int raw_semget(key_t key, int nsems, int flags) { return static_cast<int>(syscall(SYS_semget, key, nsems, flags)); }
int raw_semop(int id, struct sembuf* sops, size_t n) { return static_cast<int>(syscall(SYS_semop, id, sops, n)); }
int raw_semtimedop(int id, struct sembuf* sops, size_t n, const struct timespec* t) {
    return static_cast<int>(syscall(SYS_semtimedop, id, sops, n, t));
}
// The kernel takes the union as one unsigned long (SETVAL: its low 32 bits).
int raw_semctl(int id, int num, int cmd, SemArg arg) {
    unsigned long word = 0;
    std::memcpy(&word, &arg, std::min(sizeof word, sizeof arg));
    return static_cast<int>(syscall(SYS_semctl, id, num, cmd, word));
}
int raw_msgget(key_t key, int flags) { return static_cast<int>(syscall(SYS_msgget, key, flags)); }
int raw_msgsnd(int id, const void* p, size_t n, int flags) { return static_cast<int>(syscall(SYS_msgsnd, id, p, n, flags)); }
ssize_t raw_msgrcv(int id, void* p, size_t n, long typ, int flags) { return syscall(SYS_msgrcv, id, p, n, typ, flags); }
int raw_msgctl(int id, int cmd, struct msqid_ds* buf) { return static_cast<int>(syscall(SYS_msgctl, id, cmd, buf)); }

// ---- bad pointers ----------------------------------------------------------

// Three pages: read-write, none, read-only (made once per process; a fork
// inherits them).
struct Arena {
    char* rw = nullptr;
    char* none = nullptr;
    char* ro = nullptr;
    std::size_t page = 4096;
};

Arena& arena() {
    static Arena a = [] {
        Arena x;
        x.page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
        void* p = mmap(nullptr, 3 * x.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return x;
        x.rw = static_cast<char*>(p);
        x.none = x.rw + x.page;
        x.ro = x.none + x.page;
        mprotect(x.none, x.page, PROT_NONE);
        mprotect(x.ro, x.page, PROT_READ);
        return x;
    }();
    return a;
}

// Where a call's buffer goes: `local` (n bytes, holding the input if the
// call reads it), or the fault's address, prepared with the same input.
void* place(Fault f, void* local, std::size_t n) {
    Arena& a = arena();
    if (f == Fault::none || !a.rw) return local;
    switch (f) {
        case Fault::null: return nullptr;
        case Fault::no_access: return a.none;
        case Fault::read_only:
            mprotect(a.ro, a.page, PROT_READ | PROT_WRITE);
            std::memcpy(a.ro, local, std::min(n, a.page));
            mprotect(a.ro, a.page, PROT_READ);
            return a.ro;
        case Fault::straddle: {
            char* p = a.none - kStraddleBytes;
            std::memcpy(p, local, std::min<std::size_t>(n, kStraddleBytes));
            return p;
        }
        case Fault::none: break;
    }
    return local;
}

// After a call that succeeded: what it wrote at `placed`, back into `local`.
void collect(Fault f, const void* placed, void* local, std::size_t n) {
    if (placed == local || !placed) return;
    std::size_t readable = f == Fault::straddle ? kStraddleBytes : f == Fault::read_only ? arena().page : 0;
    std::memcpy(local, placed, std::min(n, readable));
}

void run_semop(const SysvApi& api, const KRequest& q, KResult& r) {
    struct sembuf sops[kMaxSopsT];
    std::memcpy(sops, q.sops, sizeof sops);
    std::size_t bytes = sizeof(struct sembuf) * static_cast<std::size_t>(std::clamp(q.nsops, 0, kMaxSopsT));
    auto* p = static_cast<struct sembuf*>(place(q.fault, sops, bytes));
    if (q.timeout_ns == -1 && !q.fault_timeout) {
        r.ret = api.semop(q.id, p, static_cast<size_t>(q.nsops));
        return;
    }
    struct timespec ts = {0, -1};  // -2: invalid on purpose
    if (q.timeout_ns >= 0) {
        ts.tv_sec = static_cast<time_t>(q.timeout_ns / 1000000000);
        ts.tv_nsec = static_cast<long>(q.timeout_ns % 1000000000);
    }
    const struct timespec* t = q.fault_timeout ? reinterpret_cast<const struct timespec*>(arena().none) : &ts;
    r.ret = api.semtimedop(q.id, p, static_cast<size_t>(q.nsops), t);
}

void run_semctl(const SysvApi& api, const KRequest& q, KResult& r) {
    SemArg arg;
    arg.buf = nullptr;
    unsigned short values[kMaxSemsT];
    std::memcpy(values, q.values, sizeof values);
    void* local = nullptr;
    std::size_t n = 0;
    switch (q.cmd) {
        case SETVAL: arg.val = q.val; break;
        case SETALL: local = values; n = sizeof values; break;
        case GETALL: local = r.values; n = sizeof r.values; break;
        case IPC_INFO:
        case SEM_INFO: local = &r.sem_info; n = sizeof r.sem_info; break;
        case IPC_SET:
            r.sem_ds.sem_perm.uid = q.uid;
            r.sem_ds.sem_perm.gid = q.gid;
            r.sem_ds.sem_perm.mode = static_cast<unsigned short>(q.mode);
            local = &r.sem_ds;
            n = sizeof r.sem_ds;
            break;
        default: local = &r.sem_ds; n = sizeof r.sem_ds; break;
    }
    void* placed = local ? place(q.fault, local, n) : nullptr;
    if (local) arg.buf = static_cast<struct semid_ds*>(placed);
    r.ret = api.semctl(q.id, q.semnum, q.cmd, arg);
    if (r.ret >= 0 && local && q.cmd != SETALL && q.cmd != IPC_SET) collect(q.fault, placed, local, n);
}

void run_msgsnd(const SysvApi& api, const KRequest& q, KResult& r) {
    MsgBuf m;
    m.mtype = q.mtype;
    std::memcpy(m.mtext, q.text, sizeof m.mtext);
    std::size_t n = sizeof m.mtype + static_cast<std::size_t>(std::clamp(q.ntext, 0, kMaxTextT));
    r.ret = api.msgsnd(q.id, place(q.fault, &m, n), static_cast<size_t>(q.ntext), q.flags);
}

void run_msgrcv(const SysvApi& api, const KRequest& q, KResult& r) {
    MsgBuf m = {};
    std::size_t n = sizeof m.mtype + std::min<std::size_t>(q.bufsz, kMaxTextT);
    void* placed = place(q.fault, &m, n);
    r.ret = api.msgrcv(q.id, placed, q.bufsz, q.msgtyp, q.flags);
    if (r.ret >= 0) collect(q.fault, placed, &m, sizeof m.mtype + static_cast<std::size_t>(r.ret));
    r.mtype = m.mtype;
    std::memcpy(r.text, m.mtext, sizeof r.text);
}

void run_msgctl(const SysvApi& api, const KRequest& q, KResult& r) {
    void* local = &r.msg_ds;
    std::size_t n = sizeof r.msg_ds;
    if (q.cmd == IPC_INFO || q.cmd == MSG_INFO) {
        local = &r.msg_info;
        n = sizeof r.msg_info;
    }
    if (q.cmd == IPC_SET) {
        r.msg_ds.msg_perm.uid = q.uid;
        r.msg_ds.msg_perm.gid = q.gid;
        r.msg_ds.msg_perm.mode = static_cast<unsigned short>(q.mode);
        r.msg_ds.msg_qbytes = q.qbytes;
    }
    void* placed = place(q.fault, local, n);
    r.ret = api.msgctl(q.id, q.cmd, static_cast<struct msqid_ds*>(placed));
    if (r.ret >= 0 && q.cmd != IPC_SET) collect(q.fault, placed, local, n);
}

}  // namespace

const SysvApi& libc_sysv() {
    static const SysvApi api{::semget, ::semop, ::semtimedop, libc_semctl, ::msgget, ::msgsnd, ::msgrcv, ::msgctl};
    return api;
}

const SysvApi& kernel_sysv() {
    static const SysvApi api{raw_semget, raw_semop, raw_semtimedop, raw_semctl,
                             raw_msgget, raw_msgsnd, raw_msgrcv, raw_msgctl};
    return api;
}

void run_call(const SysvApi& api, const KRequest& q, KResult& r) {
    errno = 0;
    switch (q.call) {
        case KCall::semget: r.ret = api.semget(q.key, q.nsems, q.flags); break;
        case KCall::msgget: r.ret = api.msgget(q.key, q.flags); break;
        case KCall::semop: run_semop(api, q, r); break;
        case KCall::semctl: run_semctl(api, q, r); break;
        case KCall::msgsnd: run_msgsnd(api, q, r); break;
        case KCall::msgrcv: run_msgrcv(api, q, r); break;
        case KCall::msgctl: run_msgctl(api, q, r); break;
        case KCall::shmget:
        case KCall::shmat:
        case KCall::shmdt:
        case KCall::shmctl:
        case KCall::fork:
        case KCall::shmwrite:
        case KCall::shmread:
        case KCall::exec:
            r.ret = -1;
            errno = ENOSYS;
            break;
    }
    r.err = r.ret < 0 ? errno : 0;
}

// Asleep inside a SysV call, in the wait of semtimedop, msgrcv or msgsnd
// (not, say, in an allocation on the way there): /proc/PID/syscall shows
// the call while the task sleeps ("running" otherwise), /proc/PID/wchan
// the function it sleeps in.
bool asleep_in_sysv_wait(pid_t pid) {
    std::string proc = "/proc/" + std::to_string(pid);
    std::ifstream sc(proc + "/syscall");
    long nr = -1;
    if (!(sc >> nr) || !(nr == SYS_semop || nr == SYS_semtimedop || nr == SYS_msgsnd || nr == SYS_msgrcv))
        return false;
    std::ifstream wc(proc + "/wchan");
    std::string fn;
    if (!(wc >> fn)) return true;  // no wchan here: the syscall has to do
    return fn == "__do_semtimedop" || fn == "do_semtimedop" || fn == "do_msgrcv" || fn == "do_msgsnd";
}

}  // namespace papers::dipc::enginetest
