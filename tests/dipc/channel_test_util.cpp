#include "channel_test_util.hpp"

#include <array>

#include <boost/asio/write.hpp>

namespace papers::dipc::channel::test {

namespace asio = boost::asio;
using asio::ip::tcp;

bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(std::chrono::milliseconds(20));
        if (io.stopped()) io.restart();
    }
    return done();
}

void run_for(asio::io_context& io, std::chrono::milliseconds d) {
    const auto deadline = std::chrono::steady_clock::now() + d;
    run_until(io, [&] { return std::chrono::steady_clock::now() >= deadline; }, d + std::chrono::seconds(1));
}

bool LogSink::contains(const std::string& s) const {
    for (const auto& l : lines)
        if (l.find(s) != std::string::npos) return true;
    return false;
}

std::string LogSink::all() const {
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
}

std::vector<std::uint8_t> pattern_frame(std::uint32_t stream, std::uint32_t i, std::size_t size) {
    std::vector<std::uint8_t> v(size);
    // xorshift seeded by (stream, i): every frame differs from every other.
    std::uint64_t x = (std::uint64_t(stream) << 32 | i) * 0x9E3779B97F4A7C15ULL + 1;
    for (std::size_t k = 0; k < size; ++k) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v[k] = static_cast<std::uint8_t>(x);
    }
    return v;
}

// One proxied connection: both sockets and, per direction, what went through.
struct TcpProxy::Conn {
    explicit Conn(asio::io_context& io) : sockets{tcp::socket(io), tcp::socket(io)} {}
    tcp::socket sockets[2];  // [0] the client's, [1] the server's
    std::vector<std::uint8_t> record[2];
    std::size_t count[2] = {0, 0};
};

// One direction of a connection; owns nothing but a reference to it.
struct TcpProxy::Pipe : std::enable_shared_from_this<Pipe> {
    Pipe(std::shared_ptr<Conn> c, Direction d, std::shared_ptr<Shared> sh)
        : conn(std::move(c)), dir(d), shared(std::move(sh)) {}
    tcp::socket& from() { return conn->sockets[dir == Direction::to_server ? 0 : 1]; }
    tcp::socket& to() { return conn->sockets[dir == Direction::to_server ? 1 : 0]; }
    void start() {
        auto self = shared_from_this();
        from().async_read_some(asio::buffer(buf), [self](const boost::system::error_code& ec, std::size_t n) {
            if (ec) {
                boost::system::error_code ig;
                self->to().shutdown(tcp::socket::shutdown_send, ig);
                return;
            }
            if (self->shared->stalled) {
                self->start();
                return;
            }
            const int d = static_cast<int>(self->dir);
            std::size_t& count = self->conn->count[d];
            const std::size_t flip = self->shared->flip_at[d];
            if (flip >= count && flip < count + n) {
                self->buf[flip - count] ^= 1;
                self->shared->flip_at[d] = SIZE_MAX;
            }
            self->conn->record[d].insert(self->conn->record[d].end(), self->buf.begin(), self->buf.begin() + n);
            count += n;
            self->shared->forwarded[d] += n;
            asio::async_write(self->to(), asio::buffer(self->buf.data(), n),
                              [self](const boost::system::error_code& e, std::size_t) {
                                  if (!e) self->start();
                              });
        });
    }
    std::shared_ptr<Conn> conn;
    Direction dir;
    std::shared_ptr<Shared> shared;
    std::array<std::uint8_t, 65536> buf{};
};

TcpProxy::TcpProxy(asio::io_context& io, const tcp::endpoint& target)
    : io_(io), target_(target), acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      shared_(std::make_shared<Shared>()) {
    accept_next();
}

TcpProxy::~TcpProxy() {
    boost::system::error_code ig;
    acceptor_.close(ig);
    for (auto& c : shared_->conns)
        for (auto& sock : c->sockets) sock.close(ig);
    shared_->conns.clear();
}

std::uint16_t TcpProxy::port() const { return acceptor_.local_endpoint().port(); }
tcp::endpoint TcpProxy::endpoint() const { return acceptor_.local_endpoint(); }

void TcpProxy::flip_at(Direction d, std::size_t offset) {
    const std::size_t base = shared_->conns.empty() ? 0 : shared_->conns.back()->count[int(d)];
    shared_->flip_at[int(d)] = base + offset;
}

std::vector<std::uint8_t> TcpProxy::recorded(Direction d, std::size_t conn) const {
    if (conn >= shared_->conns.size()) return {};
    return shared_->conns[conn]->record[int(d)];
}

std::size_t TcpProxy::forwarded(Direction d) const { return shared_->forwarded[int(d)]; }

void TcpProxy::accept_next() {
    auto conn = std::make_shared<Conn>(io_);
    acceptor_.async_accept(conn->sockets[0], [this, conn, sh = shared_](const boost::system::error_code& ec) {
        if (ec) return;
        sh->conns.push_back(conn);
        conn->sockets[1].async_connect(target_, [conn, sh](const boost::system::error_code& e) {
            if (e) {
                boost::system::error_code ig;
                conn->sockets[0].close(ig);
                return;
            }
            std::make_shared<Pipe>(conn, Direction::to_server, sh)->start();
            std::make_shared<Pipe>(conn, Direction::to_client, sh)->start();
        });
        accept_next();
    });
}

}  // namespace papers::dipc::channel::test
