// link.hpp — one authenticated connection between two papers-dipcd.
//
// A Link is made by Link::connect (dialing) or handed out by a Listener,
// always with its handshake complete. It runs on the caller's io_context
// (single-threaded: every call and every callback on that thread) and has
// no thread of its own. It lives until closed — by close(), by the peer, by
// an error or by silence — whoever still holds a shared_ptr to it; on_close
// then fires exactly once, from the io_context, with the reason (also
// logged). Frames arrive in the order they were sent, each once, or the
// link closes.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "allow_list.hpp"
#include "errors.hpp"
#include "handler_memory.hpp"
#include "key.hpp"
#include "session.hpp"

namespace papers::dipc::channel {

struct LinkConfig {
    const Key* key = nullptr;         // the cluster key; must outlive every link
    std::string self_name;            // told to peers in the handshake (printable ASCII)
    std::chrono::milliseconds heartbeat{250};      // idle this long: send a heartbeat
    std::chrono::milliseconds peer_timeout{2000};  // nothing received this long: close
    const AllowList* allow = nullptr;              // must outlive every link
    std::function<void(const std::string&)> log;   // one line per event; empty: stderr
};

// Throws std::invalid_argument naming what is wrong: no key or allow list,
// heartbeat not shorter than peer_timeout, a name that is not 1-255
// printable ASCII characters. Link::connect and Listener call it.
void check_config(const LinkConfig& cfg);

class Link : public std::enable_shared_from_this<Link> {
    struct Private {};

public:
    using ConnectHandler = std::function<void(std::error_code, std::shared_ptr<Link>)>;
    using FrameHandler = std::function<void(const std::uint8_t* body, std::size_t size)>;
    using CloseHandler = std::function<void(const std::string& reason)>;

    // Dials `to`, makes the handshake, then calls `done` once: ({}, link), or
    // (error, nullptr) within peer_timeout (errc values, or the socket's
    // error). Set on_frame/on_close inside `done`: frames that arrived with
    // the handshake are delivered right after it returns.
    static void connect(boost::asio::io_context& io, const LinkConfig& cfg,
                        const boost::asio::ip::tcp::endpoint& to, ConnectHandler done);

    // Seals one frame body (proto::Header then message) and queues it; all
    // frames queued while the io_context is busy leave in one write. Returns
    // false (and drops it) once the link is closing or closed. A body above
    // proto::kMaxFrame is a caller's bug: std::length_error, nothing sent.
    bool send(std::span<const std::uint8_t> body);

    void on_frame(FrameHandler h);  // decrypted body, valid during the call
    void on_close(CloseHandler h);  // once; immediately (posted) if already closed

    // Sends what is queued, then a final message (the peer reports "closed by
    // peer"), then closes; bounded by peer_timeout.
    void close();

    bool is_open() const { return phase_ == Phase::open; }

    // Hands the connection over (a DIPC client's direct link): stops reading,
    // writes what is queued, then gives `done` the socket (the caller owns
    // it), the session's state (Session::export_state) and the bytes received
    // but not opened yet. The link is closed afterwards, without a final
    // message and without on_close. done(-1, {}, {}) if it was not open.
    using DetachHandler = std::function<void(int fd, std::vector<std::uint8_t> state,
                                             std::vector<std::uint8_t> unread)>;
    void detach(DetachHandler done);
    // The peer may stay silent as long as it likes (a client's direct link:
    // its process computes between calls, and its death closes the socket);
    // heartbeats still go out.
    void allow_silent_peer() { silent_peer_ok_ = true; }
    const std::string& peer_name() const { return session_.peer_name(); }
    const boost::asio::ip::tcp::endpoint& remote() const { return remote_; }

    Link(Private, boost::asio::io_context& io, const LinkConfig& cfg, Role role, ConnectHandler done);
    ~Link();

private:
    friend class Listener;
    enum class Phase { connecting, handshaking, open, closing, detaching, closed };
    using Clock = std::chrono::steady_clock;

    // Takes over a socket the Listener accepted (its address already allowed).
    static void accept(boost::asio::io_context& io, const LinkConfig& cfg, boost::asio::ip::tcp::socket s,
                       ConnectHandler done);

    void begin_handshake();
    void read_more();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void process_input();
    void deliver();
    void schedule_flush();
    void flush();
    void on_written(const boost::system::error_code& ec);
    Clock::time_point next_deadline() const;
    void arm_timer(Clock::time_point at);
    void on_timer();
    void terminate(std::error_code ec, const std::string& reason);
    void finish_detach();
    std::string who() const;
    void log(const std::string& line) const;

    boost::asio::io_context& io_;
    LinkConfig cfg_;
    Session session_;
    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer timer_;
    boost::asio::ip::tcp::endpoint remote_;
    Role role_;
    Phase phase_ = Phase::connecting;
    bool final_sent_ = false;   // closing: our final message is written, waiting for the peer's EOF
    bool close_fired_ = false;  // on_close has been called (or had no handler)

    ConnectHandler connect_done_;
    FrameHandler on_frame_, next_on_frame_;
    CloseHandler on_close_;
    bool delivering_ = false;  // inside process_input: user callbacks may run
    bool replace_frame_handler_ = false;
    std::string close_reason_;

    std::vector<std::uint8_t> rbuf_;  // received, rbegin_..rend_ not yet consumed
    std::size_t rbegin_ = 0, rend_ = 0;
    std::vector<std::uint8_t> out_;   // sealed, waiting for the next write
    std::vector<std::uint8_t> wbuf_;  // being written
    bool writing_ = false, flush_posted_ = false;
    bool reading_ = false;         // an async read is pending
    bool silent_peer_ok_ = false;  // allow_silent_peer()
    DetachHandler detach_;
    HandlerMemory read_memory_, write_memory_;

    Clock::time_point started_, last_sent_, last_received_, close_deadline_;
};

}  // namespace papers::dipc::channel
