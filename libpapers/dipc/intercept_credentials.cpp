// intercept_credentials.cpp — setuid, seteuid, setreuid, setresuid, setgid,
// setegid, setregid, setresgid, setgroups, initgroups: the C library's
// call, then the credential generation advances (credentials.hpp), so that
// every link opened before is reopened before its next use.
#include <grp.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "credentials.hpp"
#include "real_system.hpp"

namespace papers::dipc::client {

namespace {
std::atomic<std::uint64_t> g_generation{0};
}

std::uint64_t credential_generation() { return g_generation.load(std::memory_order_acquire); }
void credentials_changed() { g_generation.fetch_add(1, std::memory_order_acq_rel); }

}  // namespace papers::dipc::client

using namespace papers::dipc::client;

namespace {

// Even a failed call may have changed something (setresuid is not atomic
// across threads in the C library): reopening a link is cheap.
int changed(int rc) {
    int e = errno;
    credentials_changed();
    errno = e;
    return rc;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int setuid(uid_t uid) noexcept { return changed(real::setuid(uid)); }
__attribute__((visibility("default"))) int seteuid(uid_t uid) noexcept { return changed(real::seteuid(uid)); }
__attribute__((visibility("default"))) int setreuid(uid_t r, uid_t e) noexcept { return changed(real::setreuid(r, e)); }
__attribute__((visibility("default"))) int setresuid(uid_t r, uid_t e, uid_t s) noexcept {
    return changed(real::setresuid(r, e, s));
}
__attribute__((visibility("default"))) int setgid(gid_t gid) noexcept { return changed(real::setgid(gid)); }
__attribute__((visibility("default"))) int setegid(gid_t gid) noexcept { return changed(real::setegid(gid)); }
__attribute__((visibility("default"))) int setregid(gid_t r, gid_t e) noexcept { return changed(real::setregid(r, e)); }
__attribute__((visibility("default"))) int setresgid(gid_t r, gid_t e, gid_t s) noexcept {
    return changed(real::setresgid(r, e, s));
}
__attribute__((visibility("default"))) int setgroups(size_t n, const gid_t* groups) noexcept {
    return changed(real::setgroups(n, groups));
}
// The C library's initgroups calls its own setgroups, not ours.
__attribute__((visibility("default"))) int initgroups(const char* user, gid_t group) {
    return changed(real::initgroups(user, group));
}

}  // extern "C"
