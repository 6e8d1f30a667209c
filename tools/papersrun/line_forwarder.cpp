#include "line_forwarder.hpp"

#include <cerrno>
#include <memory>
#include <poll.h>
#include <unistd.h>

namespace papersrun {

LineForwarder::LineForwarder(Sink sink, std::string prefix)
    : sink_(std::move(sink)), prefix_(std::move(prefix)) {}

void LineForwarder::feed(std::string_view bytes) {
    std::string out;
    while (!bytes.empty()) {
        auto nl = bytes.find('\n');
        if (nl == std::string_view::npos) {
            pending_.append(bytes);
            break;
        }
        if (at_line_start_) out += prefix_;
        out += pending_;
        out.append(bytes.substr(0, nl + 1));
        pending_.clear();
        at_line_start_ = true;
        bytes.remove_prefix(nl + 1);
    }
    if (pending_.size() >= kMaxPending) {
        // A runaway line: pass on what we have; the rest follows untagged.
        if (at_line_start_) out += prefix_;
        out += pending_;
        pending_.clear();
        at_line_start_ = false;
    }
    if (!out.empty()) sink_(out);
}

void LineForwarder::finish() {
    if (pending_.empty() && (at_line_start_ || prefix_.empty())) return;
    std::string out;
    if (at_line_start_ && !pending_.empty()) out += prefix_;
    out += pending_;
    if (!prefix_.empty()) out += '\n';
    pending_.clear();
    at_line_start_ = true;
    sink_(out);
}

LineForwarder::Sink fd_sink(int fd) {
    auto broken = std::make_shared<bool>(false);
    return [fd, broken](std::string_view data) {
        while (!data.empty() && !*broken) {
            ssize_t n = write(fd, data.data(), data.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) {
                // Someone made the shared descriptor non-blocking: wait, bounded.
                pollfd p{fd, POLLOUT, 0};
                if (poll(&p, 1, 5000) > 0) continue;
            }
            if (n < 0) {
                *broken = true;  // EPIPE and friends: nobody reads any more
                return;
            }
            data.remove_prefix(static_cast<size_t>(n));
        }
    };
}

}  // namespace papersrun
