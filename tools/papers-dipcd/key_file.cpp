#include "key_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace papers::dipcd {

namespace {

constexpr std::size_t kKeyBytes = 32;

std::string octal_mode(mode_t m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return buf;
}

void fill_random(unsigned char* p, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = getrandom(p + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("getrandom: ") + std::strerror(errno));
        }
        got += static_cast<std::size_t>(r);
    }
}

}  // namespace

void write_new_key_file(const std::string& path) {
    unsigned char key[kKeyBytes];
    fill_random(key, sizeof key);
    std::string text;
    for (unsigned char b : key) {
        static const char digits[] = "0123456789abcdef";
        text += digits[b >> 4];
        text += digits[b & 15];
    }
    text += '\n';
    std::memset(key, 0, sizeof key);

    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int e = errno;
        if (e == EEXIST)
            throw std::runtime_error("key file " + path + ": it already exists; papers-dipcd never "
                                     "overwrites a key (remove it first if you mean to replace it)");
        throw std::runtime_error("key file " + path + ": cannot create it: " + std::strerror(e));
    }
    // The umask may only have taken bits away; make the mode exact.
    bool ok = fchmod(fd, 0600) == 0;
    std::size_t done = 0;
    while (ok && done < text.size()) {
        const ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ok && fsync(fd) == 0;
    const int e = errno;
    std::fill(text.begin(), text.end(), '\0');
    if (close(fd) != 0) ok = false;
    if (!ok) {
        unlink(path.c_str());
        throw std::runtime_error("key file " + path + ": cannot write it: " + std::strerror(e));
    }
}

std::string key_file_problem(const std::string& path) {
    if (path.empty()) return "no key file given";
    struct stat st {};
    if (stat(path.c_str(), &st) != 0)
        return errno == ENOENT ? "does not exist (create one with papers-dipcd --gen-key " + path + ")"
                               : std::string("cannot be read: ") + std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return "is not a regular file";
    if (st.st_uid != geteuid())
        return "belongs to uid " + std::to_string(st.st_uid) + ", not to this daemon's user (uid " +
               std::to_string(geteuid()) + ")";
    if (st.st_mode & 077)
        return "mode " + octal_mode(st.st_mode) + " lets group or others read it (chmod 600 " + path + ")";
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::string("cannot be read: ") + std::strerror(errno);
    unsigned char buf[80];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n < 0) return std::string("cannot be read: ") + std::strerror(errno);
    std::size_t size = static_cast<std::size_t>(n);
    bool ok = size == kKeyBytes;
    if (!ok) {
        if (size == 2 * kKeyBytes + 1 && buf[size - 1] == '\n') --size;
        ok = size == 2 * kKeyBytes;
        for (std::size_t i = 0; ok && i < size; ++i) ok = std::isxdigit(buf[i]) != 0;
    }
    std::memset(buf, 0, sizeof buf);
    if (!ok) return "holds neither 32 raw bytes nor 64 hex digits (and a newline)";
    return "";
}

}  // namespace papers::dipcd
