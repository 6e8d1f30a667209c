#include "daemon_link.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "client_config.hpp"
#include "unix_socket.hpp"

namespace papers::dipc::client {

void Link::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    next_id_ = 1;
}

bool Link::fail(std::string& why, const std::string& reason) {
    why = reason;
    close();
    return false;
}

bool Link::open(const std::string& path, std::string& why, std::uint8_t role) {
    close();
    std::int64_t deadline = sock::now_ms() + kConnectTimeoutMs;
    fd_ = sock::connect_unix(path, kConnectTimeoutMs, why);
    if (fd_ < 0) return false;
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

// A descriptor comes with the first byte of its frame, so only the length
// prefix's receive can carry one.
bool Link::read_frame(std::int64_t deadline_ms, proto::Header& h, std::vector<std::uint8_t>& body,
                      std::string& why, int* passed_fd) {
    std::uint8_t len_bytes[4];
    if (!sock::recv_exact(fd_, len_bytes, 4, deadline_ms, why, passed_fd)) return false;
    std::uint32_t len = len_bytes[0] | len_bytes[1] << 8 | len_bytes[2] << 16 | std::uint32_t(len_bytes[3]) << 24;
    if (len < proto::kHeaderBytes || len > proto::kMaxFrame) {
        why = "protocol error: frame of " + std::to_string(len) + " bytes";
        return false;
    }
    std::vector<std::uint8_t> frame(len);
    if (!sock::recv_exact(fd_, frame.data(), len, deadline_ms, why)) return false;
    const char* bad = nullptr;
    if (!proto::decode_header(frame.data(), len, h, &bad)) {
        why = std::string("protocol error: ") + bad;
        return false;
    }
    body.assign(frame.begin() + proto::kHeaderBytes, frame.end());
    return true;
}

bool Link::send_frame(const std::vector<std::uint8_t>& frame, std::string& why) {
    if (!sock::send_all(fd_, frame.data(), frame.size(), why)) return fail(why, why);
    return true;
}

bool Link::receive(proto::Header& h, std::vector<std::uint8_t>& body, std::string& why) {
    for (;;) {
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
    if (!sock::send_all(fd_, frame.data(), frame.size(), why)) return fail(why, why);
    // Forever until the reply or a signal; after a cancel, bounded.
    std::int64_t deadline = -1;
    bool cancelled = false;
    for (;;) {
        sock::Wait w = sock::wait_readable(fd_, deadline, why);
        if (w == sock::Wait::failed) return fail(why, why);
        if (w == sock::Wait::timed_out)
            return fail(why, "no verdict on a cancelled call within " + std::to_string(kVerdictTimeoutMs) + " ms");
        if (w == sock::Wait::interrupted) {
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
