#include "user_memory.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "dsm_touch.hpp"

namespace papers::dipc::client {

namespace {

// Loops because a transfer may stop short at a page boundary; a transfer of
// nothing, or an error, means the rest is not accessible.
template <class Transfer>
bool copy_all(char* local, char* remote, std::size_t n, Transfer transfer) {
    pid_t self = getpid();
    while (n > 0) {
        iovec l{local, n};
        iovec r{remote, n};
        ssize_t k = transfer(self, &l, 1, &r, 1, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        local += k;
        remote += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

}  // namespace

// process_vm_readv/writev are kernel-mode accesses: a distributed segment's
// page that is not present fails them, so its units are fetched first.
bool read_user(void* to, const void* user_from, std::size_t n) {
    int saved = errno;
    auto copy = [&] {
        return copy_all(static_cast<char*>(to), const_cast<char*>(static_cast<const char*>(user_from)), n,
                        process_vm_readv) ? 0 : -1;
    };
    bool ok;
    if (!dsm::may_touch(user_from, n)) {
        ok = copy() == 0;
    } else {
        dsm::UserRange r{user_from, n, false};
        ok = dsm::call_with_ranges(&r, 1, [&] {
            int rc = copy();
            if (rc < 0) errno = EFAULT;
            return rc;
        }) == 0;
    }
    errno = saved;
    return ok;
}

bool write_user(void* user_to, const void* from, std::size_t n) {
    int saved = errno;
    auto copy = [&] {
        return copy_all(const_cast<char*>(static_cast<const char*>(from)), static_cast<char*>(user_to), n,
                        process_vm_writev) ? 0 : -1;
    };
    bool ok;
    if (!dsm::may_touch(user_to, n)) {
        ok = copy() == 0;
    } else {
        dsm::UserRange r{user_to, n, true};
        ok = dsm::call_with_ranges(&r, 1, [&] {
            int rc = copy();
            if (rc < 0) errno = EFAULT;
            return rc;
        }) == 0;
    }
    errno = saved;
    return ok;
}

}  // namespace papers::dipc::client
