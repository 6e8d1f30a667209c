#include "local_server.hpp"

#include <boost/asio/read.hpp>
#include <fcntl.h>
#include <sys/socket.h>
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
    // Received bytes: [begin, end) not consumed yet; several frames may sit
    // in one read, and one frame may take several.
    std::vector<std::uint8_t> in = std::vector<std::uint8_t>(16 * 1024);
    std::size_t begin = 0, end = 0;
    std::vector<std::uint8_t> body;
    struct Out {
        std::vector<std::uint8_t> frame;
        int fd = -1;        // a descriptor to pass with the frame (our own dup)
        std::size_t sent = 0;
    };
    std::deque<Out> out;
    bool waiting = false;  // for the socket to become writable
    ~Session() {
        for (auto& o : out)
            if (o.fd >= 0) ::close(o.fd);
    }
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
                    read_more(s);
                } else {
                    log_.debug("local connection from pid " + std::to_string(who->pid) + " refused");
                }
            }
        }
        accept();
    });
}

// One read takes whatever is there; every whole frame in it is handled.
void LocalServer::read_more(std::shared_ptr<Session> s) {
    if (s->begin == s->end) s->begin = s->end = 0;
    if (s->in.size() - s->end < 4096) {
        std::memmove(s->in.data(), s->in.data() + s->begin, s->end - s->begin);
        s->end -= s->begin;
        s->begin = 0;
        if (s->in.size() - s->end < 4096) s->in.resize(s->in.size() * 2);
    }
    s->sock.async_read_some(asio::buffer(s->in.data() + s->end, s->in.size() - s->end),
                            [this, s](boost::system::error_code ec, std::size_t n) {
                                if (ec == asio::error::eof && s->end > s->begin)
                                    return refuse(s, "connection closed in the middle of a frame (" +
                                                         std::to_string(s->end - s->begin) + " bytes of it came)");
                                if (ec) return end(s, ec == asio::error::eof ? "" : ec.message());
                                s->end += n;
                                while (!s->ended && s->end - s->begin >= 4) {
                                    const std::uint8_t* p = s->in.data() + s->begin;
                                    std::uint32_t len = p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t(p[3]) << 24;
                                    if (len < proto::kHeaderBytes || len > proto::kMaxFrame)
                                        return refuse(s, "frame length " + std::to_string(len) + " out of bounds");
                                    if (s->end - s->begin < 4 + std::size_t(len)) {
                                        // Room for the rest of a big frame.
                                        if (s->in.size() - s->begin < 4 + std::size_t(len)) {
                                            std::memmove(s->in.data(), p, s->end - s->begin);
                                            s->end -= s->begin;
                                            s->begin = 0;
                                            s->in.resize(4 + std::size_t(len));
                                        }
                                        break;
                                    }
                                    s->body.assign(p + 4, p + 4 + len);
                                    s->begin += 4 + std::size_t(len);
                                    dispatch(s);
                                }
                                if (!s->ended) read_more(s);
                            });
}

void LocalServer::dispatch(std::shared_ptr<Session> s) {
    proto::Header h;
    const char* why = nullptr;
    if (!proto::decode_header(s->body.data(), s->body.size(), h, &why)) return refuse(s, why);
    const std::uint8_t* p = s->body.data() + proto::kHeaderBytes;
    std::size_t n = s->body.size() - proto::kHeaderBytes;
    if (h.op == proto::Op::client_hello) {
        proto::ClientHello hello;
        if (!proto::decode_payload(p, n, hello, &why)) return refuse(s, why);
        if (hello.version != proto::kProtocolVersion)
            return refuse(s, "client speaks protocol " + std::to_string(hello.version) + ", daemon " +
                              std::to_string(proto::kProtocolVersion));
        s->hello = true;
        if (ev_.hello) ev_.hello(s->id, s->who, hello.role);
        std::vector<std::uint8_t> frame;
        proto::encode_frame(proto::Op::welcome, h.request_id, ev_.welcome(), frame);
        write(s, std::move(frame));
        return;
    }
    if (!s->hello) return refuse(s, "call before client_hello");
    switch (h.op) {
        case proto::Op::get:
        case proto::Op::semop:
        case proto::Op::semctl:
        case proto::Op::msgsnd:
        case proto::Op::msgrcv:
        case proto::Op::msgctl:
        case proto::Op::cancel:
        case proto::Op::shmat:
        case proto::Op::shmdt:
        case proto::Op::shmctl:
        case proto::Op::fault:
        case proto::Op::shm_inherit:
        case proto::Op::link_open:
        case proto::Op::whereis:
        case proto::Op::reply:          // a DSM service thread's ack
        case proto::Op::dsm_installed:  // and its process's install reports
            ev_.call(s->id, s->who, h, p, n);
            return;
        default: return refuse(s, std::string("op '") + proto::op_name(h.op) + "' is not a client call");
    }
}

void LocalServer::reply(SessionId id, std::uint64_t request_id, const proto::Reply& r, int fd) {
    std::vector<std::uint8_t> frame;
    proto::encode_frame(proto::Op::reply, request_id, r, frame);
    send_frame(id, std::move(frame), fd);
}

bool LocalServer::send_frame(SessionId id, std::vector<std::uint8_t> frame, int fd) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return false;  // the caller went away
    write(it->second, std::move(frame), fd);
    return true;
}

// Frames go out with sendmsg(2) straight away (one system call, and the only
// way to pass a descriptor); only a full socket buffer makes us wait.
void LocalServer::write(std::shared_ptr<Session> s, std::vector<std::uint8_t> frame, int fd) {
    if (s->ended) return;
    Session::Out o;
    o.frame = std::move(frame);
    if (fd >= 0) {
        o.fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (o.fd < 0) return end(s, std::string("dup of a descriptor to send: ") + std::strerror(errno));
    }
    s->out.push_back(std::move(o));
    if (!s->waiting) flush(s);
}

void LocalServer::flush(std::shared_ptr<Session> s) {
    int sock = s->sock.native_handle();
    while (!s->out.empty()) {
        Session::Out& o = s->out.front();
        iovec iov{o.frame.data() + o.sent, o.frame.size() - o.sent};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        if (o.fd >= 0 && o.sent == 0) {
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(c), &o.fd, sizeof(int));
        }
        ssize_t n = ::sendmsg(sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            s->waiting = true;
            s->sock.async_wait(stream_protocol::socket::wait_write, [this, s](boost::system::error_code ec) {
                s->waiting = false;
                if (ec) return end(s, ec.message());
                flush(s);
            });
            return;
        }
        if (n < 0) return end(s, std::string("send: ") + std::strerror(errno));
        if (o.fd >= 0) {
            ::close(o.fd);  // passed with the first byte
            o.fd = -1;
        }
        o.sent += static_cast<std::size_t>(n);
        if (o.sent == o.frame.size()) s->out.pop_front();
    }
}

void LocalServer::end(std::shared_ptr<Session> s, const std::string& why) {
    if (s->ended) return;
    s->ended = true;
    if (!why.empty()) log_.debug("local session of pid " + std::to_string(s->who.pid) + " ends: " + why);
    boost::system::error_code ec;
    s->sock.close(ec);
    if (sessions_.erase(s->id)) ev_.closed(s->id, s->who);
}

// A client that breaks the protocol: its session ends, and the log says why
// at the default level (a session that just ends is logged only with -v).
void LocalServer::refuse(std::shared_ptr<Session> s, const std::string& why) {
    if (s->ended) return;
    log_.info("local session of pid " + std::to_string(s->who.pid) + " ends: " + why);
    end(s, "");
}

void LocalServer::close_all() {
    auto all = sessions_;
    for (auto& [id, s] : all) end(s, "daemon stopping");
    boost::system::error_code ec;
    acceptor_.close(ec);
}

}  // namespace papers::dipcd
