#include "dsm_datagram.hpp"

#include <algorithm>
#include <cerrno>

#include "real_system.hpp"
#include "user_memory.hpp"

namespace papers::dipc::client::dsm {

bool is_datagram_socket(int fd) {
    int type = 0;
    socklen_t len = sizeof type;
    int saved = errno;
    bool ok = getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
    errno = saved;
    return ok && (type == SOCK_DGRAM || type == SOCK_SEQPACKET || type == SOCK_RAW || type == SOCK_RDM);
}

ssize_t receive_bounced(int fd, const std::vector<struct iovec>& iov, void* name, socklen_t namelen, void* control,
                        std::size_t controllen, int flags, Received& out) {
    std::size_t total = 0;
    for (const struct iovec& v : iov) total += v.iov_len;
    std::vector<char> data(total), name_buf(name ? namelen : 0), control_buf(control ? controllen : 0);
    struct iovec mine {data.data(), total};
    struct msghdr m {};
    m.msg_iov = &mine;
    m.msg_iovlen = 1;
    m.msg_name = name ? name_buf.data() : nullptr;
    m.msg_namelen = name ? namelen : 0;
    m.msg_control = control ? control_buf.data() : nullptr;
    m.msg_controllen = control ? controllen : 0;
    ssize_t r = real::recvmsg(fd, &m, flags);
    if (r < 0) return r;
    // MSG_TRUNC may report more than the buffers held.
    std::size_t left = std::min<std::size_t>(static_cast<std::size_t>(r), total), at = 0;
    bool ok = true;
    for (const struct iovec& v : iov) {
        std::size_t n = std::min(left, v.iov_len);
        ok = ok && write_user(v.iov_base, data.data() + at, n);
        at += n;
        left -= n;
    }
    if (name) ok = ok && write_user(name, name_buf.data(), std::min(m.msg_namelen, namelen));
    if (control) ok = ok && write_user(control, control_buf.data(), std::min(m.msg_controllen, controllen));
    if (!ok) {
        errno = EFAULT;
        return -1;
    }
    out.namelen = m.msg_namelen;
    out.controllen = m.msg_controllen;
    out.flags = m.msg_flags;
    return r;
}

}  // namespace papers::dipc::client::dsm
