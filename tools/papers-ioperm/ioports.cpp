// ioports.cpp — see ioports.hpp. Lines look like
//   "  0378-037a : parport0" (nested regions are indented).
#include "ioports.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config_parse.hpp"

namespace papers::ioperm {

namespace {

bool hex_value(std::string_view s, unsigned long& out) {
    if (s.empty() || s.size() > 8) return false;
    out = 0;
    for (char c : s) {
        unsigned d;
        if (c >= '0' && c <= '9') d = unsigned(c - '0');
        else if (c >= 'a' && c <= 'f') d = unsigned(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = unsigned(c - 'A' + 10);
        else return false;
        out = out * 16 + d;
    }
    return true;
}

}  // namespace

IoportsVerdict classify_base(std::string_view text, unsigned base) {
    bool any_nonzero = false, any_line = false;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        const std::size_t start = line.find_first_not_of(' ');
        if (start == std::string_view::npos) continue;
        line.remove_prefix(start);
        const std::size_t dash = line.find('-'), colon = line.find(" : ");
        if (dash == std::string_view::npos || colon == std::string_view::npos || dash > colon)
            continue;
        unsigned long lo = 0, hi = 0;
        if (!hex_value(line.substr(0, dash), lo) || !hex_value(line.substr(dash + 1, colon - dash - 1), hi))
            continue;
        any_line = true;
        any_nonzero = any_nonzero || lo != 0 || hi != 0;
        const std::string_view name = line.substr(colon + 3);
        const bool parport_name =
            name.size() > 7 && name.substr(0, 7) == "parport" &&
            name.find_first_not_of("0123456789", 7) == std::string_view::npos;
        if (parport_name && lo <= base && base + kPortSpan - 1 <= hi) return IoportsVerdict::parport;
    }
    return any_line && !any_nonzero ? IoportsVerdict::hidden : IoportsVerdict::other;
}

bool read_ioports(const std::string& path, std::string& text, std::string& err) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = "cannot read " + path + ": " + std::strerror(errno);
        return false;
    }
    text.clear();
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            err = "cannot read " + path + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > 256 * 1024) {
            err = path + " is larger than 256 KiB";
            ::close(fd);
            return false;
        }
    }
    ::close(fd);
    return true;
}

}  // namespace papers::ioperm
