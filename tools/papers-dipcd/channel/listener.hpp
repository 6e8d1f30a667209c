// listener.hpp — accepts links from other papers-dipcd.
//
// A connection from an address outside the allow list is closed as soon as
// it is accepted, before any byte is read or written, and logged with the
// address. Allowed ones make the handshake; `on_link` gets each link whose
// handshake completed (set its handlers there). Failed handshakes are only
// logged. Destroying the Listener stops accepting; links already handed out
// live on, and handshakes still running are closed when they complete.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "link.hpp"

namespace papers::dipc::channel {

class Listener {
public:
    using LinkHandler = std::function<void(std::shared_ptr<Link>)>;

    // Binds and listens at once (port 0: any free port); throws
    // std::runtime_error naming the endpoint if it cannot.
    Listener(boost::asio::io_context& io, const LinkConfig& cfg, const boost::asio::ip::tcp::endpoint& bind,
             LinkHandler on_link);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    std::uint16_t port() const;
    boost::asio::ip::tcp::endpoint local_endpoint() const;
    void close();

private:
    struct State;
    static void accept_next(const std::shared_ptr<State>& st);
    std::shared_ptr<State> state_;
};

}  // namespace papers::dipc::channel
