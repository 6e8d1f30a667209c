#include "user_memory.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "dsm_touch.hpp"

namespace papers::dipc::client {

namespace {

constexpr int kMaxPieces = 4;

// Copies the local pieces to or from `remote` onward. Loops because a
// transfer may stop short at a page boundary; a transfer of nothing, or an
// error, means the rest is not accessible.
template <class Transfer>
bool copy_all(iovec* local, int count, char* remote, Transfer transfer) {
    pid_t self = getpid();
    std::size_t n = 0;
    for (int i = 0; i < count; ++i) n += local[i].iov_len;
    while (n > 0) {
        while (local->iov_len == 0) ++local, --count;
        iovec r{remote, n};
        ssize_t k = transfer(self, local, count, &r, 1, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        remote += k;
        n -= static_cast<std::size_t>(k);
        for (auto left = static_cast<std::size_t>(k); left > 0;) {
            std::size_t step = left < local->iov_len ? left : local->iov_len;
            local->iov_base = static_cast<char*>(local->iov_base) + step;
            local->iov_len -= step;
            left -= step;
            if (local->iov_len == 0 && left > 0) ++local, --count;
        }
    }
    return true;
}

template <class Transfer>
bool copy_all(char* local, char* remote, std::size_t n, Transfer transfer) {
    iovec l{local, n};
    return copy_all(&l, 1, remote, transfer);
}

// process_vm_readv/writev are kernel-mode accesses: a distributed segment's
// page that is not present fails them, so its units are fetched first. The
// caller's errno is kept whatever happens.
template <class Copy>
bool guarded_copy(const void* user, std::size_t n, bool writes, Copy copy) {
    int saved = errno;
    bool ok;
    if (!dsm::may_touch(user, n)) {
        ok = copy();
    } else {
        dsm::UserRange r{user, n, writes};
        ok = dsm::call_with_ranges(&r, 1, [&] {
            if (copy()) return 0;
            errno = EFAULT;
            return -1;
        }) == 0;
    }
    errno = saved;
    return ok;
}

}  // namespace

bool read_user(void* to, const void* user_from, std::size_t n) {
    return guarded_copy(user_from, n, false, [&] {
        return copy_all(static_cast<char*>(to), const_cast<char*>(static_cast<const char*>(user_from)), n,
                        process_vm_readv);
    });
}

bool write_user(void* user_to, const void* from, std::size_t n) {
    return guarded_copy(user_to, n, true, [&] {
        return copy_all(const_cast<char*>(static_cast<const char*>(from)), static_cast<char*>(user_to), n,
                        process_vm_writev);
    });
}

bool write_user(void* user_to, const Piece* pieces, int count) {
    if (count < 0 || count > kMaxPieces) return false;
    iovec local[kMaxPieces];
    std::size_t n = 0;
    for (int i = 0; i < count; ++i) {
        local[i] = iovec{const_cast<void*>(pieces[i].data), pieces[i].size};
        n += pieces[i].size;
    }
    return guarded_copy(user_to, n, true,
                        [&] { return copy_all(local, count, static_cast<char*>(user_to), process_vm_writev); });
}

}  // namespace papers::dipc::client
