#include "client_dsm_fake_daemon.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace papers::dipc::test {

namespace {

pid_t parent_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string s;
    if (!std::getline(in, s)) return -1;
    auto close = s.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(s.substr(close + 2));
    std::string state;
    pid_t ppid = -1;
    rest >> state >> ppid;
    return ppid;
}

}  // namespace

FakeShmDaemon::FakeShmDaemon() {
    char tmpl[] = "/tmp/dipc-dsm-test-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    path_ = dir_ + "/dipcd.sock";
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 64) != 0)
        throw std::runtime_error("fake daemon cannot listen at " + path_ + ": " + std::strerror(errno));
    if (pipe2(wake_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    thread_ = std::thread([this] { serve(); });
}

FakeShmDaemon::~FakeShmDaemon() {
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
    for (auto& [id, s] : segments_) {
        munmap(s.bytes, s.mapped);
        close(s.fd);
    }
    close(listen_fd_);
    close(wake_[0]);
    close(wake_[1]);
    unlink(path_.c_str());
    rmdir(dir_.c_str());
}

std::uint8_t* FakeShmDaemon::add_segment(std::int32_t shmid, std::uint64_t size, std::uint64_t unit_bytes) {
    std::uint64_t mapped = (size + 4095) / 4096 * 4096;
    int fd = memfd_create("fake-dipc-segment", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, static_cast<off_t>(mapped)) != 0) throw std::runtime_error("memfd");
    void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap of a memfd");
    std::lock_guard<std::mutex> g(mu_);
    segments_[shmid] = Segment{fd, size, mapped, unit_bytes, static_cast<std::uint8_t*>(p)};
    return static_cast<std::uint8_t*>(p);
}

int FakeShmDaemon::memfd(std::int32_t shmid) const {
    std::lock_guard<std::mutex> g(mu_);
    return segments_.at(shmid).fd;
}

void FakeShmDaemon::on_request(Handler h) {
    std::lock_guard<std::mutex> g(mu_);
    handler_ = std::move(h);
}

std::uint64_t FakeShmDaemon::next_seq(pid_t pid) {
    std::lock_guard<std::mutex> g(mu_);
    return ++seq_[pid];
}

proto::Reply FakeShmDaemon::grant_reply(std::uint8_t level, std::uint64_t seq) {
    return ok_reply(0, proto::Grant{level, seq});
}

void FakeShmDaemon::send_frame(int conn, const std::vector<std::uint8_t>& frame, int pass_fd) {
    std::lock_guard<std::mutex> g(mu_);
    auto it = conns_.find(conn);
    if (it == conns_.end() || it->second.closed) return;
    std::size_t off = 0;
    while (off < frame.size()) {
        iovec iov{const_cast<std::uint8_t*>(frame.data()) + off, frame.size() - off};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        if (pass_fd >= 0 && off == 0) {
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
        }
        ssize_t k = sendmsg(it->second.fd, &msg, MSG_NOSIGNAL);
        if (k <= 0) {
            if (k < 0 && errno == EINTR) continue;
            return;
        }
        off += static_cast<std::size_t>(k);
    }
}

void FakeShmDaemon::reply(const Request& to, const proto::Reply& r, int fd) {
    std::vector<std::uint8_t> frame;
    proto::encode_frame(proto::Op::reply, to.id, r, frame);
    send_frame(to.conn, frame, fd);
}

bool FakeShmDaemon::revoke_with_seq(pid_t pid, std::uint64_t handle, std::int32_t segment, std::uint64_t unit,
                                    std::uint8_t level, std::uint64_t count, std::uint64_t seq, int timeout_ms) {
    int conn = service_connection(pid);
    if (!conn) return false;
    std::uint64_t id;
    {
        std::lock_guard<std::mutex> g(mu_);
        id = next_revoke_++;
    }
    proto::Revoke rv{handle, segment, unit, count, level, seq};
    std::vector<std::uint8_t> frame;
    proto::encode_frame(proto::Op::revoke, id, rv, frame);
    send_frame(conn, frame);
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] {
        for (const Request& a : acks_)
            if (a.conn == conn && a.id == id) return true;
        return false;
    });
}

std::uint64_t FakeShmDaemon::revoke(pid_t pid, std::uint64_t handle, std::int32_t segment, std::uint64_t unit,
                                    std::uint8_t level, std::uint64_t count, int timeout_ms) {
    std::uint64_t seq = next_seq(pid);
    return revoke_with_seq(pid, handle, segment, unit, level, count, seq, timeout_ms) ? seq : 0;
}

std::vector<Request> FakeShmDaemon::requests() const {
    std::lock_guard<std::mutex> g(mu_);
    return requests_;
}

std::vector<Request> FakeShmDaemon::requests(proto::Op op) const {
    std::vector<Request> out;
    for (Request& r : requests())
        if (r.op == op) out.push_back(std::move(r));
    return out;
}

bool FakeShmDaemon::wait_until(const std::function<bool(const std::vector<Request>&)>& pred, int timeout_ms) const {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return pred(requests_); });
}

bool FakeShmDaemon::wait_for_op(proto::Op op, std::size_t count, int timeout_ms) const {
    return wait_until(
        [&](const std::vector<Request>& rs) {
            std::size_t n = 0;
            for (const Request& r : rs) n += r.op == op;
            return n >= count;
        },
        timeout_ms);
}

std::vector<FakeShmDaemon::Connection> FakeShmDaemon::connections() const {
    std::lock_guard<std::mutex> g(mu_);
    std::vector<Connection> out;
    for (const auto& [id, c] : conns_) out.push_back({id, c.pid, c.role, c.closed});
    return out;
}

int FakeShmDaemon::service_connection(pid_t pid) const {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& [id, c] : conns_)
        if (c.pid == pid && c.role == 1 && !c.closed) return id;
    return 0;
}

bool FakeShmDaemon::wait_for_service(pid_t pid, int timeout_ms) const {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] {
        for (const auto& [id, c] : conns_)
            if (c.pid == pid && c.role == 1 && !c.closed) return true;
        return false;
    });
}

bool FakeShmDaemon::wait_closed(int conn, int timeout_ms) const {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] {
        auto it = conns_.find(conn);
        return it != conns_.end() && it->second.closed;
    });
}

std::map<std::uint64_t, std::pair<pid_t, std::int32_t>> FakeShmDaemon::handles() const {
    std::lock_guard<std::mutex> g(mu_);
    return handles_;
}

// The daemon's part when the test does not answer: its host holds every
// unit, so every fault is granted at once.
Action FakeShmDaemon::standard_answer(const Request& r) {
    std::lock_guard<std::mutex> g(mu_);
    switch (r.op) {
        case proto::Op::shmat: {
            auto a = r.as<proto::ShmatReq>();
            auto it = segments_.find(a.id);
            if (it == segments_.end()) return Action::answer(err_reply(EINVAL));
            // As the daemon: the owner's checks and the size only, no descriptor.
            if (a.flags & proto::kShmatCheckOnly) return Action::answer(ok_reply(0, proto::ShmAttach{0, it->second.size, 0}));
            std::uint64_t h = next_handle_++;
            handles_[h] = {r.pid, a.id};
            proto::ShmAttach info{h, it->second.size, it->second.unit_bytes};
            return Action::answer(ok_reply(0, info), it->second.fd);
        }
        case proto::Op::shmdt: {
            auto d = r.as<proto::ShmdtReq>();
            auto it = handles_.find(d.attach);
            if (it == handles_.end() || it->second.first != r.pid) return Action::answer(err_reply(EINVAL));
            handles_.erase(it);
            return Action::answer(ok_reply(0));
        }
        case proto::Op::fault: {
            auto f = r.as<proto::FaultReq>();
            auto it = handles_.find(f.attach);
            if (it == handles_.end() || it->second.first != r.pid) return Action::answer(err_reply(EINVAL));
            return Action::answer(grant_reply(f.write ? 2 : 1, ++seq_[r.pid]));
        }
        case proto::Op::shm_inherit: {
            auto in = r.as<proto::ShmInherit>();
            proto::ShmInherit out;
            pid_t parent = parent_of(r.pid);
            for (std::uint64_t h : in.attaches) {
                auto it = handles_.find(h);
                if (it == handles_.end() || it->second.first != parent) {
                    out.attaches.push_back(0);
                    continue;
                }
                std::uint64_t nh = next_handle_++;
                handles_[nh] = {r.pid, it->second.second};
                out.attaches.push_back(nh);
            }
            return Action::answer(ok_reply(0, out));
        }
        case proto::Op::cancel: return Action::hold();  // no reply of its own
        default: return Action::answer(ok_reply(0));
    }
}

void FakeShmDaemon::accept_one() {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    ucred cred{};
    socklen_t len = sizeof cred;
    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
    std::lock_guard<std::mutex> g(mu_);
    conns_[next_conn_++] = Conn{fd, cred.pid, -1, false};
    cv_.notify_all();
}

bool FakeShmDaemon::serve_frame(int conn, int fd) {
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
        proto::ClientHello hello;
        if (!proto::decode_payload(body, hello)) return false;
        proto::Welcome w;
        w.host = 7;
        {
            std::lock_guard<std::mutex> g(mu_);
            w.limits = limits;
            conns_[conn].role = hello.role;
            cv_.notify_all();
        }
        std::vector<std::uint8_t> out;
        proto::encode_frame(proto::Op::welcome, h.request_id, w, out);
        send_frame(conn, out);
        return true;
    }
    Request req;
    Handler handler;
    {
        std::lock_guard<std::mutex> g(mu_);
        req = Request{conn, conns_[conn].pid, h.op, h.request_id, std::move(body)};
        // A service thread's ack of a revoke: recorded, never answered.
        if (h.op == proto::Op::reply) {
            acks_.push_back(req);
            cv_.notify_all();
            return true;
        }
        requests_.push_back(req);
        handler = handler_;
        cv_.notify_all();
    }
    Action a = handler ? handler(req) : Action::standard();
    if (a.type == Action::Type::standard) a = standard_answer(req);
    if (a.type == Action::Type::answer) reply(req, a.reply, a.fd);
    return true;
}

void FakeShmDaemon::serve() {
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
