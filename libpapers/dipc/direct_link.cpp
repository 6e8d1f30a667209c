#include "direct_link.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "client_config.hpp"
#include "real_system.hpp"
#include "unix_socket.hpp"

namespace papers::dipc::client {

void DirectLink::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    session_.reset();
    rbegin_ = rend_ = 0;
}

bool DirectLink::fail(std::string& why, const std::string& reason) {
    why = reason;
    close();
    return false;
}

bool DirectLink::adopt(int fd, std::uint32_t host, const proto::LinkHandover& h, std::uint32_t peer_timeout_ms,
                       std::string& why) {
    close();
    fd_ = fd;
    host_ = host;
    peer_timeout_ms_ = peer_timeout_ms;
    // The daemon's event loop made the socket non-blocking; waits are poll(2)'s.
    int fl = fcntl(fd_, F_GETFL);
    if (fl >= 0) fcntl(fd_, F_SETFL, fl | O_NONBLOCK);
    fcntl(fd_, F_SETFD, FD_CLOEXEC);
    try {
        session_.emplace(channel::Session::import_state(h.state.data(), h.state.size()));
    } catch (const std::exception& e) {
        return fail(why, std::string("direct link: ") + e.what());
    }
    rbuf_.assign(h.unread.begin(), h.unread.end());
    if (rbuf_.size() < 64 * 1024) rbuf_.resize(64 * 1024);
    rbegin_ = 0;
    rend_ = h.unread.size();
    return true;
}

bool DirectLink::send_body(std::string& why) {
    out_.clear();
    session_->seal(body_.data(), body_.size(), out_);
    return sock::send_all(fd_, out_.data(), out_.size(), why);
}

// Reads until a frame is whole. The owner speaks at least every heartbeat,
// so a silence of peer_timeout_ms since the last bytes is loss; any bytes
// (heartbeats too) restart that clock. deadline_ms (-1: none) bounds the
// whole wait (a cancelled call's verdict).
DirectLink::Got DirectLink::next_frame(std::int64_t deadline_ms, std::string& why) {
    for (;;) {
        const std::uint8_t* p = rbuf_.data() + rbegin_;
        const std::uint8_t* end = rbuf_.data() + rend_;
        scratch_.clear();
        channel::Session::Event ev = session_->next(p, end, scratch_);
        rbegin_ = static_cast<std::size_t>(p - rbuf_.data());
        if (ev == channel::Session::Event::frame) return Got::frame;
        if (ev == channel::Session::Event::closed_by_peer) {
            why = "the owner's daemon closed the link";
            return Got::failed;
        }
        if (ev != channel::Session::Event::need_more) {
            why = "direct link: " + session_->error_text();
            return Got::failed;
        }
        // Room for what the session wants, the unconsumed part at the front.
        if (rbegin_ == rend_) rbegin_ = rend_ = 0;
        std::size_t want = session_->bytes_wanted();
        if (rbuf_.size() - rbegin_ < want) {
            std::memmove(rbuf_.data(), rbuf_.data() + rbegin_, rend_ - rbegin_);
            rend_ -= rbegin_;
            rbegin_ = 0;
            if (rbuf_.size() < want) rbuf_.resize(want);
        }
        // poll(2) first: the answer to a request just sent is still on its
        // way, so a receive first would mostly find nothing.
        std::int64_t silence_end = sock::now_ms() + peer_timeout_ms_;
        bool bounded = deadline_ms >= 0 && deadline_ms < silence_end;
        sock::Wait w = sock::wait_readable(fd_, bounded ? deadline_ms : silence_end, why, interruptible_);
        if (w == sock::Wait::interrupted) return Got::interrupted;
        if (w == sock::Wait::failed) return Got::failed;
        if (w == sock::Wait::timed_out) {
            if (bounded) return Got::timed_out;
            why = "the owner's daemon was silent for " + std::to_string(peer_timeout_ms_) + " ms";
            return Got::failed;
        }
        ssize_t n = real::recv(fd_, rbuf_.data() + rend_, rbuf_.size() - rend_, MSG_DONTWAIT);
        if (n > 0) {
            rend_ += static_cast<std::size_t>(n);
            continue;
        }
        if (n == 0) {
            why = "the owner's daemon closed the connection";
            return Got::failed;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            why = std::string("direct link: ") + std::strerror(errno);
            return Got::failed;
        }
    }
}

bool DirectLink::exchange(std::uint64_t id, bool cancellable, proto::Reply& reply, std::string& why) {
    if (!is_open()) return fail(why, "the direct link is closed");
    if (!send_body(why)) return fail(why, why);
    bool cancelled = false;
    std::int64_t verdict_deadline = -1;
    for (;;) {
        interruptible_ = cancellable && !cancelled;
        // A signal handler that forked closed the link in the child.
        if (!is_open()) return fail(why, "the direct link was closed meanwhile");
        Got g = next_frame(verdict_deadline, why);
        if (g == Got::failed) return fail(why, why);
        if (g == Got::timed_out)
            return fail(why, "no verdict on a cancelled call within " + std::to_string(kVerdictTimeoutMs) + " ms");
        if (g == Got::interrupted) {
            if (!cancellable || cancelled) continue;
            body_.clear();
            proto::encode_body(proto::Op::cancel, next_id_++, proto::CancelReq{id}, body_);
            if (!send_body(why)) return fail(why, why);
            cancelled = true;
            verdict_deadline = sock::now_ms() + kVerdictTimeoutMs;
            continue;
        }
        proto::Header h;
        const std::uint8_t* f = session_->frame_data();
        std::size_t n = session_->frame_size();
        if (!proto::decode_header(f, n, h) || h.op != proto::Op::reply)
            return fail(why, "protocol error on a direct link: not a reply");
        if (h.request_id != id) continue;  // a late answer to an abandoned request
        const char* bad = nullptr;
        if (!proto::decode_payload(f + proto::kHeaderBytes, n - proto::kHeaderBytes, reply, &bad))
            return fail(why, std::string("protocol error in a reply: ") + bad);
        return true;
    }
}

}  // namespace papers::dipc::client
