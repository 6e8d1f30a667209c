// config_file.cpp — trusted-file loading for papers-ioperm (see header).
#include "config_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "config_parse.hpp"

namespace papers::ioperm {

namespace {

// Closes a descriptor on scope exit.
struct Fd {
    int fd = -1;
    explicit Fd(int f = -1) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    void reset(int f) {
        if (fd >= 0) ::close(fd);
        fd = f;
    }
};

std::string owner_text(uid_t uid) { return "uid " + std::to_string(uid); }

std::string mode_text(mode_t m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return buf;
}

// Why openat(dirfd, name, O_NOFOLLOW...) failed. O_DIRECTORY|O_NOFOLLOW on a
// symbolic link reports ENOTDIR rather than ELOOP, so look at the entry.
std::string open_error(int dirfd, const std::string& name, const std::string& what, int err) {
    struct stat st {};
    if (err == ELOOP ||
        (err == ENOTDIR && ::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)))
        return what + " is a symbolic link (refused: links are never followed)";
    if (err == ENOTDIR) return what + " is not a directory";
    return "cannot open " + what + ": " + std::strerror(err);
}

bool owner_ok(const struct stat& st, const TrustPolicy& p) {
    return st.st_uid == p.required_owner || st.st_uid == 0;
}

}  // namespace

LoadResult load_trusted_file(const std::string& path, const TrustPolicy& policy) {
    LoadResult res;
    auto fail = [&](std::string msg) {
        res.error = "config " + path + ": " + std::move(msg);
        return res;
    };
    if (path.empty() || path[0] != '/') return fail("path must be absolute");
    if (path.back() == '/') return fail("path names a directory");
    if (path.size() >= 4096) return fail("path is too long");

    std::vector<std::string> parts;
    for (std::size_t i = 1; i < path.size();) {
        const std::size_t slash = path.find('/', i);
        const std::size_t end = slash == std::string::npos ? path.size() : slash;
        std::string comp = path.substr(i, end - i);
        if (comp == "." || comp == "..") return fail("path must not contain '.' or '..'");
        if (!comp.empty()) parts.push_back(std::move(comp));
        i = end + 1;
    }
    if (parts.empty()) return fail("path names a directory");

    Fd dir(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.fd < 0) return fail(std::string("cannot open /: ") + std::strerror(errno));
    std::string walked = "/";
    for (std::size_t i = 0;; ++i) {
        struct stat st {};
        if (::fstat(dir.fd, &st) != 0) return fail("cannot stat " + walked + ": " + std::strerror(errno));
        const bool immediate = i + 1 == parts.size();
        if (!owner_ok(st, policy))
            return fail("directory " + walked + " is owned by " + owner_text(st.st_uid) +
                        ", not root (anyone who owns it could replace the file)");
        const bool writable = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
        if (writable && (immediate || !(st.st_mode & S_ISVTX)))
            return fail("directory " + walked + " is writable by group or others (mode " +
                        mode_text(st.st_mode) + "); run chmod go-w " + walked);
        if (immediate) break;
        const int next = ::openat(dir.fd, parts[i].c_str(),
                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        walked += (walked.size() > 1 ? "/" : "") + parts[i];
        if (next < 0) return fail(open_error(dir.fd, parts[i], walked, errno));
        dir.reset(next);
    }

    // O_NONBLOCK: a FIFO planted here must not hang a setuid process.
    Fd file(::openat(dir.fd, parts.back().c_str(),
                     O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (file.fd < 0) return fail(open_error(dir.fd, parts.back(), "the file", errno));
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) return fail(std::string("cannot stat: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return fail("not a regular file");
    if (st.st_uid != policy.required_owner)
        return fail("owned by " + owner_text(st.st_uid) + ", must be owned by " +
                    (policy.required_owner == 0 ? std::string("root")
                                                : owner_text(policy.required_owner)) +
                    "; run chown root:root " + path);
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return fail("writable by group or others (mode " + mode_text(st.st_mode) +
                    "); run chmod go-w " + path);
    if (st.st_size > static_cast<off_t>(kMaxConfigBytes))
        return fail("larger than " + std::to_string(kMaxConfigBytes) + " bytes");

    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(file.fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(std::string("read failed: ") + std::strerror(errno));
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > kMaxConfigBytes)
            return fail("larger than " + std::to_string(kMaxConfigBytes) + " bytes");
    }
    res.ok = true;
    res.text = std::move(text);
    return res;
}

}  // namespace papers::ioperm
