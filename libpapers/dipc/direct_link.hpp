// direct_link.hpp — this process's own link to another host's daemon, for
// its calls on the structures that host owns (docs/dipc-design.md,
// decision 13). The local daemon opened it with the cluster key, declared
// who this process is, and handed over the socket and the channel session's
// state; the process seals and opens frames itself (channel::Session), so a
// remote call crosses one process each way instead of two.
//
// Like Link (daemon_link.hpp): one request at a time, poll(2) waits, cancel
// and verdict after a signal. The owner's heartbeats keep a waiting call
// informed: silence longer than the peer timeout means the owner is lost.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "channel/session.hpp"
#include "proto/messages.hpp"

namespace papers::dipc::client {

class DirectLink {
public:
    bool is_open() const { return fd_ >= 0; }
    std::uint32_t host() const { return host_; }
    // Takes over `fd` (closed on failure too).
    bool adopt(int fd, std::uint32_t host, const proto::LinkHandover& handover, std::uint32_t peer_timeout_ms,
               std::string& why);

    // As Link::call. False (and closed) when the link broke or the owner
    // went silent: the caller reports the owner lost (EIDRM).
    template <class Req>
    bool call(proto::Op op, const Req& req, bool cancellable, proto::Reply& reply, std::string& why) {
        body_.clear();
        std::uint64_t id = next_id_++;
        proto::encode_body(op, id, req, body_);
        return exchange(id, cancellable, reply, why);
    }
    void close();

private:
    bool exchange(std::uint64_t id, bool cancellable, proto::Reply& reply, std::string& why);
    bool send_body(std::string& why);
    // The next decrypted frame, reading as needed until deadline_ms (-1:
    // none); sets `interrupted` when a signal handler ran meanwhile.
    enum class Got { frame, interrupted, timed_out, failed };
    Got next_frame(std::int64_t deadline_ms, std::string& why);
    bool fail(std::string& why, const std::string& reason);

    int fd_ = -1;
    std::uint32_t host_ = 0;
    std::uint32_t peer_timeout_ms_ = 2000;
    std::optional<channel::Session> session_;
    std::vector<std::uint8_t> rbuf_;
    std::size_t rbegin_ = 0, rend_ = 0;
    std::vector<std::uint8_t> body_, out_, scratch_;
    std::uint64_t next_id_ = 1;
    bool interruptible_ = false;  // the current wait lets signals in (a cancellable call's)
};

}  // namespace papers::dipc::client
