// real_system.hpp — the C library's functions that the layer wraps besides
// the SysV calls (for shared memory: signals, mprotect, the read/write
// family, longjmp; for its links: the credential calls), found behind ours
// with dlsym(RTLD_NEXT).
//
// Each is resolved on its first use, on its own and without a lock or a
// static guard: these functions run from signal handlers, from other
// libraries' constructors and from malloc replacements, and a resolution
// that re-entered itself would just resolve again. A function the C
// library lacks answers ENOSYS.
#pragma once
#include <setjmp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

namespace papers::dipc::client::real {

int sigaction(int sig, const struct sigaction* act, struct sigaction* old);
int sigprocmask(int how, const sigset_t* set, sigset_t* old);
int pthread_sigmask(int how, const sigset_t* set, sigset_t* old);  // an error number, as pthread_sigmask
sighandler_t signal(int sig, sighandler_t handler);
sighandler_t sysv_signal(int sig, sighandler_t handler);
int mprotect(void* addr, size_t len, int prot);

ssize_t read(int fd, void* buf, size_t n);
ssize_t write(int fd, const void* buf, size_t n);
ssize_t pread(int fd, void* buf, size_t n, off_t off);
ssize_t pwrite(int fd, const void* buf, size_t n, off_t off);
ssize_t readv(int fd, const struct iovec* iov, int cnt);
ssize_t writev(int fd, const struct iovec* iov, int cnt);
ssize_t preadv(int fd, const struct iovec* iov, int cnt, off_t off);
ssize_t pwritev(int fd, const struct iovec* iov, int cnt, off_t off);
ssize_t preadv2(int fd, const struct iovec* iov, int cnt, off_t off, int flags);
ssize_t pwritev2(int fd, const struct iovec* iov, int cnt, off_t off, int flags);
ssize_t recv(int fd, void* buf, size_t n, int flags);
ssize_t recvfrom(int fd, void* buf, size_t n, int flags, struct sockaddr* from, socklen_t* fromlen);
ssize_t recvmsg(int fd, struct msghdr* msg, int flags);
ssize_t send(int fd, const void* buf, size_t n, int flags);
ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* to, socklen_t tolen);
ssize_t sendmsg(int fd, const struct msghdr* msg, int flags);

int setuid(uid_t uid);
int seteuid(uid_t uid);
int setreuid(uid_t r, uid_t e);
int setresuid(uid_t r, uid_t e, uid_t s);
int setgid(gid_t gid);
int setegid(gid_t gid);
int setregid(gid_t r, gid_t e);
int setresgid(gid_t r, gid_t e, gid_t s);
int setgroups(size_t n, const gid_t* groups);
int initgroups(const char* user, gid_t group);

// The fortified forms (_FORTIFY_SOURCE): only called to make them fail
// their own size check, as the C library would.
ssize_t read_chk(int fd, void* buf, size_t n, size_t buflen);
ssize_t pread_chk(int fd, void* buf, size_t n, off_t off, size_t buflen);
ssize_t recv_chk(int fd, void* buf, size_t n, size_t buflen, int flags);
ssize_t recvfrom_chk(int fd, void* buf, size_t n, size_t buflen, int flags, struct sockaddr* from,
                     socklen_t* fromlen);

[[noreturn]] void siglongjmp(sigjmp_buf env, int val);
[[noreturn]] void longjmp_chk(sigjmp_buf env, int val);

}  // namespace papers::dipc::client::real
