// dipc_channel_bench — round-trip latency of a ping-pong over loopback:
// raw TCP (blocking send/recv), plain Boost.Asio (no crypto), and channel
// Links, for 64 B and 1 KiB bodies. Not a test: a probe for the figures in
// tools/papers-dipcd/channel/README.md. The three take turns in blocks so
// VM noise hits them alike; each echo server runs in its own thread.
//   dipc_channel_bench [round_trips_per_block=2000] [blocks=10]
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <new>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "channel/channel.hpp"

// Every allocation in the process (both threads), to show the channel's
// steady state allocates nothing per frame.
static std::atomic<std::uint64_t> g_allocations{0};
void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
// GCC pairs inlined new-expressions with these and warns; they do match.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace papers::dipc::channel;
using Clock = std::chrono::steady_clock;

namespace {

double us(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

bool full_io(int fd, void* p, std::size_t n, bool write) {
    auto* b = static_cast<std::uint8_t*>(p);
    while (n) {
        ssize_t r = write ? ::send(fd, b, n, MSG_NOSIGNAL) : ::recv(fd, b, n, 0);
        if (r <= 0) return false;
        b += r;
        n -= std::size_t(r);
    }
    return true;
}

void nodelay(int fd) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// ---- raw TCP: blocking syscalls, the floor --------------------------------
struct Raw {
    std::size_t size;
    int client = -1;
    std::thread server;
    explicit Raw(std::size_t n) : size(n) {
        asio::io_context io;
        tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        const auto port = a.local_endpoint().port();
        int lfd = ::dup(a.native_handle());
        server = std::thread([lfd, n] {
            int fd = ::accept(lfd, nullptr, nullptr);
            ::close(lfd);
            nodelay(fd);
            std::vector<std::uint8_t> b(n);
            while (full_io(fd, b.data(), n, false) && full_io(fd, b.data(), n, true)) {
            }
            ::close(fd);
        });
        client = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(client, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) std::abort();
        nodelay(client);
    }
    ~Raw() {
        ::shutdown(client, SHUT_RDWR);
        ::close(client);
        server.join();
    }
    void run(int n, std::vector<double>& out) {
        std::vector<std::uint8_t> b(size, 0x5a);
        for (int i = 0; i < n; ++i) {
            auto t = Clock::now();
            if (!full_io(client, b.data(), size, true) || !full_io(client, b.data(), size, false)) std::abort();
            out.push_back(us(Clock::now() - t));
        }
    }
};

// ---- plain Asio: the event loop's cost without crypto ---------------------
struct PlainAsio {
    std::size_t size;
    asio::io_context cio{1}, sio{1};
    tcp::socket client{cio};
    std::thread server;
    std::vector<std::uint8_t> cbuf;
    explicit PlainAsio(std::size_t n) : size(n), cbuf(n, 0x5a) {
        auto acc = std::make_shared<tcp::acceptor>(sio, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        client.connect(acc->local_endpoint());
        client.set_option(tcp::no_delay(true));
        server = std::thread([this, acc] {
            tcp::socket s(sio);
            acc->accept(s);
            s.set_option(tcp::no_delay(true));
            std::vector<std::uint8_t> b(size);
            std::function<void()> loop = [&] {
                asio::async_read(s, asio::buffer(b), [&](boost::system::error_code ec, std::size_t) {
                    if (ec) return;
                    asio::async_write(s, asio::buffer(b), [&](boost::system::error_code e, std::size_t) {
                        if (!e) loop();
                    });
                });
            };
            loop();
            sio.run();
        });
    }
    ~PlainAsio() {
        client.close();
        server.join();
    }
    void run(int n, std::vector<double>& out) {
        int left = n;
        Clock::time_point t;
        std::function<void()> ping = [&] {
            t = Clock::now();
            asio::async_write(client, asio::buffer(cbuf), [&](boost::system::error_code ec, std::size_t) {
                if (ec) std::abort();
                asio::async_read(client, asio::buffer(cbuf), [&](boost::system::error_code e, std::size_t) {
                    if (e) std::abort();
                    out.push_back(us(Clock::now() - t));
                    if (--left > 0) ping();
                });
            });
        };
        ping();
        cio.restart();
        cio.run();
    }
};

// ---- channel Links ---------------------------------------------------------
struct Channel {
    std::size_t size;
    Key key = Key::random();
    AllowList allow = AllowList::parse({"127.0.0.1"});
    asio::io_context cio{1}, sio{1};
    std::shared_ptr<Link> link;
    std::thread server;
    std::unique_ptr<Listener> listener;
    std::shared_ptr<Link> served;
    std::vector<std::uint8_t> body;
    LinkConfig cfg(const char* name) {
        // Long timeouts: this side's io_context sleeps while the other modes
        // take their turn, which a daemon's never does.
        return {&key, name, std::chrono::seconds(10), std::chrono::seconds(600), &allow,
                [](const std::string& l) { std::fprintf(stderr, "channel: %s\n", l.c_str()); }};
    }
    explicit Channel(std::size_t n) : size(n), body(n, 0x5a) {
        listener = std::make_unique<Listener>(sio, cfg("server"), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
                                              [this](std::shared_ptr<Link> l) {
                                                  Link* raw = l.get();
                                                  l->on_frame([raw](const std::uint8_t* p, std::size_t k) {
                                                      raw->send({p, k});
                                                  });
                                                  served = std::move(l);
                                              });
        const auto port = listener->port();
        server = std::thread([this] { sio.run(); });
        Link::connect(cio, cfg("client"), tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                      [this](std::error_code ec, std::shared_ptr<Link> l) {
                          if (ec) std::abort();
                          link = std::move(l);
                      });
        while (!link) cio.run_one();
    }
    ~Channel() {
        link->close();
        cio.run_for(std::chrono::milliseconds(200));
        sio.stop();
        server.join();
    }
    void run(int n, std::vector<double>& out) {
        int left = n;
        Clock::time_point t;
        link->on_frame([&](const std::uint8_t*, std::size_t) {
            out.push_back(us(Clock::now() - t));
            if (--left > 0) {
                t = Clock::now();
                link->send(body);
            }
        });
        t = Clock::now();
        link->send(body);
        while (left > 0)
            if (cio.run_one() == 0 || !link->is_open()) {
                std::fprintf(stderr, "channel link lost during the benchmark\n");
                std::exit(1);
            }
    }
};

struct Stats {
    double median, mean, p90;
};
Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    return {v[v.size() / 2], sum / double(v.size()), v[v.size() * 9 / 10]};
}

}  // namespace

int main(int argc, char** argv) {
    const int per_block = argc > 1 ? std::atoi(argv[1]) : 2000;
    const int blocks = argc > 2 ? std::atoi(argv[2]) : 10;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::printf("round trip over loopback, %d blocks x %d round trips, modes taking turns (us)\n", blocks,
                per_block);
    std::printf("%6s  %-10s %8s %8s %8s  %s\n", "body", "mode", "median", "mean", "p90", "median/raw");
    for (std::size_t size : {std::size_t(64), std::size_t(1024)}) {
        Raw raw(size);
        PlainAsio plain(size);
        Channel chan(size);
        std::vector<double> r, p, c;
        raw.run(200, r);  // warm-up
        plain.run(200, p);
        chan.run(200, c);
        r.clear();
        p.clear();
        c.clear();
        std::uint64_t chan_allocs = 0;
        for (int b = 0; b < blocks; ++b) {
            raw.run(per_block, r);
            plain.run(per_block, p);
            c.reserve(c.size() + std::size_t(per_block));
            const std::uint64_t a0 = g_allocations.load();
            chan.run(per_block, c);
            chan_allocs += g_allocations.load() - a0;
        }
        const Stats sr = stats(r), sp = stats(p), sc = stats(c);
        std::printf("%6zu  %-10s %8.2f %8.2f %8.2f  %.2f\n", size, "raw tcp", sr.median, sr.mean, sr.p90, 1.0);
        std::printf("%6zu  %-10s %8.2f %8.2f %8.2f  %.2f\n", size, "plain asio", sp.median, sp.mean, sp.p90,
                    sp.median / sr.median);
        std::printf("%6zu  %-10s %8.2f %8.2f %8.2f  %.2f  (%.3f allocations per round trip)\n", size, "channel",
                    sc.median, sc.mean, sc.p90, sc.median / sr.median, double(chan_allocs) / double(c.size()));
    }
    return 0;
}
