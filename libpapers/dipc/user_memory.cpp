#include "user_memory.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

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

bool read_user(void* to, const void* user_from, std::size_t n) {
    int saved = errno;
    bool ok = copy_all(static_cast<char*>(to), const_cast<char*>(static_cast<const char*>(user_from)), n,
                       process_vm_readv);
    errno = saved;
    return ok;
}

bool write_user(void* user_to, const void* from, std::size_t n) {
    int saved = errno;
    bool ok = copy_all(const_cast<char*>(static_cast<const char*>(from)), static_cast<char*>(user_to), n,
                       process_vm_writev);
    errno = saved;
    return ok;
}

}  // namespace papers::dipc::client
