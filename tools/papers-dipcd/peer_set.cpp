#include "peer_set.hpp"

#include <cerrno>

namespace papers::dipcd {

namespace asio = boost::asio;
using asio::ip::tcp;

PeerSet::PeerSet(asio::io_context& io, const dipc::channel::LinkConfig& cfg, const Directory& dir, Log& log,
                 Events events)
    : io_(io), cfg_(cfg), dir_(dir), log_(log), ev_(std::move(events)) {}

ConnId PeerSet::add(std::shared_ptr<dipc::channel::Link> link, std::optional<std::uint32_t> host, bool referee) {
    ConnId c = next_conn_++;
    Conn& conn = conns_[c];
    conn.host = host;
    conn.referee = referee;
    if (link) attach(c, std::move(link));
    return c;
}

void PeerSet::attach(ConnId c, std::shared_ptr<dipc::channel::Link> link) {
    Conn& conn = conns_.at(c);
    conn.link = link;
    link->on_frame([this, c](const std::uint8_t* p, std::size_t n) { on_frame(c, p, n); });
    link->on_close([this, c](const std::string& why) { on_close(c, why); });
    while (!conn.queued.empty()) {
        link->send(std::move(conn.queued.front()));
        conn.queued.pop_front();
    }
}

void PeerSet::connect_referee(const tcp::endpoint& ep, std::function<void(bool, std::string)> done) {
    referee_ = add(nullptr, std::nullopt, true);
    ConnId c = referee_;
    dipc::channel::Link::connect(io_, cfg_, ep, [this, c, done](std::error_code ec, std::shared_ptr<dipc::channel::Link> link) {
        if (ec || !link) {
            std::string why = ec ? ec.message() : "no link";
            on_close(c, "cannot reach the referee: " + why);
            done(false, why);
            return;
        }
        attach(c, std::move(link));
        done(true, {});
    });
}

void PeerSet::adopt(std::shared_ptr<dipc::channel::Link> link) {
    auto host = dir_.host_named(link->peer_name());
    add(std::move(link), host, false);
}

void PeerSet::identify(ConnId c, std::uint32_t host) {
    auto it = conns_.find(c);
    if (it != conns_.end()) it->second.host = host;
}

std::optional<std::uint32_t> PeerSet::host_of(ConnId c) const {
    auto it = conns_.find(c);
    if (it == conns_.end()) return std::nullopt;
    return it->second.host;
}

std::string PeerSet::peer_name(ConnId c) const {
    auto it = conns_.find(c);
    if (it == conns_.end() || !it->second.link) return {};
    return it->second.link->peer_name();
}

void PeerSet::mark_client(ConnId c) {
    auto it = conns_.find(c);
    if (it == conns_.end()) return;
    it->second.client = true;
    if (it->second.link) it->second.link->allow_silent_peer();
}

bool PeerSet::has_referee() const {
    auto it = conns_.find(referee_);
    return it != conns_.end() && !it->second.closed;
}

std::string PeerSet::remote_address(ConnId c) const {
    auto it = conns_.find(c);
    if (it == conns_.end() || !it->second.link) return {};
    return it->second.link->remote().address().to_string();
}

std::vector<ConnId> PeerSet::links() const {
    std::vector<ConnId> v;
    for (const auto& [c, conn] : conns_)
        if (!conn.closed && !conn.referee && !conn.client) v.push_back(c);
    return v;
}

// Any open link to `host` will do, ours or theirs; else a new one.
ConnId PeerSet::conn_for(std::uint32_t host) {
    for (auto& [c, conn] : conns_)
        if (!conn.closed && !conn.referee && !conn.client && conn.host == host) return c;
    ConnId c = add(nullptr, host, false);
    auto h = dir_.host(host);
    if (!h) {
        on_close(c, "host " + std::to_string(host) + " is not in the cluster");
        return c;
    }
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(h->address, ec);
    if (ec) {
        on_close(c, "host " + h->name + " has a bad address '" + h->address + "'");
        return c;
    }
    dipc::channel::Link::connect(io_, cfg_, tcp::endpoint(addr, h->port),
                                 [this, c, name = h->name](std::error_code e, std::shared_ptr<dipc::channel::Link> link) {
                                     auto it = conns_.find(c);
                                     if (it == conns_.end() || it->second.closed) {
                                         if (link) link->close();
                                         return;
                                     }
                                     if (e || !link) {
                                         on_close(c, "cannot reach " + name + ": " + (e ? e.message() : "no link"));
                                         return;
                                     }
                                     attach(c, std::move(link));
                                 });
    return c;
}

void PeerSet::send_request(ConnId c, std::uint64_t id, std::vector<std::uint8_t> body, Respond respond) {
    auto it = conns_.find(c);
    if (it == conns_.end() || it->second.closed) {
        // Answer asynchronously, like a reply: callers never re-enter themselves.
        asio::post(io_, [respond = std::move(respond), err = lost_errno] { respond(proto::Reply{-1, err, {}}); });
        return;
    }
    it->second.pending.emplace(id, std::move(respond));
    send_body(c, std::move(body));
}

void PeerSet::send_body(ConnId c, std::vector<std::uint8_t> body) {
    auto it = conns_.find(c);
    if (it == conns_.end() || it->second.closed) return;
    if (it->second.link) it->second.link->send(std::move(body));
    else it->second.queued.push_back(std::move(body));
}

void PeerSet::on_frame(ConnId c, const std::uint8_t* p, std::size_t n) {
    proto::Header h;
    const char* why = nullptr;
    if (!proto::decode_header(p, n, h, &why)) {
        log_.info("protocol error from " + peer_name(c) + ": " + why + "; closing the link");
        auto it = conns_.find(c);
        if (it != conns_.end() && it->second.link) it->second.link->close();
        return;
    }
    if (h.op == proto::Op::reply) {
        auto it = conns_.find(c);
        if (it == conns_.end()) return;
        auto pit = it->second.pending.find(h.request_id);
        if (pit == it->second.pending.end()) return;  // cancelled, or a late answer
        Respond respond = std::move(pit->second);
        it->second.pending.erase(pit);
        proto::Reply r;
        if (!proto::decode_payload(p + proto::kHeaderBytes, n - proto::kHeaderBytes, r, &why)) {
            log_.info("malformed reply from " + peer_name(c) + ": " + why);
            r = proto::Reply{-1, EPROTO, {}};
        }
        respond(std::move(r));
        return;
    }
    ev_.frame(c, h, p + proto::kHeaderBytes, n - proto::kHeaderBytes);
}

void PeerSet::on_close(ConnId c, const std::string& why) {
    auto it = conns_.find(c);
    if (it == conns_.end() || it->second.closed) return;
    Conn& conn = it->second;
    conn.closed = true;
    auto pending = std::move(conn.pending);
    auto host = conn.host;
    bool referee = conn.referee;
    if (conn.link) conn.link->close();
    ev_.closed(c, host, referee, why);
    for (auto& [id, respond] : pending) respond(proto::Reply{-1, lost_errno, {}});
    // Keep the record until the callbacks above are done with it; drop it later.
    asio::post(io_, [this, c] { conns_.erase(c); });
}

void PeerSet::close_host(std::uint32_t host, const std::string& why) {
    std::vector<ConnId> v;
    for (auto& [c, conn] : conns_)
        if (!conn.closed && conn.host == host && !conn.referee) v.push_back(c);
    for (ConnId c : v) on_close(c, why);
}

void PeerSet::close_all() {
    std::vector<ConnId> v;
    for (auto& [c, conn] : conns_)
        if (!conn.closed) v.push_back(c);
    for (ConnId c : v) on_close(c, "daemon stopping");
}

}  // namespace papers::dipcd
