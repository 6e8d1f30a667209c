#include "client_fake_daemon.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace papers::dipc::test {

proto::Reply ok_reply(std::int64_t ret) {
    proto::Reply r;
    r.ret = ret;
    return r;
}

proto::Reply err_reply(int err) {
    proto::Reply r;
    r.ret = -1;
    r.err = err;
    return r;
}

FakeDaemon::FakeDaemon(std::string path) {
    if (path.empty()) {
        char tmpl[] = "/tmp/dipc-client-test-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
        path = dir_ + "/dipcd.sock";
    }
    path_ = path;
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    unlink(path_.c_str());
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 64) != 0)
        throw std::runtime_error("fake daemon cannot listen at " + path_ + ": " + std::strerror(errno));
    if (pipe2(wake_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    thread_ = std::thread([this] { serve(); });
}

FakeDaemon::~FakeDaemon() {
    {
        std::lock_guard<std::mutex> g(mu_);
        stop_ = true;
    }
    char c = 0;
    ssize_t rc = write(wake_[1], &c, 1);
    (void)rc;
    thread_.join();
    for (auto& [id, c] : conns_)
        if (!c.closed) close(c.fd);
    close(listen_fd_);
    close(wake_[0]);
    close(wake_[1]);
    unlink(path_.c_str());
    if (!dir_.empty()) rmdir(dir_.c_str());
}

void FakeDaemon::on_request(Handler h) {
    std::lock_guard<std::mutex> g(mu_);
    handler_ = std::move(h);
}

void FakeDaemon::send_frame(int conn, const std::vector<std::uint8_t>& frame) {
    std::lock_guard<std::mutex> g(mu_);
    auto it = conns_.find(conn);
    if (it == conns_.end() || it->second.closed) return;
    std::size_t off = 0;
    while (off < frame.size()) {
        ssize_t k = send(it->second.fd, frame.data() + off, frame.size() - off, MSG_NOSIGNAL);
        if (k <= 0) {
            if (k < 0 && errno == EINTR) continue;
            return;
        }
        off += static_cast<std::size_t>(k);
    }
}

void FakeDaemon::reply(const Request& to, const proto::Reply& r) {
    std::vector<std::uint8_t> frame;
    proto::encode_frame(proto::Op::reply, to.id, r, frame);
    send_frame(to.conn, frame);
}

std::vector<Request> FakeDaemon::requests() const {
    std::lock_guard<std::mutex> g(mu_);
    return requests_;
}

std::vector<Request> FakeDaemon::requests(proto::Op op) const {
    std::vector<Request> out;
    for (Request& r : requests())
        if (r.op == op) out.push_back(std::move(r));
    return out;
}

bool FakeDaemon::wait_until(const std::function<bool(const std::vector<Request>&)>& pred, int timeout_ms) const {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return pred(requests_); });
}

bool FakeDaemon::wait_for_op(proto::Op op, std::size_t count, int timeout_ms) const {
    return wait_until(
        [&](const std::vector<Request>& rs) {
            std::size_t n = 0;
            for (const Request& r : rs) n += r.op == op;
            return n >= count;
        },
        timeout_ms);
}

void FakeDaemon::set_owner(std::int32_t id, std::uint32_t owner_host) {
    std::lock_guard<std::mutex> g(mu_);
    owners_[id] = owner_host;
}

std::size_t FakeDaemon::whereis_count() const {
    std::lock_guard<std::mutex> g(mu_);
    return whereis_;
}

std::vector<FakeDaemon::Connection> FakeDaemon::connections() const {
    std::lock_guard<std::mutex> g(mu_);
    std::vector<Connection> out;
    for (const auto& [id, c] : conns_) out.push_back({id, c.pid, c.closed});
    return out;
}

bool FakeDaemon::wait_closed(int conn, int timeout_ms) const {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] {
        auto it = conns_.find(conn);
        return it != conns_.end() && it->second.closed;
    });
}

void FakeDaemon::kill_connections() {
    std::lock_guard<std::mutex> g(mu_);
    for (auto& [id, c] : conns_)
        if (!c.closed) shutdown(c.fd, SHUT_RDWR);
}

void FakeDaemon::accept_one() {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    ucred cred{};
    socklen_t len = sizeof cred;
    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
    std::lock_guard<std::mutex> g(mu_);
    conns_[next_conn_++] = Conn{fd, cred.pid, false};
    cv_.notify_all();
}

// Reads one whole frame (clients write frames at once); false on EOF or error.
bool FakeDaemon::serve_frame(int conn, int fd) {
    std::uint8_t len_bytes[4];
    if (recv(fd, len_bytes, 4, MSG_WAITALL) != 4) return false;
    std::uint32_t len = len_bytes[0] | len_bytes[1] << 8 | len_bytes[2] << 16 | std::uint32_t(len_bytes[3]) << 24;
    if (len < proto::kHeaderBytes || len > proto::kMaxFrame) return false;
    std::vector<std::uint8_t> frame(len);
    if (recv(fd, frame.data(), len, MSG_WAITALL) != static_cast<ssize_t>(len)) return false;
    proto::Header h;
    if (!proto::decode_header(frame.data(), len, h)) return false;
    std::vector<std::uint8_t> body(frame.begin() + proto::kHeaderBytes, frame.end());
    if (h.op == proto::Op::client_hello) {
        proto::Welcome w;
        w.host = host;
        w.limits = limits;
        std::vector<std::uint8_t> out;
        proto::encode_frame(proto::Op::welcome, h.request_id, w, out);
        send_frame(conn, out);
        return true;
    }
    if (h.op == proto::Op::whereis) {
        proto::Reply r = ok_reply(host);
        proto::TableRef t;
        if (!proto::decode_payload(body, t)) return false;
        {
            std::lock_guard<std::mutex> g(mu_);
            ++whereis_;
            auto it = owners_.find(t.id);
            if (it != owners_.end()) r.ret = it->second;
        }
        std::vector<std::uint8_t> out;
        proto::encode_frame(proto::Op::reply, h.request_id, r, out);
        send_frame(conn, out);
        return true;
    }
    Request req;
    Handler handler;
    {
        std::lock_guard<std::mutex> g(mu_);
        req = Request{conn, conns_[conn].pid, h.op, h.request_id, std::move(body)};
        requests_.push_back(req);
        handler = handler_;
        cv_.notify_all();
    }
    // A cancel has no reply of its own (the cancelled call's reply is the verdict).
    std::optional<proto::Reply> r;
    if (handler) r = handler(req);
    else if (h.op != proto::Op::cancel) r = ok_reply(0);
    if (r) reply(req, *r);
    return true;
}

void FakeDaemon::serve() {
    for (;;) {
        std::vector<pollfd> pfds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
        std::vector<int> ids;
        {
            std::lock_guard<std::mutex> g(mu_);
            if (stop_) return;
            for (auto& [id, c] : conns_)
                if (!c.closed) {
                    pfds.push_back({c.fd, POLLIN, 0});
                    ids.push_back(id);
                }
        }
        if (poll(pfds.data(), pfds.size(), 100) < 0 && errno != EINTR) return;
        if (pfds[0].revents) {
            std::lock_guard<std::mutex> g(mu_);
            if (stop_) return;
        }
        if (pfds[1].revents & POLLIN) accept_one();
        for (std::size_t i = 2; i < pfds.size(); ++i) {
            if (!pfds[i].revents) continue;
            int conn = ids[i - 2];
            if (!serve_frame(conn, pfds[i].fd)) {
                std::lock_guard<std::mutex> g(mu_);
                close(conns_[conn].fd);
                conns_[conn].closed = true;
                cv_.notify_all();
            }
        }
    }
}

}  // namespace papers::dipc::test
