// channel_test_util.hpp — helpers for the channel tests: a bounded event
// loop, a TCP proxy that can record, flip a byte or stop forwarding, and
// deterministic frame contents to check order and integrity against.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "channel/channel.hpp"

namespace papers::dipc::channel::test {

// Runs `io` until `done()` or `limit` passes; returns done().
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = std::chrono::milliseconds(10000));
// Runs `io` for `d` regardless.
void run_for(boost::asio::io_context& io, std::chrono::milliseconds d);

// Collects log lines; contains() searches them.
struct LogSink {
    std::vector<std::string> lines;
    std::function<void(const std::string&)> fn() {
        return [this](const std::string& l) { lines.push_back(l); };
    }
    bool contains(const std::string& s) const;
    std::string all() const;
};

// Frame body number `i` of stream `stream`: `size` bytes that any change,
// loss, duplication or reordering would show.
std::vector<std::uint8_t> pattern_frame(std::uint32_t stream, std::uint32_t i, std::size_t size);

enum class Direction { to_server = 0, to_client = 1 };

// Forwards every connection accepted on 127.0.0.1:port() to `target`.
class TcpProxy {
public:
    TcpProxy(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& target);
    ~TcpProxy();
    std::uint16_t port() const;
    boost::asio::ip::tcp::endpoint endpoint() const;
    // Inverts the lowest bit of the byte `offset` bytes after what was
    // forwarded so far in direction `d` (on every connection).
    void flip_at(Direction d, std::size_t offset);
    // From now on, reads and drops everything: both ends see silence.
    void stall() { shared_->stalled = true; }
    // Bytes forwarded so far in direction d of connection `conn` (0 = first).
    std::vector<std::uint8_t> recorded(Direction d, std::size_t conn = 0) const;
    std::size_t forwarded(Direction d) const;  // all connections, bytes
    std::size_t connections() const { return shared_->conns.size(); }

    struct Pipe;
    struct Conn;
    struct Shared {
        bool stalled = false;
        std::size_t flip_at[2] = {SIZE_MAX, SIZE_MAX};  // absolute, per connection
        std::vector<std::shared_ptr<Conn>> conns;
        std::size_t forwarded[2] = {0, 0};
    };

private:
    void accept_next();
    boost::asio::io_context& io_;
    boost::asio::ip::tcp::endpoint target_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<Shared> shared_;
};

}  // namespace papers::dipc::channel::test
