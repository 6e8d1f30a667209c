// Links over loopback: frames both ways in order (up to kMaxFrame), wrong
// key, a flipped byte in flight, a replayed session, the frame bound, the
// allow list on both sides, heartbeats and silent peers, handshake
// deadlines, and a clean close. A TCP proxy (channel_test_util) stands in
// for the network; raw sockets stand in for strangers.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "channel_test_util.hpp"

using namespace papers::dipc::channel;
using namespace papers::dipc::channel::test;
namespace asio = boost::asio;
namespace proto = papers::dipc::proto;
using asio::ip::tcp;
using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

namespace {

Key test_key(std::uint8_t seed) {
    std::uint8_t k[32];
    for (int i = 0; i < 32; ++i) k[i] = static_cast<std::uint8_t>(seed * 13 + i);
    return Key::from_bytes(k, 32);
}

tcp::endpoint loopback(std::uint16_t port, const char* a = "127.0.0.1") {
    return {asio::ip::make_address(a), port};
}

// A listener "beta" and a way to dial it as "alpha", with their logs.
struct Fixture {
    asio::io_context io;
    Key key_l = test_key(1), key_d = test_key(1);
    AllowList allow = AllowList::parse({"127.0.0.1"});
    LogSink log_l, log_d;
    LinkConfig cfg_l, cfg_d;
    std::vector<std::shared_ptr<Link>> accepted;
    std::unique_ptr<Listener> listener;

    explicit Fixture(std::chrono::milliseconds hb = 250ms, std::chrono::milliseconds timeout = 2000ms) {
        cfg_l = {&key_l, "beta", hb, timeout, &allow, log_l.fn()};
        cfg_d = {&key_d, "alpha", hb, timeout, &allow, log_d.fn()};
    }
    void listen(const char* bind = "127.0.0.1") {
        listener = std::make_unique<Listener>(io, cfg_l, loopback(0, bind),
                                              [this](std::shared_ptr<Link> l) { accepted.push_back(std::move(l)); });
    }
    std::uint16_t port() const { return listener->port(); }

    struct Dialed {
        bool done = false;
        std::error_code ec;
        std::shared_ptr<Link> link;
    };
    std::shared_ptr<Dialed> dial(const tcp::endpoint& to) {
        auto d = std::make_shared<Dialed>();
        Link::connect(io, cfg_d, to, [d](std::error_code ec, std::shared_ptr<Link> l) {
            d->done = true;
            d->ec = ec;
            d->link = std::move(l);
        });
        return d;
    }
    // Dials and waits until both ends hold the link.
    std::shared_ptr<Link> connected(const tcp::endpoint& to) {
        auto d = dial(to);
        const std::size_t before = accepted.size();
        EXPECT_TRUE(run_until(io, [&] { return d->done && (d->ec || accepted.size() > before); }))
            << log_l.all() << log_d.all();
        EXPECT_FALSE(d->ec) << d->ec.message() << "\n" << log_l.all() << log_d.all();
        return d->link;
    }
};

// What one end received.
struct Inbox {
    std::vector<Bytes> frames;
    std::string closed;  // reason, once closed
    bool is_closed = false;
    void attach(Link& l) {
        l.on_frame([this](const std::uint8_t* p, std::size_t n) { frames.emplace_back(p, p + n); });
        l.on_close([this](const std::string& r) {
            EXPECT_FALSE(is_closed) << "on_close fired twice";
            closed = r;
            is_closed = true;
        });
    }
};

// A blocking client in its own thread (the io_context stays on this one).
template <class F>
auto in_thread(F f) {
    return std::async(std::launch::async, std::move(f));
}
template <class T>
bool ready(const std::future<T>& f) {
    return f.wait_for(0s) == std::future_status::ready;
}

TEST(ChannelLink, FramesBothWaysInOrderIncludingTheLargest) {
    Fixture fx;
    fx.listen();
    auto client = fx.connected(loopback(fx.port()));
    ASSERT_TRUE(client);
    ASSERT_EQ(fx.accepted.size(), 1u);
    auto server = fx.accepted[0];
    EXPECT_EQ(client->peer_name(), "beta");
    EXPECT_EQ(server->peer_name(), "alpha");
    EXPECT_EQ(client->remote().port(), fx.port());
    EXPECT_EQ(server->remote().address().to_string(), "127.0.0.1");
    Inbox at_client, at_server;
    at_client.attach(*client);
    at_server.attach(*server);

    std::vector<std::size_t> sizes = {0, 1, 12, 64, 1024, 65535, 65536, 65537, 1u << 20, proto::kMaxFrame};
    for (std::size_t i = 0; i < 2000; ++i) sizes.push_back(i % 97);  // a burst of small ones
    for (std::uint32_t i = 0; i < sizes.size(); ++i) {
        ASSERT_TRUE(client->send(pattern_frame(0, i, sizes[i])));
        ASSERT_TRUE(server->send(pattern_frame(1, i, sizes[i])));
    }
    ASSERT_TRUE(run_until(fx.io, [&] {
        return at_client.frames.size() >= sizes.size() && at_server.frames.size() >= sizes.size();
    }, 60s)) << at_client.frames.size() << " " << at_server.frames.size();
    run_for(fx.io, 50ms);  // nothing extra (no heartbeat shows up as a frame)
    ASSERT_EQ(at_server.frames.size(), sizes.size());
    ASSERT_EQ(at_client.frames.size(), sizes.size());
    for (std::uint32_t i = 0; i < sizes.size(); ++i) {
        ASSERT_EQ(at_server.frames[i], pattern_frame(0, i, sizes[i])) << i;
        ASSERT_EQ(at_client.frames[i], pattern_frame(1, i, sizes[i])) << i;
    }
    EXPECT_FALSE(at_client.is_closed || at_server.is_closed);
}

TEST(ChannelLink, CloseDeliversWhatWasQueuedThenTellsThePeer) {
    Fixture fx;
    fx.listen();
    auto client = fx.connected(loopback(fx.port()));
    ASSERT_TRUE(client);
    auto server = fx.accepted.at(0);
    Inbox at_client, at_server;
    at_client.attach(*client);
    at_server.attach(*server);
    for (std::uint32_t i = 0; i < 3; ++i) client->send(pattern_frame(2, i, 100));
    client->close();
    EXPECT_FALSE(client->send(pattern_frame(2, 9, 10)));  // closing: refused
    ASSERT_TRUE(run_until(fx.io, [&] { return at_client.is_closed && at_server.is_closed; }));
    EXPECT_EQ(at_server.frames.size(), 3u);
    EXPECT_EQ(at_server.closed, "closed by peer");
    EXPECT_EQ(at_client.closed, "closed locally");
    EXPECT_FALSE(server->is_open());
    // A handler set after the end still hears it, once.
    std::string late;
    server->on_close([&](const std::string& r) { late = r; });
    run_until(fx.io, [&] { return !late.empty(); }, 2s);
    EXPECT_EQ(late, "closed by peer");
}

TEST(ChannelLink, WrongKeyIsRefusedOnBothSidesAndNothingDelivered) {
    Fixture fx;
    fx.key_d = test_key(2);
    fx.listen();
    auto d = fx.dial(loopback(fx.port()));
    ASSERT_TRUE(run_until(fx.io, [&] { return d->done && fx.log_l.lines.size() >= 1; }));
    EXPECT_EQ(d->ec, errc::authentication_failed) << d->ec.message();
    EXPECT_FALSE(d->link);
    EXPECT_TRUE(fx.accepted.empty());
    EXPECT_TRUE(fx.log_l.contains("does not open with our cluster key")) << fx.log_l.all();
    EXPECT_TRUE(fx.log_d.contains("does not open with our cluster key")) << fx.log_d.all();
}

TEST(ChannelLink, FlippedByteInFlightClosesTheLink) {
    for (Direction dir : {Direction::to_server, Direction::to_client}) {
        Fixture fx;
        fx.listen();
        TcpProxy proxy(fx.io, loopback(fx.port()));
        auto client = fx.connected(proxy.endpoint());
        ASSERT_TRUE(client);
        auto server = fx.accepted.at(0);
        Inbox at_client, at_server;
        at_client.attach(*client);
        at_server.attach(*server);
        // One good frame, then one whose 30th byte (inside the ciphertext) flips.
        Link& sender = dir == Direction::to_server ? *client : *server;
        Inbox& receiver = dir == Direction::to_server ? at_server : at_client;
        LogSink& receiver_log = dir == Direction::to_server ? fx.log_l : fx.log_d;
        sender.send(pattern_frame(4, 0, 200));
        ASSERT_TRUE(run_until(fx.io, [&] { return receiver.frames.size() == 1; }));
        proxy.flip_at(dir, 30);
        sender.send(pattern_frame(4, 1, 200));
        sender.send(pattern_frame(4, 2, 200));
        ASSERT_TRUE(run_until(fx.io, [&] { return at_client.is_closed && at_server.is_closed; }))
            << fx.log_l.all() << fx.log_d.all();
        EXPECT_EQ(receiver.frames.size(), 1u);  // the altered one and all after it: never delivered
        EXPECT_NE(receiver.closed.find("from the peer does not open"), std::string::npos)
            << receiver.closed;
        EXPECT_TRUE(receiver_log.contains("altered, replayed, reordered or cut")) << receiver_log.all();
    }
}

TEST(ChannelLink, RecordedSessionReplayedToTheListenerIsRefused) {
    Fixture fx;
    fx.listen();
    TcpProxy proxy(fx.io, loopback(fx.port()));
    {
        auto client = fx.connected(proxy.endpoint());
        ASSERT_TRUE(client);
        Inbox at_server;
        at_server.attach(*fx.accepted.at(0));
        client->send(pattern_frame(5, 0, 64));
        ASSERT_TRUE(run_until(fx.io, [&] { return at_server.frames.size() == 1; }));
        client->close();
        ASSERT_TRUE(run_until(fx.io, [&] { return at_server.is_closed; }));
    }
    const Bytes recorded = proxy.recorded(Direction::to_server);
    ASSERT_GT(recorded.size(), 100u);
    // Replay the client's bytes in a new connection, straight to the listener.
    const std::uint16_t port = fx.port();
    auto replay = in_thread([recorded, port] {
        asio::io_context io;
        tcp::socket s(io);
        s.connect(loopback(port));
        asio::write(s, asio::buffer(recorded));
        Bytes got(4096);
        boost::system::error_code ec;
        std::size_t n = 0;
        while (!ec) n += s.read_some(asio::buffer(got.data() + n, got.size() - n), ec);
        return n;  // the listener's header and hello, then its close
    });
    ASSERT_TRUE(run_until(fx.io, [&] { return ready(replay); }));
    EXPECT_GT(replay.get(), 24u);
    EXPECT_EQ(fx.accepted.size(), 1u);  // only the genuine session
    EXPECT_TRUE(fx.log_l.contains("did not echo this connection's challenge")) << fx.log_l.all();
}

TEST(ChannelLink, FrameAboveTheBoundIsRefused) {
    Fixture fx;
    fx.listen();
    auto client = fx.connected(loopback(fx.port()));
    ASSERT_TRUE(client);
    Inbox at_server;
    at_server.attach(*fx.accepted.at(0));
    // Sending side: the caller's bug, nothing goes out, the link stays.
    EXPECT_THROW(client->send(Bytes(proto::kMaxFrame + 1)), std::length_error);
    client->send(pattern_frame(6, 0, 10));
    ASSERT_TRUE(run_until(fx.io, [&] { return at_server.frames.size() == 1; }));
    EXPECT_EQ(at_server.frames[0], pattern_frame(6, 0, 10));

    // Receiving side: a key holder announcing a longer frame is cut off at
    // the length prefix, before the body is read.
    const std::uint16_t port = fx.port();
    const Key& key = fx.key_d;
    auto rogue = in_thread([&key, port] {
        asio::io_context io;
        tcp::socket s(io);
        s.connect(loopback(port));
        Session sess(key, Role::dialer, "rogue");
        Bytes out, in(4096);
        sess.start(out);
        std::size_t have = 0;
        bool up = false;
        boost::system::error_code ec;
        while (!up && !ec) {
            asio::write(s, asio::buffer(out));
            out.clear();
            have += s.read_some(asio::buffer(in.data() + have, in.size() - have), ec);
            const std::uint8_t* p = in.data();
            for (;;) {
                auto e = sess.next(p, in.data() + have, out);
                if (e == Session::Event::established) up = true;
                if (e == Session::Event::need_more || e == Session::Event::failed || up) break;
            }
            std::memmove(in.data(), p, have - std::size_t(p - in.data()));
            have -= std::size_t(p - in.data());
        }
        asio::write(s, asio::buffer(out));
        const std::uint32_t len = proto::kMaxFrame + 17 + 1;
        const std::uint8_t prefix[4] = {std::uint8_t(len), std::uint8_t(len >> 8), std::uint8_t(len >> 16),
                                        std::uint8_t(len >> 24)};
        asio::write(s, asio::buffer(prefix));
        while (!ec) s.read_some(asio::buffer(in), ec);  // until the listener closes
        return up;
    });
    ASSERT_TRUE(run_until(fx.io, [&] { return ready(rogue); }));
    EXPECT_TRUE(rogue.get());
    EXPECT_TRUE(fx.log_l.contains("exceeds the bound of " + std::to_string(proto::kMaxFrame))) << fx.log_l.all();
}

TEST(ChannelLink, AddressOutsideTheAllowListIsRefusedBeforeAnyByte) {
    Fixture fx;
    fx.listen("0.0.0.0");
    const std::uint16_t port = fx.port();
    // 127.0.0.2 -> listener (allows 127.0.0.1 only): closed at once; it
    // neither reads nor sends anything (an allowed peer gets a header and
    // a hello at once).
    auto stranger = in_thread([port] {
        asio::io_context io;
        tcp::socket s(io);
        s.open(tcp::v4());
        s.bind(loopback(0, "127.0.0.2"));
        s.connect(loopback(port));
        boost::system::error_code ec;
        asio::write(s, asio::buffer(std::string("hello?")), ec);
        std::uint8_t buf[256];
        std::size_t n = 0;
        while (!ec) n += s.read_some(asio::buffer(buf), ec);
        return n;
    });
    ASSERT_TRUE(run_until(fx.io, [&] { return ready(stranger); }));
    EXPECT_EQ(stranger.get(), 0u);
    EXPECT_TRUE(fx.accepted.empty());
    EXPECT_TRUE(fx.log_l.contains("refused a connection from 127.0.0.2")) << fx.log_l.all();
    EXPECT_TRUE(fx.log_l.contains("not in the allow list")) << fx.log_l.all();

    // The dialing side checks the address it dials: no connection is made.
    auto d = fx.dial(loopback(port, "127.0.0.3"));
    ASSERT_TRUE(run_until(fx.io, [&] { return d->done; }));
    EXPECT_EQ(d->ec, errc::not_allowed);
    EXPECT_TRUE(fx.log_d.contains("127.0.0.3 is not in the allow list")) << fx.log_d.all();
    run_for(fx.io, 50ms);
    EXPECT_EQ(fx.log_l.lines.size(), 1u) << fx.log_l.all();  // the listener saw nothing more
}

TEST(ChannelLink, HeartbeatsKeepAnIdleLinkAliveAndStayHidden) {
    Fixture fx(100ms, 600ms);
    fx.listen();
    TcpProxy proxy(fx.io, loopback(fx.port()));
    auto client = fx.connected(proxy.endpoint());
    ASSERT_TRUE(client);
    auto server = fx.accepted.at(0);
    Inbox at_client, at_server;
    at_client.attach(*client);
    at_server.attach(*server);
    const std::size_t up0 = proxy.forwarded(Direction::to_server), down0 = proxy.forwarded(Direction::to_client);
    run_for(fx.io, 2000ms);  // > 3 peer timeouts of idleness
    EXPECT_TRUE(client->is_open() && server->is_open()) << at_client.closed << at_server.closed;
    EXPECT_TRUE(at_client.frames.empty() && at_server.frames.empty());
    // Heartbeats did flow (33 bytes each), both ways.
    EXPECT_GT(proxy.forwarded(Direction::to_server) - up0, 3 * 33u);
    EXPECT_GT(proxy.forwarded(Direction::to_client) - down0, 3 * 33u);
    client->send(pattern_frame(8, 0, 64));
    ASSERT_TRUE(run_until(fx.io, [&] { return at_server.frames.size() == 1; }));
}

TEST(ChannelLink, SilentPeerIsClosedWithinPeerTimeout) {
    const auto hb = 100ms, timeout = 800ms;
    Fixture fx(hb, timeout);
    fx.listen();
    TcpProxy proxy(fx.io, loopback(fx.port()));
    auto client = fx.connected(proxy.endpoint());
    ASSERT_TRUE(client);
    auto server = fx.accepted.at(0);
    Inbox at_client, at_server;
    at_client.attach(*client);
    at_server.attach(*server);
    run_for(fx.io, 300ms);
    const auto t0 = std::chrono::steady_clock::now();
    proxy.stall();
    ASSERT_TRUE(run_until(fx.io, [&] { return at_client.is_closed && at_server.is_closed; }, 10s));
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(at_client.closed.rfind("peer silent for ", 0), 0u) << at_client.closed;
    EXPECT_EQ(at_server.closed.rfind("peer silent for ", 0), 0u) << at_server.closed;
    // Not before the timeout (less the last heartbeat's age), not much after.
    EXPECT_GE(took, timeout - hb - 50ms);
    EXPECT_LE(took, timeout + 2000ms);
}

TEST(ChannelLink, HandshakeIsBoundedOnBothSides) {
    Fixture fx(100ms, 500ms);
    fx.listen();
    // A client that connects and says nothing.
    const std::uint16_t port = fx.port();
    auto mute = in_thread([port] {
        asio::io_context io;
        tcp::socket s(io);
        s.connect(loopback(port));
        std::uint8_t buf[512];
        boost::system::error_code ec;
        while (!ec) s.read_some(asio::buffer(buf), ec);
        return true;
    });
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(run_until(fx.io, [&] { return ready(mute); }));
    EXPECT_LE(std::chrono::steady_clock::now() - t0, 3s);
    EXPECT_TRUE(fx.log_l.contains("no completed handshake within 500 ms")) << fx.log_l.all();

    // A server that accepts and says nothing.
    tcp::acceptor silent(fx.io, loopback(0));
    tcp::socket held(fx.io);
    silent.async_accept(held, [](const boost::system::error_code&) {});
    auto d = fx.dial(loopback(silent.local_endpoint().port()));
    ASSERT_TRUE(run_until(fx.io, [&] { return d->done; }, 5s));
    EXPECT_EQ(d->ec, errc::timed_out);
}

TEST(ChannelLink, RefusedConnectionReportsTheSocketError) {
    Fixture fx;
    std::uint16_t unused;
    {
        tcp::acceptor a(fx.io, loopback(0));
        unused = a.local_endpoint().port();
    }
    auto d = fx.dial(loopback(unused));
    ASSERT_TRUE(run_until(fx.io, [&] { return d->done; }));
    EXPECT_TRUE(d->ec);
    EXPECT_NE(d->ec, errc::timed_out);
    EXPECT_TRUE(fx.log_d.contains("cannot connect")) << fx.log_d.all();
}

TEST(ChannelLink, BadConfigurationIsRefused) {
    Fixture fx;
    fx.cfg_d.peer_timeout = fx.cfg_d.heartbeat;
    EXPECT_THROW(Link::connect(fx.io, fx.cfg_d, loopback(1), [](std::error_code, std::shared_ptr<Link>) {}),
                 std::invalid_argument);
    fx.cfg_l.allow = nullptr;
    EXPECT_THROW(Listener(fx.io, fx.cfg_l, loopback(0), [](std::shared_ptr<Link>) {}), std::invalid_argument);
    fx.cfg_d.peer_timeout = 2000ms;
    fx.cfg_d.self_name = "two words";
    EXPECT_THROW(Link::connect(fx.io, fx.cfg_d, loopback(1), [](std::error_code, std::shared_ptr<Link>) {}),
                 std::invalid_argument);
}

}  // namespace
