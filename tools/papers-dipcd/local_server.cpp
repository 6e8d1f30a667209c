#include "local_server.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "process_table.hpp"

namespace papers::dipcd {

namespace asio = boost::asio;
using asio::local::stream_protocol;

struct LocalServer::Session {
    explicit Session(asio::io_context& io) : sock(io) {}
    SessionId id = 0;
    stream_protocol::socket sock;
    proto::Caller who;
    bool hello = false;
    bool ended = false;
    std::uint8_t len_buf[4];
    std::vector<std::uint8_t> body;
    std::deque<std::vector<std::uint8_t>> out;
};

LocalServer::LocalServer(asio::io_context& io, const std::string& path, Log& log, Events ev)
    : io_(io), path_(path), log_(log), ev_(std::move(ev)), acceptor_(io) {
    // A stale socket from a daemon that died is removed; a live one is not
    // ours to take (connect to it first to tell which).
    stream_protocol::socket probe(io);
    boost::system::error_code ec;
    probe.connect(stream_protocol::endpoint(path), ec);
    if (!ec) throw std::runtime_error("another daemon serves " + path);
    ::unlink(path.c_str());
    // Any local user may connect; the daemon checks each call's credentials.
    mode_t old = ::umask(0);
    acceptor_.open(stream_protocol());
    acceptor_.bind(stream_protocol::endpoint(path), ec);
    ::umask(old);
    if (ec) throw std::runtime_error("cannot bind " + path + ": " + ec.message());
    ::chmod(path.c_str(), 0666);
    acceptor_.listen(128);
    accept();
}

LocalServer::~LocalServer() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    ::unlink(path_.c_str());
}

void LocalServer::accept() {
    auto s = std::make_shared<Session>(io_);
    acceptor_.async_accept(s->sock, [this, s](boost::system::error_code ec) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
            std::string why;
            auto who = peer_caller(s->sock.native_handle(), 0, why);
            if (!who) {
                log_.debug("local connection refused: " + why);
            } else {
                s->id = next_++;
                s->who = *who;
                if (ev_.opened(s->id, s->who)) {
                    sessions_[s->id] = s;
                    read_header(s);
                } else {
                    log_.debug("local connection from pid " + std::to_string(who->pid) + " refused");
                }
            }
        }
        accept();
    });
}

void LocalServer::read_header(std::shared_ptr<Session> s) {
    asio::async_read(s->sock, asio::buffer(s->len_buf), [this, s](boost::system::error_code ec, std::size_t) {
        if (ec) return end(s, ec == asio::error::eof ? "" : ec.message());
        std::uint32_t len = s->len_buf[0] | s->len_buf[1] << 8 | s->len_buf[2] << 16 |
                            std::uint32_t(s->len_buf[3]) << 24;
        if (len < proto::kHeaderBytes || len > proto::kMaxFrame)
            return end(s, "frame length " + std::to_string(len) + " out of bounds");
        read_body(s, len);
    });
}

void LocalServer::read_body(std::shared_ptr<Session> s, std::uint32_t len) {
    s->body.resize(len);
    asio::async_read(s->sock, asio::buffer(s->body), [this, s](boost::system::error_code ec, std::size_t) {
        if (ec) return end(s, ec.message());
        dispatch(s);
        if (!s->ended) read_header(s);
    });
}

void LocalServer::dispatch(std::shared_ptr<Session> s) {
    proto::Header h;
    const char* why = nullptr;
    if (!proto::decode_header(s->body.data(), s->body.size(), h, &why)) return end(s, why);
    const std::uint8_t* p = s->body.data() + proto::kHeaderBytes;
    std::size_t n = s->body.size() - proto::kHeaderBytes;
    if (h.op == proto::Op::client_hello) {
        proto::ClientHello hello;
        if (!proto::decode_payload(p, n, hello, &why)) return end(s, why);
        if (hello.version != proto::kProtocolVersion)
            return end(s, "client speaks protocol " + std::to_string(hello.version) + ", daemon " +
                              std::to_string(proto::kProtocolVersion));
        s->hello = true;
        std::vector<std::uint8_t> frame;
        proto::encode_frame(proto::Op::welcome, h.request_id, ev_.welcome(), frame);
        write(s, std::move(frame));
        return;
    }
    if (!s->hello) return end(s, "call before client_hello");
    switch (h.op) {
        case proto::Op::get:
        case proto::Op::semop:
        case proto::Op::semctl:
        case proto::Op::msgsnd:
        case proto::Op::msgrcv:
        case proto::Op::msgctl:
        case proto::Op::cancel: ev_.call(s->id, s->who, h, p, n); return;
        default: return end(s, std::string("op '") + proto::op_name(h.op) + "' is not a client call");
    }
}

void LocalServer::reply(SessionId id, std::uint64_t request_id, const proto::Reply& r) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;  // the caller went away
    std::vector<std::uint8_t> frame;
    proto::encode_frame(proto::Op::reply, request_id, r, frame);
    write(it->second, std::move(frame));
}

void LocalServer::write(std::shared_ptr<Session> s, std::vector<std::uint8_t> frame) {
    if (s->ended) return;
    s->out.push_back(std::move(frame));
    if (s->out.size() > 1) return;  // a write is under way; it continues with this one
    auto next = [this, s](auto&& self) -> void {
        asio::async_write(s->sock, asio::buffer(s->out.front()),
                          [this, s, self](boost::system::error_code ec, std::size_t) {
                              if (ec) return end(s, ec.message());
                              s->out.pop_front();
                              if (!s->out.empty()) self(self);
                          });
    };
    next(next);
}

void LocalServer::end(std::shared_ptr<Session> s, const std::string& why) {
    if (s->ended) return;
    s->ended = true;
    if (!why.empty()) log_.debug("local session of pid " + std::to_string(s->who.pid) + " ends: " + why);
    boost::system::error_code ec;
    s->sock.close(ec);
    if (sessions_.erase(s->id)) ev_.closed(s->id, s->who);
}

void LocalServer::close_all() {
    auto all = sessions_;
    for (auto& [id, s] : all) end(s, "daemon stopping");
    boost::system::error_code ec;
    acceptor_.close(ec);
}

}  // namespace papers::dipcd
