// daemon.cpp — papers-dipcd's life: start, register with the referee,
// serve, stop. The call paths are in client_calls.cpp and peer_frames.cpp.
#include "daemon.hpp"

#include <sys/socket.h>
#include <sched.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <chrono>
#include <ctime>

#include "proto/ids.hpp"

namespace papers::dipcd {

namespace asio = boost::asio;
using asio::ip::tcp;

struct Daemon::SteadyClock : dipc::owner::Clock {
    std::int64_t realtime_s() override { return static_cast<std::int64_t>(std::time(nullptr)); }
    std::int64_t monotonic_ns() override {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
};

namespace {

tcp::endpoint resolve_endpoint(asio::io_context& io, const Endpoint& e) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(e.address, ec);
    if (!ec) return {addr, e.port};
    tcp::resolver r(io);
    auto results = r.resolve(e.address, std::to_string(e.port), ec);
    if (ec || results.empty())
        throw std::runtime_error("cannot resolve '" + e.address + "': " + (ec ? ec.message() : "no address"));
    return *results.begin();
}

}  // namespace

Daemon::Daemon(asio::io_context& io, const DaemonConfig& cfg)
    : io_(io), cfg_(cfg), signals_(io, SIGTERM, SIGINT), deadline_timer_(io) {
    log_.open(cfg.log_file, cfg.name, cfg.verbose);
    key_.emplace(dipc::channel::load_key_file(cfg.key_file));
    allow_.emplace(dipc::channel::AllowList::parse(cfg.allow));
    link_cfg_.key = &*key_;
    link_cfg_.self_name = cfg.name;
    link_cfg_.heartbeat = std::chrono::milliseconds(cfg.heartbeat_ms);
    link_cfg_.peer_timeout = std::chrono::milliseconds(cfg.peer_timeout_ms);
    link_cfg_.allow = &*allow_;
    link_cfg_.log = [this](const std::string& line) { log_.info(line); };
    clock_ = std::make_unique<SteadyClock>();
    procs_ = std::make_unique<ProcessTable>(
        io_, [this](const proto::Caller& who, const std::set<std::uint32_t>& hosts) { process_gone(who, hosts); });
    peers_ = std::make_unique<PeerSet>(
        io_, link_cfg_, dir_, log_,
        PeerSet::Events{
            [this](ConnId c, const proto::Header& h, const std::uint8_t* p, std::size_t n) {
                peer_frame(c, h, p, n);
                arm_deadline_timer();
            },
            [this](ConnId c, std::optional<std::uint32_t> host, bool referee, const std::string& why) {
                peer_closed(c, host, referee, why);
            }});
}

Daemon::~Daemon() = default;

std::uint16_t Daemon::port() const { return listener_ ? listener_->port() : 0; }

void Daemon::start(std::function<void(bool, const std::string&)> ready) {
    signals_.async_wait([this](boost::system::error_code ec, int sig) {
        if (ec) return;
        log_.info(std::string("stopping on ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"));
        stop();
    });
    tcp::endpoint bind = resolve_endpoint(io_, cfg_.listen);
    listener_ = std::make_unique<dipc::channel::Listener>(
        io_, link_cfg_, bind, [this](std::shared_ptr<dipc::channel::Link> link) { peers_->adopt(std::move(link)); });
    proto::HostEntry self{0, cfg_.name, bind.address().to_string(), listener_->port()};

    // Once the cluster's tables are here: the engine, then the local socket.
    auto serve = [this, ready](const proto::HostWelcome& w) {
        dir_.reset(w);
        engine_ = std::make_unique<dipc::owner::Engine>(dir_.limits(), *clock_);
        owner_ = std::make_unique<OwnerService>(*engine_, log_);
        engine_->on_removed = [this](proto::Kind k, std::int32_t id) {
            owner_->removed(k, id);
            if (k == proto::Kind::shm) dsm_->segment_gone(id, false);
        };
        engine_->on_key_released = [this](proto::Kind k, std::int32_t id) { owner_->removed(k, id, true); };
        dsm::DsmService::Io dio;
        dio.reply_local = [this](std::uint64_t s, std::uint64_t req, proto::Reply r) { local_->reply(s, req, r); };
        dio.send_revoke = [this](std::uint64_t s, std::uint64_t id, const proto::Revoke& rv) {
            return local_->send(s, proto::Op::revoke, id, rv);
        };
        dio.page_req = [this](std::uint32_t home, const proto::PageReq& r, dsm::Respond respond) {
            peers_->request(home, proto::Op::page_req, r, std::move(respond));
        };
        dio.page_revoke = [this](std::uint32_t host, const proto::PageRevoke& r, dsm::Respond respond) {
            peers_->request(host, proto::Op::page_revoke, r, std::move(respond));
        };
        // conn_for(host), as page_revoke: the order of the two is the link's.
        dio.page_notice = [this](std::uint32_t host, const proto::PageNotice& n) {
            peers_->request(host, proto::Op::page_notice, n, [](proto::Reply) {});
        };
        dio.now_ns = [this] { return clock_->monotonic_ns(); };
        dsm_ = std::make_unique<dsm::DsmService>(dio, log_, dir_.self(),
                                                 std::int64_t(cfg_.peer_timeout_ms) * 1000000,
                                                 std::int64_t(dir_.limits().dsm_min_residency_us) * 1000);
        owner_->removal_hook = [this](proto::Kind k, std::int32_t id, bool key_only, std::function<void()> then) {
            structure_removed(k, id, key_only, std::move(then));
        };
        if (!cfg_.socket_path.empty()) {
            local_ = std::make_unique<LocalServer>(
                io_, cfg_.socket_path, log_,
                LocalServer::Events{
                    [this](SessionId s, const proto::Caller& who) { return session_opened(s, who); },
                    [this](SessionId s, const proto::Caller& who, const proto::Header& h, const std::uint8_t* p,
                           std::size_t n) {
                        client_call(s, who, h, p, n);
                        arm_deadline_timer();
                    },
                    [this](SessionId s, const proto::Caller& who) { session_closed(s, who); },
                    [this] {
                        return proto::Welcome{proto::kProtocolVersion, dir_.self(), dir_.limits(), cfg_.heartbeat_ms,
                                              cfg_.peer_timeout_ms};
                    },
                    [this](SessionId s, const proto::Caller& who, std::uint8_t role) {
                        if (role != 1) return;
                        proto::Caller c = who;
                        c.host = dir_.self();
                        service_sessions_.insert(s);
                        dsm_->service_opened(s, c);
                    }});
        }
        registered_ = true;
        log_.info("serving as host " + std::to_string(dir_.self()) + " '" + cfg_.name + "' on port " +
                  std::to_string(port()) + (cfg_.socket_path.empty() ? "" : ", local socket " + cfg_.socket_path) +
                  (referee_ ? ", referee" : ""));
        ready(true, {});
    };

    if (cfg_.serve_referee) {
        referee_.emplace(cfg_.limits);
        std::uint32_t id = referee_->register_host(self);
        serve(referee_->welcome(id));
        return;
    }
    tcp::endpoint ref = resolve_endpoint(io_, cfg_.referee);
    peers_->connect_referee(ref, [this, ready, serve, self, ref](bool ok, std::string why) {
        if (!ok) return ready(false, "cannot reach the referee at " + ref.address().to_string() + ":" +
                                         std::to_string(ref.port()) + ": " + why);
        peers_->request_referee(proto::Op::host_hello, proto::HostHello{proto::kProtocolVersion, self},
                                [ready, serve](proto::Reply r) {
                                    proto::HostWelcome w;
                                    if (r.err != 0 || !proto::decode_payload(r.payload, w))
                                        return ready(false, "the referee refused this host (" +
                                                                std::string(r.err ? std::strerror(r.err) : "bad welcome") +
                                                                "; see the referee's log)");
                                    serve(w);
                                });
    });
}

// The referee hears of it before the caller does: once IPC_RMID returns, a
// get of the same key creates a new structure, as with the kernel.
void Daemon::structure_removed(proto::Kind kind, std::int32_t id, bool key_only, std::function<void()> then) {
    if (!key_only) dir_.remove(kind, id);
    referee_request(key_only ? proto::Op::key_release : proto::Op::removed,
                    proto::encode_payload(proto::TableRef{kind, id}),
                    [then = std::move(then)](proto::Reply) { then(); });
}

void Daemon::arm_deadline_timer() {
    if (!engine_) return;
    auto next = engine_->next_deadline_ns();
    if (auto d = dsm_->next_deadline(); d && (!next || *d < *next)) next = d;
    if (!next) return;
    auto when = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(*next));
    if (deadline_armed_ && deadline_at_ <= when) return;
    deadline_armed_ = true;
    deadline_at_ = when;
    deadline_timer_.expires_at(when);
    deadline_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        deadline_armed_ = false;
        engine_->expire(clock_->monotonic_ns());
        dsm_->expire();
        arm_deadline_timer();
    });
}

void Daemon::stop() {
    if (stopping_) return;
    stopping_ = true;
    if (local_) local_->close_all();
    peers_->close_all();
    listener_.reset();
    signals_.cancel();
    deadline_timer_.cancel();
    io_.stop();
}

// The event loop. A reply usually comes back within tens of microseconds
// of a request going out, and waking a process that sleeps on another vCPU
// costs about that much again on the VMs we measure on (docs/performance.md):
// so after handling something, the loop keeps looking for the next event for
// `spin`, yielding the CPU between looks (never busy: other processes run),
// and only then sleeps in epoll_wait.
void run_loop(asio::io_context& io, std::chrono::microseconds spin) {
    using Clock = std::chrono::steady_clock;
    auto worked = Clock::now();
    while (!io.stopped()) {
        if (io.poll() > 0) {
            worked = Clock::now();
            continue;
        }
        if (io.stopped()) break;
        if (Clock::now() - worked < spin) {
            sched_yield();
            continue;
        }
        if (io.run_one() == 0) break;
        worked = Clock::now();
    }
}

int run_daemon(const DaemonConfig& cfg) {
    asio::io_context io;
    std::unique_ptr<Daemon> d;
    int rc = 0;
    try {
        d = std::make_unique<Daemon>(io, cfg);
        d->start([&](bool ok, const std::string& why) {
            if (!ok) {
                std::fprintf(stderr, "papers-dipcd: %s\n", why.c_str());
                rc = 1;
                d->stop();
                return;
            }
            if (cfg.ready_fd >= 0) {
                std::string line = "ready " + std::to_string(d->port()) + "\n";
                if (::write(cfg.ready_fd, line.data(), line.size()) < 0) { /* the launcher is gone */ }
                ::close(cfg.ready_fd);
            }
        });
    } catch (const std::exception& e) {
        std::fprintf(stderr, "papers-dipcd: %s\n", e.what());
        return 1;
    }
    run_loop(io, std::chrono::microseconds(cfg.spin_us));
    return rc ? rc : d->exit_code();
}

}  // namespace papers::dipcd
