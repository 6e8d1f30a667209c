#include "daemon_link.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "client_config.hpp"
#include "credentials.hpp"
#include "unix_socket.hpp"

namespace papers::dipc::client {

void Link::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    next_id_ = 1;
    std::free(rbuf_);
    rbuf_ = nullptr;
    rbegin_ = rend_ = 0;
}

bool Link::fail(std::string& why, const std::string& reason) {
    why = reason;
    close();
    return false;
}

bool Link::open(const std::string& path, std::string& why, std::uint8_t role) {
    close();
    std::int64_t deadline = sock::now_ms() + kConnectTimeoutMs;
    // The daemon takes the credentials we connect with (SO_PEERCRED at accept).
    generation_ = client::credential_generation();
    rbuf_ = static_cast<std::uint8_t*>(std::malloc(kLinkBufferBytes));
    if (!rbuf_) {
        why = "no memory for a link's buffer";
        return false;
    }
    fd_ = sock::connect_unix(path, kConnectTimeoutMs, why);
    if (fd_ < 0) return fail(why, why);
    std::vector<std::uint8_t> frame;
    std::uint64_t id = next_id_++;
    proto::ClientHello hello;
    hello.role = role;
    proto::encode_frame(proto::Op::client_hello, id, hello, frame);
    if (!sock::send_all(fd_, frame.data(), frame.size(), why)) return fail(why, why);
    sock::Wait w;
    do w = sock::wait_readable(fd_, deadline, why);
    while (w == sock::Wait::interrupted);
    if (w == sock::Wait::timed_out) return fail(why, "no welcome within " + std::to_string(kConnectTimeoutMs) + " ms");
    if (w == sock::Wait::failed) return fail(why, why);
    proto::Header h;
    std::vector<std::uint8_t> body;
    if (!read_frame(deadline, h, body, why)) return fail(why, why);
    if (h.op == proto::Op::reply) {
        // The daemon refused the hello and said why in an errno.
        proto::Reply r;
        if (proto::decode_payload(body, r) && r.err != 0)
            return fail(why, std::string("the daemon refused the connection: ") + std::strerror(r.err));
        return fail(why, "protocol error: a reply instead of the welcome");
    }
    if (h.op != proto::Op::welcome) return fail(why, std::string("protocol error: ") + proto::op_name(h.op) + " instead of the welcome");
    const char* bad = nullptr;
    if (!proto::decode_payload(body, welcome_, &bad)) return fail(why, std::string("protocol error in the welcome: ") + bad);
    if (welcome_.version != proto::kProtocolVersion)
        return fail(why, "the daemon speaks protocol " + std::to_string(welcome_.version) + ", this library " +
                             std::to_string(proto::kProtocolVersion));
    return true;
}

// Makes the buffer hold at least `need` bytes (need <= kLinkBufferBytes) from
// rbegin_ on, receiving as much as there is room for. A descriptor comes with
// the first byte of its frame, which one of these receives brings.
bool Link::fill(std::size_t need, std::int64_t deadline_ms, std::string& why, int* passed_fd) {
    if (rend_ - rbegin_ >= need) return true;
    if (rbegin_ + need > kLinkBufferBytes) {
        std::memmove(rbuf_, rbuf_ + rbegin_, rend_ - rbegin_);
        rend_ -= rbegin_;
        rbegin_ = 0;
    }
    std::int64_t k = sock::recv_at_least(fd_, rbuf_ + rend_, need - (rend_ - rbegin_), kLinkBufferBytes - rend_,
                                         deadline_ms, why, passed_fd);
    if (k < 0) return false;
    rend_ += static_cast<std::uint32_t>(k);
    return true;
}

bool Link::read_frame(std::int64_t deadline_ms, proto::Header& h, std::vector<std::uint8_t>& body,
                      std::string& why, int* passed_fd) {
    if (!fill(4, deadline_ms, why, passed_fd)) return false;
    const std::uint8_t* lb = rbuf_ + rbegin_;
    std::uint32_t len = lb[0] | lb[1] << 8 | lb[2] << 16 | std::uint32_t(lb[3]) << 24;
    if (len < proto::kHeaderBytes || len > proto::kMaxFrame) {
        why = "protocol error: frame of " + std::to_string(len) + " bytes";
        return false;
    }
    const std::uint8_t* frame;
    std::vector<std::uint8_t> big;
    if (4 + len <= kLinkBufferBytes) {
        if (!fill(4 + len, deadline_ms, why, passed_fd)) return false;
        frame = rbuf_ + rbegin_ + 4;
        rbegin_ += 4 + len;
    } else {
        // Larger than the buffer: what came already, then the rest straight into place.
        big.resize(len);
        std::size_t have = rend_ - rbegin_ - 4;
        std::memcpy(big.data(), rbuf_ + rbegin_ + 4, have);
        rbegin_ = rend_;
        if (!sock::recv_exact(fd_, big.data() + have, len - have, deadline_ms, why, passed_fd)) return false;
        frame = big.data();
    }
    const char* bad = nullptr;
    if (!proto::decode_header(frame, len, h, &bad)) {
        why = std::string("protocol error: ") + bad;
        return false;
    }
    body.assign(frame + proto::kHeaderBytes, frame + len);
    if (rbegin_ == rend_) rbegin_ = rend_ = 0;
    return true;
}

bool Link::send_frame(const std::vector<std::uint8_t>& frame, std::string& why) {
    if (!sock::send_all(fd_, frame.data(), frame.size(), why)) return fail(why, why);
    return true;
}

bool Link::send_frame_only(const std::vector<std::uint8_t>& frame, std::string& why) {
    int fd = fd_;
    return fd >= 0 && sock::send_all(fd, frame.data(), frame.size(), why);
}

bool Link::receive(proto::Header& h, std::vector<std::uint8_t>& body, std::string& why) {
    while (!buffered()) {  // a frame that came with the last one needs no wait
        sock::Wait w = sock::wait_readable(fd_, -1, why);
        if (w == sock::Wait::interrupted) continue;
        if (w == sock::Wait::failed) return fail(why, why);
        break;
    }
    if (!read_frame(sock::now_ms() + kFrameTimeoutMs, h, body, why)) return fail(why, why);
    return true;
}

bool Link::exchange(std::uint64_t id, const std::vector<std::uint8_t>& frame, bool cancellable,
                    proto::Reply& reply, std::string& why, int* passed_fd) {
    if (passed_fd) *passed_fd = -1;
    const bool abandonable = abandonable_ && !cancellable;
    abandonable_ = false;
    interrupted_ = false;
    // A daemon that closed the link (it restarted, or ended the session)
    // makes the send fail with EPIPE: a Unix socket tells at once, so no
    // check is needed before each request.
    refused_request_ = false;
    if (!sock::send_all(fd_, frame.data(), frame.size(), why)) {
        refused_request_ = errno == EPIPE || errno == ECONNRESET;
        return fail(why, why);
    }
    // Forever until the reply or a signal; after a cancel, bounded.
    std::int64_t deadline = -1;
    bool cancelled = false;
    for (;;) {
        sock::Wait w = buffered() ? sock::Wait::ready
                                  : sock::wait_readable(fd_, deadline, why, (cancellable && !cancelled) || abandonable);
        if (w == sock::Wait::failed) return fail(why, why);
        if (w == sock::Wait::timed_out)
            return fail(why, "no verdict on a cancelled call within " + std::to_string(kVerdictTimeoutMs) + " ms");
        if (w == sock::Wait::interrupted) {
            if (abandonable) {
                interrupted_ = true;
                why = "interrupted";
                return false;
            }
            if (!cancellable || cancelled) continue;
            std::vector<std::uint8_t> cancel;
            proto::encode_frame(proto::Op::cancel, next_id_++, proto::CancelReq{id}, cancel);
            if (!sock::send_all(fd_, cancel.data(), cancel.size(), why)) return fail(why, why);
            cancelled = true;
            deadline = sock::now_ms() + kVerdictTimeoutMs;
            continue;
        }
        proto::Header h;
        std::vector<std::uint8_t> body;
        std::int64_t frame_deadline = sock::now_ms() + kFrameTimeoutMs;
        bool ok = read_frame(frame_deadline, h, body, why, passed_fd);
        if (ok && h.op == proto::Op::reply && h.request_id < id) {
            // The late answer of a request a signal made us abandon.
            if (passed_fd && *passed_fd >= 0) ::close(*passed_fd);
            if (passed_fd) *passed_fd = -1;
            continue;
        }
        // One request at a time per link: anything but its reply breaks the protocol.
        if (ok && (h.op != proto::Op::reply || h.request_id != id)) {
            ok = false;
            why = std::string("protocol error: ") + proto::op_name(h.op) + " for request " +
                  std::to_string(h.request_id) + " while waiting for the reply to " + std::to_string(id);
        }
        const char* bad = nullptr;
        if (ok && !proto::decode_payload(body, reply, &bad)) {
            ok = false;
            why = std::string("protocol error in a reply: ") + bad;
        }
        if (!ok && passed_fd && *passed_fd >= 0) {
            ::close(*passed_fd);  // nobody will map what came with a broken reply
            *passed_fd = -1;
        }
        if (!ok) return fail(why, why);
        return true;
    }
}

}  // namespace papers::dipc::client
