#include "real_system.hpp"

#include <dlfcn.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

namespace papers::dipc::client::real {

namespace {

template <class Fn>
Fn* next(std::atomic<Fn*>& slot, const char* name) {
    Fn* f = slot.load(std::memory_order_acquire);
    if (f) return f;
    f = reinterpret_cast<Fn*>(dlsym(RTLD_NEXT, name));
    slot.store(f, std::memory_order_release);
    return f;
}

// Calls the C library's `name`, or fails with ENOSYS (`failed` is the
// function's failure value).
#define PAPERS_DIPC_REAL(type, name, failed, ...)            \
    static std::atomic<type*> slot{nullptr};                 \
    type* fn = next(slot, name);                             \
    if (!fn) {                                               \
        errno = ENOSYS;                                      \
        return failed;                                       \
    }                                                        \
    return fn(__VA_ARGS__)

// The functions' types (a macro argument takes no commas).
using SigactionFn = int(int, const struct sigaction*, struct sigaction*);
using SigprocmaskFn = int(int, const sigset_t*, sigset_t*);
using SignalFn = sighandler_t(int, sighandler_t);
using SysvSignalFn = sighandler_t(int, sighandler_t);
using MprotectFn = int(void*, size_t, int);
using ReadFn = ssize_t(int, void*, size_t);
using WriteFn = ssize_t(int, const void*, size_t);
using PreadFn = ssize_t(int, void*, size_t, off_t);
using PwriteFn = ssize_t(int, const void*, size_t, off_t);
using ReadvFn = ssize_t(int, const struct iovec*, int);
using WritevFn = ssize_t(int, const struct iovec*, int);
using PreadvFn = ssize_t(int, const struct iovec*, int, off_t);
using PwritevFn = ssize_t(int, const struct iovec*, int, off_t);
using Preadv2Fn = ssize_t(int, const struct iovec*, int, off_t, int);
using Pwritev2Fn = ssize_t(int, const struct iovec*, int, off_t, int);
using RecvFn = ssize_t(int, void*, size_t, int);
using RecvfromFn = ssize_t(int, void*, size_t, int, struct sockaddr*, socklen_t*);
using RecvmsgFn = ssize_t(int, struct msghdr*, int);
using SendFn = ssize_t(int, const void*, size_t, int);
using SendtoFn = ssize_t(int, const void*, size_t, int, const struct sockaddr*, socklen_t);
using SendmsgFn = ssize_t(int, const struct msghdr*, int);
using SetidFn = int(unsigned);
using Setid2Fn = int(unsigned, unsigned);
using Setid3Fn = int(unsigned, unsigned, unsigned);
using SetgroupsFn = int(size_t, const gid_t*);
using InitgroupsFn = int(const char*, gid_t);
using ReadChkFn = ssize_t(int, void*, size_t, size_t);
using PreadChkFn = ssize_t(int, void*, size_t, off_t, size_t);
using RecvChkFn = ssize_t(int, void*, size_t, size_t, int);
using RecvfromChkFn = ssize_t(int, void*, size_t, size_t, int, struct sockaddr*, socklen_t*);

}  // namespace

int sigaction(int sig, const struct sigaction* act, struct sigaction* old) {
    PAPERS_DIPC_REAL(SigactionFn, "sigaction", -1, sig, act, old);
}

int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
    PAPERS_DIPC_REAL(SigprocmaskFn, "sigprocmask", -1, how, set, old);
}

int pthread_sigmask(int how, const sigset_t* set, sigset_t* old) {
    static std::atomic<int (*)(int, const sigset_t*, sigset_t*)> slot{nullptr};
    auto* fn = next(slot, "pthread_sigmask");
    return fn ? fn(how, set, old) : ENOSYS;
}

sighandler_t signal(int sig, sighandler_t handler) {
    PAPERS_DIPC_REAL(SignalFn, "signal", SIG_ERR, sig, handler);
}

sighandler_t sysv_signal(int sig, sighandler_t handler) {
    PAPERS_DIPC_REAL(SysvSignalFn, "sysv_signal", SIG_ERR, sig, handler);
}

int mprotect(void* addr, size_t len, int prot) {
    PAPERS_DIPC_REAL(MprotectFn, "mprotect", -1, addr, len, prot);
}

ssize_t read(int fd, void* buf, size_t n) { PAPERS_DIPC_REAL(ReadFn, "read", -1, fd, buf, n); }

ssize_t write(int fd, const void* buf, size_t n) {
    PAPERS_DIPC_REAL(WriteFn, "write", -1, fd, buf, n);
}

ssize_t pread(int fd, void* buf, size_t n, off_t off) {
    PAPERS_DIPC_REAL(PreadFn, "pread", -1, fd, buf, n, off);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
    PAPERS_DIPC_REAL(PwriteFn, "pwrite", -1, fd, buf, n, off);
}

ssize_t readv(int fd, const struct iovec* iov, int cnt) {
    PAPERS_DIPC_REAL(ReadvFn, "readv", -1, fd, iov, cnt);
}

ssize_t writev(int fd, const struct iovec* iov, int cnt) {
    PAPERS_DIPC_REAL(WritevFn, "writev", -1, fd, iov, cnt);
}

ssize_t preadv(int fd, const struct iovec* iov, int cnt, off_t off) {
    PAPERS_DIPC_REAL(PreadvFn, "preadv", -1, fd, iov, cnt, off);
}

ssize_t pwritev(int fd, const struct iovec* iov, int cnt, off_t off) {
    PAPERS_DIPC_REAL(PwritevFn, "pwritev", -1, fd, iov, cnt, off);
}

ssize_t preadv2(int fd, const struct iovec* iov, int cnt, off_t off, int flags) {
    PAPERS_DIPC_REAL(Preadv2Fn, "preadv2", -1, fd, iov, cnt, off, flags);
}

ssize_t pwritev2(int fd, const struct iovec* iov, int cnt, off_t off, int flags) {
    PAPERS_DIPC_REAL(Pwritev2Fn, "pwritev2", -1, fd, iov, cnt, off, flags);
}

ssize_t recv(int fd, void* buf, size_t n, int flags) {
    PAPERS_DIPC_REAL(RecvFn, "recv", -1, fd, buf, n, flags);
}

ssize_t recvfrom(int fd, void* buf, size_t n, int flags, struct sockaddr* from, socklen_t* fromlen) {
    PAPERS_DIPC_REAL(RecvfromFn, "recvfrom", -1, fd, buf, n,
                     flags, from, fromlen);
}

ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
    PAPERS_DIPC_REAL(RecvmsgFn, "recvmsg", -1, fd, msg, flags);
}

ssize_t send(int fd, const void* buf, size_t n, int flags) {
    PAPERS_DIPC_REAL(SendFn, "send", -1, fd, buf, n, flags);
}

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* to, socklen_t tolen) {
    PAPERS_DIPC_REAL(SendtoFn, "sendto", -1, fd, buf,
                     n, flags, to, tolen);
}

ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
    PAPERS_DIPC_REAL(SendmsgFn, "sendmsg", -1, fd, msg, flags);
}

int setuid(uid_t uid) { PAPERS_DIPC_REAL(SetidFn, "setuid", -1, uid); }
int seteuid(uid_t uid) { PAPERS_DIPC_REAL(SetidFn, "seteuid", -1, uid); }
int setreuid(uid_t r, uid_t e) { PAPERS_DIPC_REAL(Setid2Fn, "setreuid", -1, r, e); }
int setresuid(uid_t r, uid_t e, uid_t s) { PAPERS_DIPC_REAL(Setid3Fn, "setresuid", -1, r, e, s); }
int setgid(gid_t gid) { PAPERS_DIPC_REAL(SetidFn, "setgid", -1, gid); }
int setegid(gid_t gid) { PAPERS_DIPC_REAL(SetidFn, "setegid", -1, gid); }
int setregid(gid_t r, gid_t e) { PAPERS_DIPC_REAL(Setid2Fn, "setregid", -1, r, e); }
int setresgid(gid_t r, gid_t e, gid_t s) { PAPERS_DIPC_REAL(Setid3Fn, "setresgid", -1, r, e, s); }
int setgroups(size_t n, const gid_t* groups) { PAPERS_DIPC_REAL(SetgroupsFn, "setgroups", -1, n, groups); }
int initgroups(const char* user, gid_t group) { PAPERS_DIPC_REAL(InitgroupsFn, "initgroups", -1, user, group); }

ssize_t read_chk(int fd, void* buf, size_t n, size_t buflen) {
    PAPERS_DIPC_REAL(ReadChkFn, "__read_chk", -1, fd, buf, n, buflen);
}

ssize_t pread_chk(int fd, void* buf, size_t n, off_t off, size_t buflen) {
    PAPERS_DIPC_REAL(PreadChkFn, "__pread_chk", -1, fd, buf, n, off, buflen);
}

ssize_t recv_chk(int fd, void* buf, size_t n, size_t buflen, int flags) {
    PAPERS_DIPC_REAL(RecvChkFn, "__recv_chk", -1, fd, buf, n, buflen, flags);
}

ssize_t recvfrom_chk(int fd, void* buf, size_t n, size_t buflen, int flags, struct sockaddr* from,
                     socklen_t* fromlen) {
    PAPERS_DIPC_REAL(RecvfromChkFn, "__recvfrom_chk", -1, fd,
                     buf, n, buflen, flags, from, fromlen);
}

void siglongjmp(sigjmp_buf env, int val) {
    static std::atomic<void (*)(sigjmp_buf, int)> slot{nullptr};
    auto* fn = next(slot, "siglongjmp");
    if (!fn) std::abort();
    fn(env, val);
    std::abort();
}

void longjmp_chk(sigjmp_buf env, int val) {
    static std::atomic<void (*)(sigjmp_buf, int)> slot{nullptr};
    auto* fn = next(slot, "__longjmp_chk");
    if (!fn) std::abort();
    fn(env, val);
    std::abort();
}

}  // namespace papers::dipc::client::real
