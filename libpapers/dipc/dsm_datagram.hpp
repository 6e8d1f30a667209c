// dsm_datagram.hpp — receiving a datagram into a distributed segment. For a
// stream or a pipe, an EFAULT (a unit revoked while the call waited) leaves
// the data in the kernel and the call is simply retried (dsm_touch.hpp);
// a datagram socket drops the message instead. So a datagram receive whose
// buffers meet an attachment receives into private memory and copies out
// afterwards (write_user: fetched units, retried on a racing revoke), and
// loses nothing the kernel would not have lost (an unwritable buffer is
// EFAULT after the message was taken, as the kernel drops it too).
#pragma once
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <vector>

namespace papers::dipc::client::dsm {

bool is_datagram_socket(int fd);

struct Received {
    socklen_t namelen = 0;
    std::size_t controllen = 0;
    int flags = 0;  // msg_flags
};

// recvmsg into the program's buffers through private ones. -1 with errno.
ssize_t receive_bounced(int fd, const std::vector<struct iovec>& iov, void* name, socklen_t namelen, void* control,
                        std::size_t controllen, int flags, Received& out);

}  // namespace papers::dipc::client::dsm
