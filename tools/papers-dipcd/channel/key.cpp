#include "key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace papers::dipc::channel {

namespace {

constexpr std::size_t kHexDigits = 2 * kKeyBytes;
// Largest acceptable file: hex digits and a newline.
constexpr std::size_t kMaxFileBytes = kHexDigits + 1;

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

KeyFileError problem(const std::string& path, const std::string& what) {
    return KeyFileError("key file " + path + ": " + what);
}

std::string octal_mode(mode_t m) {
    char s[8];
    std::snprintf(s, sizeof s, "%04o", static_cast<unsigned>(m & 07777));
    return s;
}

const char* file_kind(mode_t m) {
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    return "not a regular file";
}

// Reads up to `cap` bytes (fewer only at end of file).
ssize_t read_up_to(int fd, unsigned char* buf, std::size_t cap) {
    std::size_t got = 0;
    while (got < cap) {
        ssize_t n = ::read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    return static_cast<ssize_t>(got);
}

bool write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

}  // namespace

Key Key::from_bytes(const std::uint8_t* p, std::size_t n) {
    if (n != kKeyBytes)
        throw std::invalid_argument("a cluster key is " + std::to_string(kKeyBytes) + " bytes, not " +
                                    std::to_string(n));
    Key k;
    std::memcpy(k.bytes_->data(), p, n);
    return k;
}

Key Key::random() {
    Key k;
    randombytes_buf(k.bytes_->data(), kKeyBytes);
    return k;
}

Key load_key_file(const std::string& path) {
    // O_NONBLOCK: opening a FIFO must not hang; fstat refuses it next. Checks
    // go through the open descriptor, so the file cannot be swapped between
    // check and read.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) throw problem(path, std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw problem(path, std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        throw problem(path, std::string("is ") + file_kind(st.st_mode) + ", not a regular file");
    if (st.st_uid != ::geteuid())
        throw problem(path, "is owned by uid " + std::to_string(st.st_uid) +
                                ", not by this process's effective uid " + std::to_string(::geteuid()));
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        throw problem(path, "mode " + octal_mode(st.st_mode) +
                                " gives group or other users access; a key must be private (chmod 600 " +
                                path + ")");

    Secret<std::array<unsigned char, kMaxFileBytes + 1>> buf;
    ssize_t n = read_up_to(fd.get(), buf->data(), buf->size());
    if (n < 0) throw problem(path, std::strerror(errno));
    const std::size_t size = static_cast<std::size_t>(n);
    const std::string wrong_size =
        "a key file holds exactly 32 raw bytes or 64 hex digits (and an optional newline)";
    if (size == kKeyBytes) return Key::from_bytes(buf->data(), size);
    std::size_t digits = size;
    if (size == kHexDigits + 1 && (*buf)[kHexDigits] == '\n') digits = kHexDigits;
    if (digits != kHexDigits)
        throw problem(path, "holds " + std::to_string(size > kMaxFileBytes ? std::uint64_t(st.st_size) : size) +
                                " bytes; " + wrong_size);
    Secret<std::array<std::uint8_t, kKeyBytes>> bin;
    std::size_t bin_len = 0;
    const char* end = nullptr;
    const char* hex = reinterpret_cast<const char*>(buf->data());
    if (sodium_hex2bin(bin->data(), bin->size(), hex, digits, nullptr, &bin_len, &end) != 0 ||
        bin_len != kKeyBytes || end != hex + digits)
        throw problem(path, "holds 64 characters that are not all hex digits; " + wrong_size);
    return Key::from_bytes(bin->data(), bin_len);
}

void generate_key_file(const std::string& path) {
    // O_EXCL refuses any existing name, a dangling symbolic link included.
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) {
        if (errno == EEXIST) throw problem(path, "already exists; not overwriting it (remove it to make a new key)");
        throw problem(path, std::strerror(errno));
    }
    auto fail = [&](const char* step) {
        int e = errno;
        ::close(fd.release());
        ::unlink(path.c_str());
        return problem(path, std::string(step) + ": " + std::strerror(e));
    };
    // The umask can only have removed bits from 0600; make it exactly 0600.
    if (::fchmod(fd.get(), 0600) != 0) throw fail("fchmod");
    Key key = Key::random();
    Secret<std::array<char, kHexDigits + 2>> hex;
    sodium_bin2hex(hex->data(), hex->size(), key.data(), kKeyBytes);
    (*hex)[kHexDigits] = '\n';
    if (!write_all(fd.get(), hex->data(), kHexDigits + 1)) throw fail("write");
    if (::fsync(fd.get()) != 0) throw fail("fsync");
    if (::close(fd.release()) != 0) {
        int e = errno;
        ::unlink(path.c_str());
        throw problem(path, std::string("close: ") + std::strerror(e));
    }
}

}  // namespace papers::dipc::channel
