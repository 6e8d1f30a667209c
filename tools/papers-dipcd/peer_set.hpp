// peer_set.hpp — this daemon's links to the other daemons, and the
// request/reply bookkeeping on them.
//
// A link (channel::Link) is bidirectional: either side may send requests
// on it, and a reply always answers a request its receiver sent on that
// same link. Links are opened on first use and kept; one to the referee is
// opened at start. When a link closes, every request still waiting on it
// is answered with the error the daemon chooses (EIDRM: the owner is
// unreachable) and the daemon is told, so that calls that came in on it
// are cancelled at the engine.
#pragma once
#include <boost/asio/io_context.hpp>

#include <cerrno>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "channel/link.hpp"
#include "directory.hpp"
#include "log.hpp"
#include "proto/messages.hpp"

namespace papers::dipcd {

using ConnId = std::uint64_t;
using Respond = std::function<void(proto::Reply)>;

class PeerSet {
public:
    struct Events {
        // A frame that is not a reply (a request or a notification).
        std::function<void(ConnId, const proto::Header&, const std::uint8_t* body, std::size_t n)> frame;
        // A link closed; its pending requests were already answered.
        std::function<void(ConnId, std::optional<std::uint32_t> host, bool referee, const std::string& why)> closed;
    };
    PeerSet(boost::asio::io_context& io, const dipc::channel::LinkConfig& cfg, const Directory& dir, Log& log,
            Events events);

    // The referee's link (opened by connect_referee; the referee itself has none).
    void connect_referee(const boost::asio::ip::tcp::endpoint& ep, std::function<void(bool ok, std::string why)> done);
    // True while the referee's link is open.
    bool has_referee() const;
    bool is_referee(ConnId c) const { return c == referee_; }

    // Incoming link from another daemon (the listener accepted it).
    void adopt(std::shared_ptr<dipc::channel::Link> link);
    // Marks an incoming link as belonging to `host` (once it is known).
    void identify(ConnId c, std::uint32_t host);
    std::optional<std::uint32_t> host_of(ConnId c) const;
    std::string peer_name(ConnId c) const;
    std::string remote_address(ConnId c) const;
    // A process's direct link (decision 13): never used for this daemon's
    // own requests, and its peer may stay silent between calls.
    void mark_client(ConnId c);
    void close(ConnId c, const std::string& why) { on_close(c, why); }

    // A request to `host` (or the referee): `respond` gets the reply, or
    // {-1, lost_err} if the link cannot be made or dies first. Returns the
    // link and request id, to cancel it (cancel()).
    template <class T>
    std::pair<ConnId, std::uint64_t> request(std::uint32_t host, proto::Op op, const T& msg, Respond respond) {
        std::vector<std::uint8_t> body;
        ConnId c = conn_for(host);
        std::uint64_t id = next_request_++;
        proto::encode_body(op, id, msg, body);
        send_request(c, id, std::move(body), std::move(respond));
        return {c, id};
    }
    template <class T>
    std::uint64_t request_referee(proto::Op op, const T& msg, Respond respond) {
        std::vector<std::uint8_t> body;
        std::uint64_t id = next_request_++;
        proto::encode_body(op, id, msg, body);
        send_request(referee_, id, std::move(body), std::move(respond));
        return id;
    }
    // A frame without reply, or a reply, on a given link.
    template <class T>
    void send(ConnId c, proto::Op op, std::uint64_t request_id, const T& msg) {
        std::vector<std::uint8_t> body;
        proto::encode_body(op, request_id, msg, body);
        send_body(c, std::move(body));
    }
    void send_raw(ConnId c, proto::Op op, const std::vector<std::uint8_t>& msg) {
        std::vector<std::uint8_t> body;
        proto::encode_body_raw(op, 0, msg, body);
        send_body(c, std::move(body));
    }
    std::uint64_t request_referee_raw(proto::Op op, const std::vector<std::uint8_t>& msg, Respond respond) {
        std::vector<std::uint8_t> body;
        std::uint64_t id = next_request_++;
        proto::encode_body_raw(op, id, msg, body);
        send_request(referee_, id, std::move(body), std::move(respond));
        return id;
    }
    template <class T>
    void notify(std::uint32_t host, proto::Op op, const T& msg) {
        send(conn_for(host), op, 0, msg);
    }
    // Every link whose host is known, and the accepted links at the referee.
    std::vector<ConnId> links() const;

    void close_host(std::uint32_t host, const std::string& why);
    void close_all();
    int lost_errno = EIDRM;  // what a request gets when its link dies

private:
    struct Conn {
        std::shared_ptr<dipc::channel::Link> link;  // null while connecting
        std::optional<std::uint32_t> host;
        bool referee = false;
        bool client = false;  // a process's direct link
        bool closed = false;
        std::deque<std::vector<std::uint8_t>> queued;  // bodies waiting for the link
        std::map<std::uint64_t, Respond> pending;
    };
    ConnId conn_for(std::uint32_t host);
    ConnId add(std::shared_ptr<dipc::channel::Link> link, std::optional<std::uint32_t> host, bool referee);
    void attach(ConnId c, std::shared_ptr<dipc::channel::Link> link);
    void send_request(ConnId c, std::uint64_t id, std::vector<std::uint8_t> body, Respond respond);
    void send_body(ConnId c, std::vector<std::uint8_t> body);
    void on_frame(ConnId c, const std::uint8_t* p, std::size_t n);
    void on_close(ConnId c, const std::string& why);

    boost::asio::io_context& io_;
    dipc::channel::LinkConfig cfg_;
    const Directory& dir_;
    Log& log_;
    Events ev_;
    std::map<ConnId, Conn> conns_;
    ConnId next_conn_ = 1;
    ConnId referee_ = 0;
    std::uint64_t next_request_ = 1;
};

}  // namespace papers::dipcd
