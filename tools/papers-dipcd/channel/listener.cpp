#include "listener.hpp"

#include <cstdio>
#include <stdexcept>

#include <boost/asio/steady_timer.hpp>

namespace papers::dipc::channel {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// After an accept error (out of descriptors, ...) wait this long, not spin.
constexpr std::chrono::milliseconds kAcceptRetry{100};
}  // namespace

struct Listener::State {
    State(asio::io_context& io, const LinkConfig& c, LinkHandler h)
        : io(io), cfg(c), on_link(std::move(h)), acceptor(io), retry(io) {}
    void log(const std::string& line) const {
        if (cfg.log)
            cfg.log(line);
        else
            std::fprintf(stderr, "papers-dipcd channel: %s\n", line.c_str());
    }
    asio::io_context& io;
    LinkConfig cfg;
    LinkHandler on_link;
    tcp::acceptor acceptor;
    asio::steady_timer retry;
    bool closed = false;
};

Listener::Listener(asio::io_context& io, const LinkConfig& cfg, const tcp::endpoint& bind, LinkHandler on_link)
    : state_(std::make_shared<State>(io, cfg, std::move(on_link))) {
    check_config(cfg);
    tcp::acceptor& a = state_->acceptor;
    boost::system::error_code ec;
    a.open(bind.protocol(), ec);
    if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) a.bind(bind, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("channel: cannot listen on " + bind.address().to_string() + " port " +
                                 std::to_string(bind.port()) + ": " + ec.message());
    accept_next(state_);
}

Listener::~Listener() { close(); }

void Listener::close() {
    if (state_->closed) return;
    state_->closed = true;
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    state_->retry.cancel();
}

std::uint16_t Listener::port() const { return local_endpoint().port(); }

tcp::endpoint Listener::local_endpoint() const {
    boost::system::error_code ec;
    return state_->acceptor.local_endpoint(ec);
}

void Listener::accept_next(const std::shared_ptr<State>& st) {
    st->acceptor.async_accept([st](const boost::system::error_code& ec, tcp::socket s) {
        if (st->closed || ec == asio::error::operation_aborted) return;
        if (ec) {
            st->log("accept failed: " + ec.message() + "; retrying in " + std::to_string(kAcceptRetry.count()) +
                    " ms");
            st->retry.expires_after(kAcceptRetry);
            st->retry.async_wait([st](const boost::system::error_code& e) {
                if (!e && !st->closed) accept_next(st);
            });
            return;
        }
        boost::system::error_code rec;
        const tcp::endpoint from = s.remote_endpoint(rec);
        if (rec) {
            st->log("dropped an accepted connection whose address is unknown: " + rec.message());
        } else if (!st->cfg.allow->allows(from.address())) {
            st->log("refused a connection from " + from.address().to_string() + " port " +
                    std::to_string(from.port()) + ": address not in the allow list");
        } else {
            std::weak_ptr<State> weak = st;
            Link::accept(st->io, st->cfg, std::move(s),
                         [weak](std::error_code e, std::shared_ptr<Link> link) {
                             if (e) return;  // the link logged why
                             auto live = weak.lock();
                             if (!live || live->closed) {
                                 link->close();
                                 return;
                             }
                             live->on_link(std::move(link));
                         });
        }
        boost::system::error_code ignored;
        s.close(ignored);  // refused or moved-from: nothing was read
        accept_next(st);
    });
}

}  // namespace papers::dipc::channel
