// local_server.hpp — the Unix socket local processes talk to.
//
// One session per connection (a thread of a process: the interposer opens
// one per thread). The session learns who is at the other end from the
// kernel (SO_PEERCRED, SO_PEERGROUPS) — the client never says who it is —
// reads frames, and hands each call to the daemon with that identity.
// Replies may come in any order (blocked calls finish late).
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "log.hpp"
#include "proto/messages.hpp"

namespace papers::dipcd {

using SessionId = std::uint64_t;

class LocalServer {
public:
    struct Events {
        // A new session; false refuses it (e.g. its process is gone).
        std::function<bool(SessionId, const proto::Caller&)> opened;
        // A call (any client op but client_hello); the daemon answers with reply().
        std::function<void(SessionId, const proto::Caller&, const proto::Header&, const std::uint8_t*, std::size_t)> call;
        // The session ended (its thread or process is gone, or it broke the protocol).
        std::function<void(SessionId, const proto::Caller&)> closed;
        // What welcome says (host id and limits), filled when a client says hello.
        std::function<proto::Welcome()> welcome;
        // The client said hello with this role (0 calls, 1 DSM service).
        std::function<void(SessionId, const proto::Caller&, std::uint8_t role)> hello;
    };
    LocalServer(boost::asio::io_context& io, const std::string& path, Log& log, Events ev);
    ~LocalServer();
    void reply(SessionId s, std::uint64_t request_id, const proto::Reply& r, int fd = -1);
    // Any frame to a session (a revoke to a DSM service thread); false if it is gone.
    template <class T>
    bool send(SessionId s, proto::Op op, std::uint64_t request_id, const T& msg) {
        std::vector<std::uint8_t> frame;
        proto::encode_frame(op, request_id, msg, frame);
        return send_frame(s, std::move(frame), -1);
    }
    void close_all();
    std::size_t sessions() const { return sessions_.size(); }

private:
    struct Session;
    void accept();
    void read_more(std::shared_ptr<Session> s);
    void dispatch(std::shared_ptr<Session> s);
    bool send_frame(SessionId s, std::vector<std::uint8_t> frame, int fd);
    void write(std::shared_ptr<Session> s, std::vector<std::uint8_t> frame, int fd = -1);
    void flush(std::shared_ptr<Session> s);
    void end(std::shared_ptr<Session> s, const std::string& why);
    void refuse(std::shared_ptr<Session> s, const std::string& why);

    boost::asio::io_context& io_;
    std::string path_;
    Log& log_;
    Events ev_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    std::map<SessionId, std::shared_ptr<Session>> sessions_;
    SessionId next_ = 1;
};

}  // namespace papers::dipcd
