#include "link.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace papers::dipc::channel {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Read buffer size; a larger frame grows it for as long as it takes.
constexpr std::size_t kReadChunk = 64u << 10;
// Buffers grown beyond this by a large frame are released afterwards.
constexpr std::size_t kKeepBuffer = 1u << 20;

long long ms(std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

std::string endpoint_text(const tcp::endpoint& e) {
    const auto a = e.address();
    const std::string host = a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
    return host + ":" + std::to_string(e.port());
}

}  // namespace

void check_config(const LinkConfig& cfg) {
    if (!cfg.key) throw std::invalid_argument("channel LinkConfig: no cluster key");
    if (!cfg.allow) throw std::invalid_argument("channel LinkConfig: no allow list");
    if (cfg.heartbeat.count() <= 0) throw std::invalid_argument("channel LinkConfig: heartbeat must be positive");
    if (cfg.peer_timeout <= cfg.heartbeat)
        throw std::invalid_argument("channel LinkConfig: peer_timeout (" + std::to_string(cfg.peer_timeout.count()) +
                                    " ms) must be longer than heartbeat (" + std::to_string(cfg.heartbeat.count()) +
                                    " ms)");
    bool printable = !cfg.self_name.empty() && cfg.self_name.size() <= proto::kMaxName;
    for (char c : cfg.self_name) printable = printable && c > ' ' && c < 0x7f;
    if (!printable)
        throw std::invalid_argument("channel LinkConfig: self_name '" + cfg.self_name +
                                    "' must be 1 to 255 printable ASCII characters without spaces");
}

Link::Link(Private, asio::io_context& io, const LinkConfig& cfg, Role role, ConnectHandler done)
    : io_(io),
      cfg_(cfg),
      session_(*cfg.key, role, cfg.self_name),
      socket_(io),
      timer_(io),
      role_(role),
      connect_done_(std::move(done)),
      started_(Clock::now()) {
    last_sent_ = last_received_ = started_;
}

Link::~Link() = default;

void Link::connect(asio::io_context& io, const LinkConfig& cfg, const tcp::endpoint& to, ConnectHandler done) {
    check_config(cfg);
    auto link = std::make_shared<Link>(Private{}, io, cfg, Role::dialer, std::move(done));
    link->remote_ = to;
    if (!cfg.allow->allows(to.address())) {
        link->terminate(errc::not_allowed, "refused to dial it: " + to.address().to_string() +
                                               " is not in the allow list");
        return;
    }
    link->arm_timer(link->next_deadline());
    link->socket_.async_connect(to, [link](const boost::system::error_code& ec) {
        if (link->phase_ == Phase::closed) return;
        if (ec) {
            link->terminate(ec, "cannot connect: " + ec.message());
            return;
        }
        link->begin_handshake();
    });
}

void Link::accept(asio::io_context& io, const LinkConfig& cfg, tcp::socket s, ConnectHandler done) {
    auto link = std::make_shared<Link>(Private{}, io, cfg, Role::listener, std::move(done));
    boost::system::error_code ec;
    link->remote_ = s.remote_endpoint(ec);
    link->socket_ = std::move(s);
    link->arm_timer(link->next_deadline());
    link->begin_handshake();
}

void Link::begin_handshake() {
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    phase_ = Phase::handshaking;
    session_.start(out_);
    flush();
    read_more();
}

// ---- input --------------------------------------------------------------

void Link::read_more() {
    const std::size_t want = std::max(session_.bytes_wanted(), kReadChunk);
    if (rbegin_ == rend_) {
        rbegin_ = rend_ = 0;
        if (rbuf_.size() > kKeepBuffer) std::vector<std::uint8_t>().swap(rbuf_);
    }
    if (rbuf_.size() - rbegin_ < want) {
        // Keep the unconsumed tail (part of one message) at the front.
        if (rend_ > rbegin_ && rbegin_ > 0) std::memmove(rbuf_.data(), rbuf_.data() + rbegin_, rend_ - rbegin_);
        rend_ -= rbegin_;
        rbegin_ = 0;
        if (rbuf_.size() < want) rbuf_.resize(want);
    }
    reading_ = true;
    socket_.async_read_some(asio::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_),
                            with_memory(read_memory_, [self = shared_from_this()](
                                                          const boost::system::error_code& ec, std::size_t n) {
                                self->on_read(ec, n);
                            }));
}

void Link::on_read(const boost::system::error_code& ec, std::size_t n) {
    reading_ = false;
    if (phase_ == Phase::closed) return;
    if (phase_ == Phase::detaching) {
        // Whatever arrived stays sealed: it is the new owner's to open.
        if (!ec) rend_ += n;
        finish_detach();
        return;
    }
    if (ec) {
        if (phase_ == Phase::closing)
            terminate(errc::closed, "closed locally");
        else if (phase_ != Phase::open)
            terminate(errc::connection_lost, "the peer closed the connection during the handshake (" +
                                                 ec.message() + ")");
        else if (ec == asio::error::eof)
            terminate(errc::connection_lost,
                      "connection lost: the peer closed it without a final message (it crashed, or the "
                      "stream was cut)");
        else
            terminate(errc::connection_lost, "connection lost: " + ec.message());
        return;
    }
    rend_ += n;
    last_received_ = Clock::now();
    process_input();
    if (phase_ != Phase::closed) read_more();
}

// User handlers run inside; one that throws closes the link (its state
// would otherwise be half-consumed) and the exception goes on to the
// caller of io_context::run.
void Link::process_input() {
    try {
        deliver();
    } catch (...) {
        delivering_ = false;
        terminate(errc::closed, "closed: a handler threw while frames were delivered");
        throw;
    }
}

void Link::deliver() {
    delivering_ = true;
    const std::uint8_t* base = rbuf_.data();
    const std::uint8_t* p = base + rbegin_;
    const std::uint8_t* end = base + rend_;
    while (phase_ != Phase::closed) {
        if (replace_frame_handler_) {
            on_frame_ = std::move(next_on_frame_);
            next_on_frame_ = nullptr;
            replace_frame_handler_ = false;
        }
        const Session::Event ev = session_.next(p, end, out_);
        rbegin_ = static_cast<std::size_t>(p - base);
        if (ev == Session::Event::need_more) break;
        if (ev == Session::Event::frame) {
            if (phase_ == Phase::open && on_frame_) on_frame_(session_.frame_data(), session_.frame_size());
        } else if (ev == Session::Event::established) {
            phase_ = Phase::open;
            last_received_ = Clock::now();
            arm_timer(next_deadline());
            log(who() + ": established");
            ConnectHandler done = std::move(connect_done_);
            connect_done_ = nullptr;
            if (done) done({}, shared_from_this());
        } else if (ev == Session::Event::closed_by_peer) {
            terminate(errc::connection_lost, phase_ == Phase::closing ? "closed locally" : "closed by peer");
        } else {
            terminate(session_.error(), session_.error_text());
        }
    }
    delivering_ = false;
    if (replace_frame_handler_) {
        on_frame_ = std::move(next_on_frame_);
        next_on_frame_ = nullptr;
        replace_frame_handler_ = false;
    }
    flush();
}

void Link::on_frame(FrameHandler h) {
    if (delivering_) {  // never replace the handler that may be running
        next_on_frame_ = std::move(h);
        replace_frame_handler_ = true;
    } else {
        on_frame_ = std::move(h);
    }
}

void Link::on_close(CloseHandler h) {
    if (phase_ == Phase::closed && close_fired_) {
        asio::post(io_, [h = std::move(h), reason = close_reason_] { h(reason); });
        return;
    }
    on_close_ = std::move(h);
}

// ---- output -------------------------------------------------------------

bool Link::send(std::span<const std::uint8_t> body) {
    if (body.size() > proto::kMaxFrame)
        throw std::length_error("channel: frame body of " + std::to_string(body.size()) +
                                " bytes exceeds the bound of " + std::to_string(proto::kMaxFrame) + " bytes");
    if (phase_ != Phase::open) return false;
    session_.seal(body.data(), body.size(), out_);
    schedule_flush();
    return true;
}

// Sends from outside a read handler are batched until the caller's handler
// returns; those made while delivering are written when delivery ends.
void Link::schedule_flush() {
    if (writing_ || flush_posted_ || delivering_) return;
    flush_posted_ = true;
    asio::post(io_, [self = shared_from_this()] {
        self->flush_posted_ = false;
        self->flush();
    });
}

void Link::flush() {
    if (writing_ || out_.empty() || phase_ == Phase::closed || phase_ == Phase::connecting) return;
    wbuf_.swap(out_);
    out_.clear();
    writing_ = true;
    last_sent_ = Clock::now();
    asio::async_write(socket_, asio::buffer(wbuf_),
                      with_memory(write_memory_, [self = shared_from_this()](const boost::system::error_code& ec,
                                                                             std::size_t) { self->on_written(ec); }));
}

void Link::on_written(const boost::system::error_code& ec) {
    writing_ = false;
    if (phase_ == Phase::closed) return;
    if (phase_ == Phase::detaching) {
        if (ec) return terminate(errc::connection_lost, "connection lost while handing it over: " + ec.message());
        if (!out_.empty()) return flush();
        return finish_detach();
    }
    if (ec) {
        terminate(errc::connection_lost, "connection lost while writing: " + ec.message());
        return;
    }
    if (wbuf_.capacity() > kKeepBuffer)
        std::vector<std::uint8_t>().swap(wbuf_);
    else
        wbuf_.clear();
    if (!out_.empty()) {
        flush();
    } else if (phase_ == Phase::closing && !final_sent_) {
        // FIN after the final message; the socket is closed when the peer's
        // EOF arrives, so unread input never turns our close into a reset.
        final_sent_ = true;
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
    }
}

void Link::close() {
    if (phase_ == Phase::closed || phase_ == Phase::closing) return;
    if (phase_ != Phase::open) {
        terminate(errc::closed, "closed locally during the handshake");
        return;
    }
    phase_ = Phase::closing;
    close_deadline_ = Clock::now() + cfg_.peer_timeout;
    session_.seal_final(out_);
    schedule_flush();
    arm_timer(next_deadline());
}

// ---- time ---------------------------------------------------------------

Link::Clock::time_point Link::next_deadline() const {
    switch (phase_) {
        case Phase::connecting:
        case Phase::handshaking:
            return started_ + cfg_.peer_timeout;
        case Phase::open:
            if (silent_peer_ok_) return last_sent_ + cfg_.heartbeat;
            return std::min(last_sent_ + cfg_.heartbeat, last_received_ + cfg_.peer_timeout);
        case Phase::detaching:
        case Phase::closing:
            return close_deadline_;
        case Phase::closed:
            break;
    }
    return Clock::time_point::max();
}

// The one timer carries the handshake deadline, the heartbeat and the
// silence check. It is re-armed only when it fires (or the phase changes),
// never per frame: a firing that finds traffic since just sleeps again.
void Link::arm_timer(Clock::time_point at) {
    timer_.expires_at(at);  // a pending wait completes with operation_aborted
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec != asio::error::operation_aborted) self->on_timer();
    });
}

void Link::on_timer() {
    const auto now = Clock::now();
    switch (phase_) {
        case Phase::closed:
            return;
        case Phase::connecting:
        case Phase::handshaking:
            if (now >= started_ + cfg_.peer_timeout) {
                terminate(errc::timed_out, std::string(phase_ == Phase::connecting ? "no connection"
                                                                                   : "no completed handshake") +
                                               " within " + std::to_string(cfg_.peer_timeout.count()) + " ms");
                return;
            }
            break;
        case Phase::detaching:
            return;
        case Phase::open:
            if (!silent_peer_ok_ && now - last_received_ >= cfg_.peer_timeout) {
                terminate(errc::timed_out, "peer silent for " + std::to_string(ms(now - last_received_)) + " ms");
                return;
            }
            if (now - last_sent_ >= cfg_.heartbeat) {
                // A write in progress is traffic already (or a peer that
                // does not read, whose own timeout will tell).
                if (!writing_ && out_.empty()) {
                    session_.seal_heartbeat(out_);
                    flush();
                }
                last_sent_ = now;
            }
            break;
        case Phase::closing:
            if (now >= close_deadline_) {
                terminate(errc::closed, "closed locally (the peer did not acknowledge within " +
                                            std::to_string(cfg_.peer_timeout.count()) + " ms)");
                return;
            }
            break;
    }
    arm_timer(next_deadline());
}

// ---- hand-over ----------------------------------------------------------

void Link::detach(DetachHandler done) {
    if (phase_ != Phase::open) {
        asio::post(io_, [done = std::move(done)] { done(-1, {}, {}); });
        return;
    }
    phase_ = Phase::detaching;
    detach_ = std::move(done);
    timer_.cancel();
    boost::system::error_code ignored;
    if (reading_) socket_.cancel(ignored);  // the read completes, aborted or with data
    if (!writing_ && !out_.empty()) flush();
    finish_detach();
}

void Link::finish_detach() {
    if (phase_ != Phase::detaching || reading_ || writing_ || !out_.empty()) return;
    std::vector<std::uint8_t> state = session_.export_state();
    std::vector<std::uint8_t> unread(rbuf_.begin() + static_cast<long>(rbegin_), rbuf_.begin() + static_cast<long>(rend_));
    boost::system::error_code ec;
    int fd = socket_.release(ec);
    phase_ = Phase::closed;
    close_fired_ = true;
    close_reason_ = "handed over";
    on_close_ = nullptr;
    on_frame_ = nullptr;
    next_on_frame_ = nullptr;
    DetachHandler done = std::move(detach_);
    detach_ = nullptr;
    asio::post(io_, [self = shared_from_this(), done = std::move(done), fd = ec ? -1 : fd,
                     state = std::move(state), unread = std::move(unread)]() mutable {
        done(fd, std::move(state), std::move(unread));
    });
}

// ---- end ----------------------------------------------------------------

void Link::terminate(std::error_code ec, const std::string& reason) {
    if (phase_ == Phase::closed) return;
    phase_ = Phase::closed;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    timer_.cancel();
    close_reason_ = reason;
    log(who() + ": " + reason);
    auto self = shared_from_this();
    if (connect_done_) {
        asio::post(io_, [self, done = std::move(connect_done_), ec] { done(ec, nullptr); });
        connect_done_ = nullptr;
        close_fired_ = true;
        return;
    }
    // Posted: never inside a caller's close() or a running frame handler,
    // which must not be destroyed under itself.
    asio::post(io_, [self] {
        CloseHandler h = std::move(self->on_close_);
        self->on_close_ = nullptr;
        self->on_frame_ = nullptr;
        self->next_on_frame_ = nullptr;
        self->close_fired_ = true;
        if (h) h(self->close_reason_);
    });
}

std::string Link::who() const {
    const std::string at = endpoint_text(remote_);
    if (!peer_name().empty()) return "link with " + peer_name() + " (" + at + ")";
    return (role_ == Role::dialer ? "connection to " : "connection from ") + at;
}

void Link::log(const std::string& line) const {
    if (cfg_.log)
        cfg_.log(line);
    else
        std::fprintf(stderr, "papers-dipcd channel: %s\n", line.c_str());
}

}  // namespace papers::dipc::channel
