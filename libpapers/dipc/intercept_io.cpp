// intercept_io.cpp — the read/write family of system calls, whose buffers
// may lie in a distributed segment (dsm_touch.hpp): read, pread(64), readv,
// preadv(64)(v2), recv, recvfrom, recvmsg, write, pwrite(64), writev,
// pwritev(64)(v2), send, sendto, sendmsg, and the fortified __*_chk forms.
// A buffer outside every attachment costs one range check; a process with
// no attachment never gets further (vectored calls check that first).
// Datagram receives into a segment go through private buffers
// (dsm_datagram.hpp): a kernel EFAULT would drop the message.
#include <limits.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstddef>
#include <vector>

#include "dsm_datagram.hpp"
#include "dsm_touch.hpp"
#include "real_system.hpp"
#include "user_memory.hpp"

using namespace papers::dipc::client;
using dsm::UserRange;

namespace {

bool any_may_touch(const std::vector<UserRange>& ranges) {
    for (const UserRange& r : ranges)
        if (dsm::may_touch(r.p, r.n)) return true;
    return false;
}

// The array (the kernel reads it) and its buffers. False when the array
// cannot be read or its count is out of range: the call then gets the
// kernel's own answer for that.
bool add_iov(std::vector<UserRange>& out, const struct iovec* iov, long cnt, bool kernel_writes,
             std::vector<struct iovec>& v) {
    if (cnt < 0 || cnt > IOV_MAX) return false;
    v.resize(static_cast<std::size_t>(cnt));
    if (!read_user(v.data(), iov, v.size() * sizeof(struct iovec))) return false;
    out.push_back({iov, v.size() * sizeof(struct iovec), false});
    for (const struct iovec& e : v) out.push_back({e.iov_base, e.iov_len, kernel_writes});
    return true;
}

// A message header and everything it points to; recvmsg writes the lengths
// and flags back into the header, and the name and control data.
bool add_msghdr(std::vector<UserRange>& out, const struct msghdr* msg, bool receiving, struct msghdr& m,
                std::vector<struct iovec>& v) {
    if (!read_user(&m, msg, sizeof m)) return false;
    out.push_back({msg, sizeof m, receiving});
    if (m.msg_name) out.push_back({m.msg_name, m.msg_namelen, receiving});
    if (m.msg_control) out.push_back({m.msg_control, m.msg_controllen, receiving});
    return add_iov(out, m.msg_iov, static_cast<long>(m.msg_iovlen), receiving, v);
}

// A datagram into a segment (dsm_datagram.hpp).
ssize_t datagram_into(int fd, void* buf, std::size_t n, int flags) {
    dsm::Received got;
    return dsm::receive_bounced(fd, {{buf, n}}, nullptr, 0, nullptr, 0, flags, got);
}

template <class Call>
ssize_t with_buffers(const std::vector<UserRange>& ranges, Call call) {
    return dsm::call_with_ranges(ranges.data(), ranges.size(), call);
}

template <class Call>
ssize_t with_buffer(const void* p, std::size_t n, bool kernel_writes, Call call) {
    if (!dsm::may_touch(p, n)) return call();
    UserRange r{p, n, kernel_writes};
    return dsm::call_with_ranges(&r, 1, call);
}

// `datagram_fd`: receiving from it (readv) bounces the data (dsm_datagram.hpp).
template <class Call>
ssize_t vectored(const struct iovec* iov, int cnt, bool kernel_writes, Call call, int datagram_fd = -1) {
    if (!dsm::any()) return call();
    std::vector<UserRange> ranges;
    std::vector<struct iovec> v;
    if (!add_iov(ranges, iov, cnt, kernel_writes, v) || !any_may_touch(ranges)) return call();
    if (datagram_fd >= 0 && dsm::is_datagram_socket(datagram_fd)) {
        dsm::Received got;
        return dsm::receive_bounced(datagram_fd, v, nullptr, 0, nullptr, 0, 0, got);
    }
    return with_buffers(ranges, call);
}

ssize_t read_impl(int fd, void* buf, size_t n) {
    if (dsm::may_touch(buf, n) && dsm::is_datagram_socket(fd)) return datagram_into(fd, buf, n, 0);
    return with_buffer(buf, n, true, [&] { return real::read(fd, buf, n); });
}

ssize_t pread_impl(int fd, void* buf, size_t n, off_t off) {
    return with_buffer(buf, n, true, [&] { return real::pread(fd, buf, n, off); });
}

ssize_t recv_impl(int fd, void* buf, size_t n, int flags) {
    if (dsm::may_touch(buf, n) && dsm::is_datagram_socket(fd)) return datagram_into(fd, buf, n, flags);
    return with_buffer(buf, n, true, [&] { return real::recv(fd, buf, n, flags); });
}

ssize_t recvfrom_impl(int fd, void* buf, size_t n, int flags, struct sockaddr* from, socklen_t* fromlen) {
    auto call = [&] { return real::recvfrom(fd, buf, n, flags, from, fromlen); };
    if (!dsm::any()) return call();
    std::vector<UserRange> ranges{{buf, n, true}};
    socklen_t len = 0;
    bool named = from && fromlen && read_user(&len, fromlen, sizeof len);
    if (named) {
        ranges.push_back({fromlen, sizeof len, true});
        ranges.push_back({from, len, true});
    }
    if (!any_may_touch(ranges)) return call();
    if ((named || !from) && dsm::is_datagram_socket(fd)) {
        dsm::Received got;
        ssize_t r = dsm::receive_bounced(fd, {{buf, n}}, named ? from : nullptr, len, nullptr, 0, flags, got);
        if (r >= 0 && named && !write_user(fromlen, &got.namelen, sizeof got.namelen)) {
            errno = EFAULT;
            return -1;
        }
        return r;
    }
    return with_buffers(ranges, call);
}

}  // namespace

extern "C" {

#define PAPERS_DIPC_EXPORT __attribute__((visibility("default")))

PAPERS_DIPC_EXPORT ssize_t read(int fd, void* buf, size_t n) { return read_impl(fd, buf, n); }

PAPERS_DIPC_EXPORT ssize_t write(int fd, const void* buf, size_t n) {
    return with_buffer(buf, n, false, [&] { return real::write(fd, buf, n); });
}

PAPERS_DIPC_EXPORT ssize_t pread(int fd, void* buf, size_t n, off_t off) { return pread_impl(fd, buf, n, off); }
PAPERS_DIPC_EXPORT ssize_t pread64(int fd, void* buf, size_t n, off_t off) { return pread_impl(fd, buf, n, off); }

PAPERS_DIPC_EXPORT ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
    return with_buffer(buf, n, false, [&] { return real::pwrite(fd, buf, n, off); });
}
PAPERS_DIPC_EXPORT ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) { return pwrite(fd, buf, n, off); }

PAPERS_DIPC_EXPORT ssize_t readv(int fd, const struct iovec* iov, int cnt) {
    return vectored(iov, cnt, true, [&] { return real::readv(fd, iov, cnt); }, fd);
}

PAPERS_DIPC_EXPORT ssize_t writev(int fd, const struct iovec* iov, int cnt) {
    return vectored(iov, cnt, false, [&] { return real::writev(fd, iov, cnt); });
}

PAPERS_DIPC_EXPORT ssize_t preadv(int fd, const struct iovec* iov, int cnt, off_t off) {
    return vectored(iov, cnt, true, [&] { return real::preadv(fd, iov, cnt, off); });
}
PAPERS_DIPC_EXPORT ssize_t preadv64(int fd, const struct iovec* iov, int cnt, off_t off) {
    return preadv(fd, iov, cnt, off);
}

PAPERS_DIPC_EXPORT ssize_t pwritev(int fd, const struct iovec* iov, int cnt, off_t off) {
    return vectored(iov, cnt, false, [&] { return real::pwritev(fd, iov, cnt, off); });
}
PAPERS_DIPC_EXPORT ssize_t pwritev64(int fd, const struct iovec* iov, int cnt, off_t off) {
    return pwritev(fd, iov, cnt, off);
}

PAPERS_DIPC_EXPORT ssize_t preadv2(int fd, const struct iovec* iov, int cnt, off_t off, int flags) {
    return vectored(iov, cnt, true, [&] { return real::preadv2(fd, iov, cnt, off, flags); });
}
PAPERS_DIPC_EXPORT ssize_t preadv64v2(int fd, const struct iovec* iov, int cnt, off_t off, int flags) {
    return preadv2(fd, iov, cnt, off, flags);
}

PAPERS_DIPC_EXPORT ssize_t pwritev2(int fd, const struct iovec* iov, int cnt, off_t off, int flags) {
    return vectored(iov, cnt, false, [&] { return real::pwritev2(fd, iov, cnt, off, flags); });
}
PAPERS_DIPC_EXPORT ssize_t pwritev64v2(int fd, const struct iovec* iov, int cnt, off_t off, int flags) {
    return pwritev2(fd, iov, cnt, off, flags);
}

PAPERS_DIPC_EXPORT ssize_t recv(int fd, void* buf, size_t n, int flags) { return recv_impl(fd, buf, n, flags); }

PAPERS_DIPC_EXPORT ssize_t recvfrom(int fd, void* buf, size_t n, int flags, struct sockaddr* from,
                                    socklen_t* fromlen) {
    return recvfrom_impl(fd, buf, n, flags, from, fromlen);
}

PAPERS_DIPC_EXPORT ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
    auto call = [&] { return real::recvmsg(fd, msg, flags); };
    if (!dsm::any()) return call();
    std::vector<UserRange> ranges;
    struct msghdr m;
    std::vector<struct iovec> v;
    if (!add_msghdr(ranges, msg, true, m, v) || !any_may_touch(ranges)) return call();
    if (dsm::is_datagram_socket(fd)) {
        dsm::Received got;
        ssize_t r = dsm::receive_bounced(fd, v, m.msg_name, m.msg_namelen, m.msg_control, m.msg_controllen, flags, got);
        if (r < 0) return r;
        m.msg_namelen = got.namelen;
        m.msg_controllen = got.controllen;
        m.msg_flags = got.flags;
        if (!write_user(msg, &m, sizeof m)) {
            errno = EFAULT;
            return -1;
        }
        return r;
    }
    return with_buffers(ranges, call);
}

PAPERS_DIPC_EXPORT ssize_t send(int fd, const void* buf, size_t n, int flags) {
    return with_buffer(buf, n, false, [&] { return real::send(fd, buf, n, flags); });
}

PAPERS_DIPC_EXPORT ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* to,
                                  socklen_t tolen) {
    auto call = [&] { return real::sendto(fd, buf, n, flags, to, tolen); };
    if (!dsm::any()) return call();
    std::vector<UserRange> ranges{{buf, n, false}};
    if (to) ranges.push_back({to, tolen, false});
    if (!any_may_touch(ranges)) return call();
    return with_buffers(ranges, call);
}

PAPERS_DIPC_EXPORT ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
    auto call = [&] { return real::sendmsg(fd, msg, flags); };
    if (!dsm::any()) return call();
    std::vector<UserRange> ranges;
    struct msghdr m;
    std::vector<struct iovec> v;
    if (!add_msghdr(ranges, msg, false, m, v) || !any_may_touch(ranges)) return call();
    return with_buffers(ranges, call);
}

// _FORTIFY_SOURCE: the C library's own check fails (and aborts) first.
PAPERS_DIPC_EXPORT ssize_t __read_chk(int fd, void* buf, size_t n, size_t buflen) {
    if (n > buflen) return real::read_chk(fd, buf, n, buflen);
    return read_impl(fd, buf, n);
}

PAPERS_DIPC_EXPORT ssize_t __pread_chk(int fd, void* buf, size_t n, off_t off, size_t buflen) {
    if (n > buflen) return real::pread_chk(fd, buf, n, off, buflen);
    return pread_impl(fd, buf, n, off);
}

PAPERS_DIPC_EXPORT ssize_t __pread64_chk(int fd, void* buf, size_t n, off_t off, size_t buflen) {
    return __pread_chk(fd, buf, n, off, buflen);
}

PAPERS_DIPC_EXPORT ssize_t __recv_chk(int fd, void* buf, size_t n, size_t buflen, int flags) {
    if (n > buflen) return real::recv_chk(fd, buf, n, buflen, flags);
    return recv_impl(fd, buf, n, flags);
}

PAPERS_DIPC_EXPORT ssize_t __recvfrom_chk(int fd, void* buf, size_t n, size_t buflen, int flags,
                                          struct sockaddr* from, socklen_t* fromlen) {
    if (n > buflen) return real::recvfrom_chk(fd, buf, n, buflen, flags, from, fromlen);
    return recvfrom_impl(fd, buf, n, flags, from, fromlen);
}

}  // extern "C"
