// client_passthrough_probe — runs a fixed sequence of System V calls and
// prints every result (return value, errno name, what the call filled in),
// in a form that does not depend on the run (pids as "self", times as
// "set"/"0"). client_passthrough_test runs it with and without
// LD_PRELOAD=libpapers_dipc.so in fresh IPC namespaces and with no daemon:
// the outputs must be identical. The first line, starting with '#', says
// which object's semget the program calls (not compared).
//
// `--smoke`: a few flagged calls for a daemon (the test's fake) instead;
// `--shm-smoke`: a distributed segment attached, written and read.
#include <dlfcn.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kIpcDipc = 010000;

union Semun {
    int val;
    struct semid_ds* buf;
    unsigned short* array;
    struct seminfo* info;
};

void show(const char* what, long ret, const char* extra = "") {
    const char* e = ret < 0 ? strerrorname_np(errno) : "-";
    std::printf("%-34s ret=%ld errno=%s %s\n", what, ret, e ? e : "?", extra);
}

const char* pid_text(pid_t p) { return p == getpid() ? "self" : p == 0 ? "0" : "other"; }

std::string perm_text(const struct ipc_perm& p) {
    char b[160];
    std::snprintf(b, sizeof b, "key=%#x uid=%s gid=%s cuid=%s cgid=%s mode=%o seq=%u", p.__key,
                  p.uid == geteuid() ? "me" : "other", p.gid == getegid() ? "me" : "other",
                  p.cuid == geteuid() ? "me" : "other", p.cgid == getegid() ? "me" : "other", p.mode, p.__seq);
    return b;
}

void sem_script() {
    int a = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    show("semget private", a);
    int b = semget(0x5eed, 2, IPC_CREAT | kIpcDipc | 0640);
    show("semget key flagged", b);
    show("semget excl again", semget(0x5eed, 2, IPC_CREAT | IPC_EXCL | kIpcDipc | 0640));
    show("semget more nsems", semget(0x5eed, 5, kIpcDipc));
    show("semget same key", semget(0x5eed, 0, 0));
    show("semget nsems -1", semget(0x77, -1, IPC_CREAT));
    show("semget nsems 40000", semget(0x77, 40000, IPC_CREAT));
    show("semget missing", semget(0x78, 1, 0));
    Semun arg;
    arg.val = 7;
    show("SETVAL 7", semctl(a, 0, SETVAL, arg));
    show("GETVAL", semctl(a, 0, GETVAL));
    arg.val = 40000;
    show("SETVAL 40000", semctl(a, 0, SETVAL, arg));
    arg.val = 1;
    show("SETVAL semnum 3", semctl(a, 3, SETVAL, arg));
    unsigned short vals[3] = {1, 2, 3};
    arg.array = vals;
    show("SETALL", semctl(a, 0, SETALL, arg));
    unsigned short got[3] = {};
    arg.array = got;
    char text[200];
    long r = semctl(a, 0, GETALL, arg);
    std::snprintf(text, sizeof text, "%u %u %u", got[0], got[1], got[2]);
    show("GETALL", r, text);
    show("GETPID", 0, pid_text(semctl(a, 1, GETPID)));
    show("GETNCNT", semctl(a, 1, GETNCNT));
    show("GETZCNT", semctl(a, 1, GETZCNT));
    show("GETVAL semnum -1", semctl(a, -1, GETVAL));
    struct semid_ds ds;
    arg.buf = &ds;
    r = semctl(b, 0, IPC_STAT, arg);
    std::snprintf(text, sizeof text, "%s nsems=%lu otime=%s ctime=%s", perm_text(ds.sem_perm).c_str(),
                  ds.sem_nsems, ds.sem_otime ? "set" : "0", ds.sem_ctime ? "set" : "0");
    show("IPC_STAT", r, text);
    ds.sem_perm.mode = 0666;
    show("IPC_SET mode 666", semctl(b, 0, IPC_SET, arg));
    r = semctl(b, 0, IPC_STAT, arg);
    show("IPC_STAT after set", r, perm_text(ds.sem_perm).c_str());
    struct sembuf ops[2] = {{0, -1, 0}, {1, 1, SEM_UNDO}};
    show("semop two", semop(a, ops, 2));
    show("GETVAL 0 after", semctl(a, 0, GETVAL));
    show("GETVAL 1 after", semctl(a, 1, GETVAL));
    struct sembuf big{0, -100, IPC_NOWAIT};
    show("semop nowait would block", semop(a, &big, 1));
    show("semop zero sops", semop(a, ops, 0));
    std::vector<struct sembuf> many(501, sembuf{0, 0, IPC_NOWAIT});
    show("semop 501 sops", semop(a, many.data(), many.size()));
    show("semop bad pointer", semop(a, reinterpret_cast<struct sembuf*>(8), 1));
    struct sembuf far{5, 1, 0};
    show("semop semnum 5", semop(a, &far, 1));
    struct sembuf wait_zero{1, 0, 0};  // semaphore 1 is 3: waits, times out
    struct timespec ms{0, 1000000};
    show("semtimedop 1ms", semtimedop(a, &wait_zero, 1, &ms));
    struct timespec bad{0, 1000000000};
    show("semtimedop bad timeout", semtimedop(a, &wait_zero, 1, &bad));
    show("semtimedop timeout pointer", semtimedop(a, &wait_zero, 1, reinterpret_cast<struct timespec*>(8)));
    struct seminfo si;
    arg.info = &si;
    r = semctl(0, 0, SEM_INFO, arg);
    std::snprintf(text, sizeof text, "semusz=%d semaem=%d semmni=%d semmsl=%d", si.semusz, si.semaem, si.semmni,
                  si.semmsl);
    show("SEM_INFO", r, text);
    r = semctl(0, 0, IPC_INFO, arg);
    std::snprintf(text, sizeof text, "semmap=%d semmni=%d semmns=%d semmnu=%d semmsl=%d semopm=%d semume=%d "
                  "semusz=%d semvmx=%d semaem=%d", si.semmap, si.semmni, si.semmns, si.semmnu, si.semmsl,
                  si.semopm, si.semume, si.semusz, si.semvmx, si.semaem);
    show("IPC_INFO", r, text);
    show("SEM_INFO bad buffer", semctl(0, 0, SEM_INFO, reinterpret_cast<void*>(8)));
    arg.buf = &ds;
    show("SEM_STAT index", semctl(b & 0x7fff, 0, SEM_STAT, arg) == b);
    show("SEM_STAT_ANY index", semctl(b & 0x7fff, 0, SEM_STAT_ANY, arg) == b);
    show("SEM_STAT empty index", semctl(100, 0, SEM_STAT, arg));
    show("IPC_STAT bad buffer", semctl(a, 0, IPC_STAT, reinterpret_cast<void*>(8)));
    show("GETALL bad buffer", semctl(a, 0, GETALL, reinterpret_cast<void*>(8)));
    show("semctl cmd 99", semctl(a, 0, 99));
    show("semctl id -1", semctl(-1, 0, GETVAL));
    show("IPC_RMID", semctl(b, 0, IPC_RMID));
    show("GETVAL removed", semctl(b, 0, GETVAL));
    show("semop removed", semop(b, ops, 1));
    show("IPC_RMID private", semctl(a, 0, IPC_RMID));
}

struct Msg {
    long mtype;
    char text[64];
};

void msg_script() {
    int q = msgget(IPC_PRIVATE, IPC_CREAT | kIpcDipc | 0600);
    show("msgget private flagged", q);
    show("msgget key", msgget(0xbeef, IPC_CREAT | kIpcDipc | 0600));
    show("msgget key excl", msgget(0xbeef, IPC_CREAT | IPC_EXCL | kIpcDipc | 0600));
    show("msgget missing", msgget(0xbee0, 0));
    for (long t = 1; t <= 3; ++t) {
        Msg m{t, {}};
        std::snprintf(m.text, sizeof m.text, "message %ld", t);
        show("msgsnd", msgsnd(q, &m, std::strlen(m.text) + 1, 0));
    }
    Msg zero{0, {'x'}};
    show("msgsnd mtype 0", msgsnd(q, &zero, 1, 0));
    std::vector<char> huge(sizeof(long) + 9000, 0);
    long one = 1;
    std::memcpy(huge.data(), &one, sizeof one);
    show("msgsnd 9000 bytes", msgsnd(q, huge.data(), 9000, 0));
    show("msgsnd bad pointer", msgsnd(q, reinterpret_cast<void*>(8), 4, 0));
    struct msqid_ds ds;
    long r = msgctl(q, IPC_STAT, &ds);
    char text[200];
    std::snprintf(text, sizeof text, "%s qnum=%lu cbytes=%lu qbytes=%lu lspid=%s lrpid=%s stime=%s",
                  perm_text(ds.msg_perm).c_str(), ds.msg_qnum, ds.msg_cbytes, ds.msg_qbytes, pid_text(ds.msg_lspid),
                  pid_text(ds.msg_lrpid), ds.msg_stime ? "set" : "0");
    show("IPC_STAT", r, text);
    Msg in{};
    r = msgrcv(q, &in, sizeof in.text, 0, MSG_COPY | IPC_NOWAIT);
    show("msgrcv MSG_COPY 0", r, in.text);
    r = msgrcv(q, &in, sizeof in.text, 2, 0);
    show("msgrcv type 2", r, in.text);
    r = msgrcv(q, &in, 3, 0, 0);
    show("msgrcv too small", r);
    r = msgrcv(q, &in, 3, -3, MSG_NOERROR);
    std::snprintf(text, sizeof text, "mtype=%ld text=%.3s", in.mtype, in.text);
    show("msgrcv -3 noerror", r, text);
    r = msgrcv(q, &in, sizeof in.text, 3, MSG_EXCEPT | IPC_NOWAIT);
    show("msgrcv except 3 none", r);
    r = msgrcv(q, reinterpret_cast<void*>(8), sizeof in.text, 0, 0);
    show("msgrcv bad pointer", r);
    msgctl(q, IPC_STAT, &ds);
    std::snprintf(text, sizeof text, "qnum=%lu lrpid=%s", ds.msg_qnum, pid_text(ds.msg_lrpid));
    show("after bad pointer", 0, text);
    r = msgrcv(q, &in, sizeof in.text, 0, IPC_NOWAIT);
    show("msgrcv empty nowait", r);
    show("msgrcv MSG_COPY no nowait", msgrcv(q, &in, 8, 0, MSG_COPY));
    ds.msg_qbytes = 1000;
    show("IPC_SET qbytes", msgctl(q, IPC_SET, &ds));
    msgctl(q, IPC_STAT, &ds);
    show("qbytes after", 0, std::to_string(ds.msg_qbytes).c_str());
    struct msginfo mi;
    r = msgctl(0, MSG_INFO, reinterpret_cast<struct msqid_ds*>(&mi));
    std::snprintf(text, sizeof text, "pool=%d map=%d tql=%d mni=%d", mi.msgpool, mi.msgmap, mi.msgtql, mi.msgmni);
    show("MSG_INFO", r, text);
    r = msgctl(0, IPC_INFO, reinterpret_cast<struct msqid_ds*>(&mi));
    std::snprintf(text, sizeof text, "pool=%d map=%d max=%d mnb=%d mni=%d ssz=%d tql=%d seg=%u", mi.msgpool,
                  mi.msgmap, mi.msgmax, mi.msgmnb, mi.msgmni, mi.msgssz, mi.msgtql, mi.msgseg);
    show("IPC_INFO", r, text);
    show("MSG_STAT index", msgctl(q & 0x7fff, MSG_STAT, &ds) == q);
    show("msgctl cmd -1", msgctl(q, -1, &ds));
    show("msgctl cmd 99", msgctl(q, 99, &ds));
    show("IPC_RMID", msgctl(q, IPC_RMID, nullptr));
    Msg m{1, {'z'}};
    show("msgsnd removed", msgsnd(q, &m, 1, IPC_NOWAIT));
    show("IPC_RMID key", msgctl(msgget(0xbeef, 0), IPC_RMID, nullptr));
}

// Shared memory, and the calls the layer wraps for it (read/write into a
// segment, mprotect, sigaction and sigprocmask on SIGSEGV, fork).
void shm_script() {
    int a = shmget(IPC_PRIVATE, 10000, IPC_CREAT | kIpcDipc | 0600);  // SHM_NORESERVE to the kernel
    show("shmget private flagged", a);
    int b = shmget(0x5eed, 8192, IPC_CREAT | 0640);
    show("shmget key", b);
    show("shmget excl again", shmget(0x5eed, 8192, IPC_CREAT | IPC_EXCL | 0640));
    show("shmget larger than it is", shmget(0x5eed, 8193, 0));
    show("shmget smaller", shmget(0x5eed, 10, 0) == b);
    show("shmget size 0 new", shmget(0x71, 0, IPC_CREAT | 0600));
    show("shmget missing", shmget(0x72, 4096, 0));
    auto* p = static_cast<char*>(shmat(a, nullptr, 0));
    show("shmat NULL", p == reinterpret_cast<char*>(-1) ? -1 : reinterpret_cast<long>(p) % 4096);
    std::strcpy(p + 5000, "in the segment");
    auto* r = static_cast<char*>(shmat(a, nullptr, SHM_RDONLY));
    show("shmat rdonly sees it", std::strcmp(r + 5000, "in the segment") == 0, r + 5000);
    show("mprotect rdonly writable", mprotect(r, 4096, PROT_READ | PROT_WRITE));
    show("mprotect read only", mprotect(p, 4096, PROT_READ));
    show("mprotect back", mprotect(p, 4096, PROT_READ | PROT_WRITE));
    show("mprotect misaligned", mprotect(p + 1, 4096, PROT_READ));
    show("shmat misaligned", reinterpret_cast<long>(shmat(a, p + 100, 0)));
    show("shmat SHM_REMAP no address", reinterpret_cast<long>(shmat(a, nullptr, SHM_REMAP)));
    show("shmat over a mapping", reinterpret_cast<long>(shmat(a, p, 0)));
    char* q = static_cast<char*>(shmat(a, p + 100, SHM_RND | SHM_REMAP));
    show("shmat SHM_RND|SHM_REMAP at it", q == p);
    int fds[2];
    if (pipe(fds) == 0) {
        show("write from segment", write(fds[1], p + 5000, 6));
        show("read into segment", read(fds[0], p + 9000, 6), p + 9000);
        struct iovec iov[2] = {{p + 100, 2}, {p + 8000, 2}};
        show("writev from segment", writev(fds[1], iov, 2));
        show("readv into segment", readv(fds[0], iov, 2));
        show("write one more", write(fds[1], "!", 1));
        void* volatile bad = reinterpret_cast<void*>(8);
        show("read bad pointer", read(fds[0], bad, 1));
        close(fds[0]);
        close(fds[1]);
    }
    struct sigaction sa {}, old {};
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = SA_RESTART | SA_NODEFER;
    sigaddset(&sa.sa_mask, SIGSEGV);
    show("sigaction SIGSEGV", sigaction(SIGSEGV, &sa, &old));
    sigaction(SIGSEGV, &old, &sa);
    char text[200];
    std::snprintf(text, sizeof text, "ign=%d flags=%#x segv_in_mask=%d", sa.sa_handler == SIG_IGN, sa.sa_flags,
                  sigismember(&sa.sa_mask, SIGSEGV));
    show("sigaction SIGSEGV back", 0, text);
    sigset_t segv, was;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    sigprocmask(SIG_BLOCK, &segv, &was);
    sigprocmask(SIG_SETMASK, &was, &segv);
    show("sigprocmask SIGSEGV blocked", sigismember(&segv, SIGSEGV));
    show("signal SIGSEGV", signal(SIGSEGV, SIG_DFL) == SIG_DFL);
    struct shmid_ds ds;
    long rc = shmctl(a, IPC_STAT, &ds);
    std::snprintf(text, sizeof text, "%s segsz=%zu nattch=%lu cpid=%s lpid=%s atime=%s dtime=%s",
                  perm_text(ds.shm_perm).c_str(), ds.shm_segsz, ds.shm_nattch, pid_text(ds.shm_cpid),
                  pid_text(ds.shm_lpid), ds.shm_atime ? "set" : "0", ds.shm_dtime ? "set" : "0");
    show("IPC_STAT", rc, text);
    pid_t child = fork();
    if (child == 0) {
        shmctl(a, IPC_STAT, &ds);
        _exit(ds.shm_nattch == 4 && std::strcmp(p + 5000, "in the segment") == 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    show("child sees nattch and bytes", WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ds.shm_perm.mode = 0604;
    show("IPC_SET mode", shmctl(a, IPC_SET, &ds));
    shmctl(a, IPC_STAT, &ds);
    show("IPC_STAT after set", 0, perm_text(ds.shm_perm).c_str());
    show("SHM_LOCK", shmctl(a, SHM_LOCK, nullptr));
    show("SHM_UNLOCK", shmctl(a, SHM_UNLOCK, nullptr));
    struct shminfo si;
    rc = shmctl(0, IPC_INFO, reinterpret_cast<struct shmid_ds*>(&si));
    std::snprintf(text, sizeof text, "max=%lu min=%lu mni=%lu seg=%lu all=%lu", si.shmmax, si.shmmin, si.shmmni,
                  si.shmseg, si.shmall);
    show("IPC_INFO", rc, text);
    struct shm_info su;
    rc = shmctl(0, SHM_INFO, reinterpret_cast<struct shmid_ds*>(&su));
    std::snprintf(text, sizeof text, "used=%d tot=%lu", su.used_ids, su.shm_tot);
    show("SHM_INFO", rc, text);
    show("SHM_STAT index", shmctl(b & 0x7fff, SHM_STAT, &ds) == b);
    show("SHM_STAT_ANY index", shmctl(b & 0x7fff, SHM_STAT_ANY, &ds) == b);
    show("IPC_STAT bad buffer", shmctl(a, IPC_STAT, reinterpret_cast<struct shmid_ds*>(8)));
    show("shmctl cmd 99", shmctl(a, 99, &ds));
    show("shmctl id -1", shmctl(-1, IPC_STAT, &ds));
    show("IPC_RMID attached", shmctl(a, IPC_RMID, nullptr));
    show("still readable", std::strcmp(p + 5000, "in the segment") == 0);
    show("shmdt inside", shmdt(p + 4096));
    show("shmdt misaligned", shmdt(p + 1));
    show("shmdt", shmdt(p));
    show("shmdt again", shmdt(p));
    show("shmdt rdonly", shmdt(r));
    show("IPC_STAT removed", shmctl(a, IPC_STAT, &ds));
    show("IPC_RMID key", shmctl(b, IPC_RMID, nullptr));
}

// SysV calls from a constructor, before main (and in any order with the
// interposer's own initialisation): the real calls must already resolve.
int g_ctor_id = -2, g_ctor_errno = 0, g_ctor_rmid = -2;
__attribute__((constructor)) void call_from_constructor() {
    g_ctor_id = semget(IPC_PRIVATE, 1, IPC_CREAT | kIpcDipc | 0600);
    g_ctor_errno = errno;
    g_ctor_rmid = semctl(g_ctor_id, 0, IPC_RMID);
}

void smoke() {
    int s = semget(0x1234, 2, IPC_CREAT | kIpcDipc | 0600);
    show("semget flagged", s);
    show("GETVAL", semctl(s, 1, GETVAL));
    struct sembuf op{1, 1, 0};
    show("semop", semop(s, &op, 1));
    int local = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    show("semget local is kernel", (local & 0x7fff) < 32000);
    semctl(local, 0, IPC_RMID);
}

// `--shm-smoke`: a distributed segment through the preloaded library.
void shm_smoke() {
    int id = shmget(0x4444, 8192, IPC_CREAT | kIpcDipc | 0600);
    show("shmget flagged", id);
    auto* p = static_cast<char*>(shmat(id, nullptr, 0));
    show("shmat", p == reinterpret_cast<char*>(-1) ? -1 : 0);
    if (p == reinterpret_cast<char*>(-1)) return;
    std::strcpy(p + 4096, "preloaded");
    show("stored", 0, p + 4096);
    int fds[2];
    if (pipe(fds) == 0 && write(fds[1], "via read", 9) == 9) show("read into page 0", read(fds[0], p, 9), p);
    show("shmdt", shmdt(p));
}

}  // namespace

int main(int argc, char** argv) {
    Dl_info info{};
    void* sym = dlsym(RTLD_DEFAULT, "semget");
    std::printf("# semget from %s\n", sym && dladdr(sym, &info) && info.dli_fname ? info.dli_fname : "?");
    if (argc > 1 && std::strcmp(argv[1], "--smoke") == 0) {
        smoke();
        return 0;
    }
    if (argc > 1 && std::strcmp(argv[1], "--shm-smoke") == 0) {
        shm_smoke();
        return 0;
    }
    errno = g_ctor_errno;
    show("semget in a constructor", g_ctor_id);
    show("IPC_RMID in a constructor", g_ctor_rmid);
    sem_script();
    msg_script();
    shm_script();
    return 0;
}
