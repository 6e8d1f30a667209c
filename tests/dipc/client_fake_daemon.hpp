// client_fake_daemon.hpp — a stand-in for papers-dipcd in the interposer's
// tests: serves the client <-> daemon protocol on a Unix socket from a
// thread, answers hello with a welcome carrying `limits`, records every
// other request (with the connection and its SO_PEERCRED pid) and answers
// it through a handler the test sets, or holds it for the test to answer.
#pragma once
#include <sys/types.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "proto/messages.hpp"

namespace papers::dipc::test {

struct Request {
    int conn = 0;      // 1, 2, ... in accept order
    pid_t pid = 0;     // the connection's peer (SO_PEERCRED)
    proto::Op op = proto::Op::reply;
    std::uint64_t id = 0;
    std::vector<std::uint8_t> body;

    // The request's message; a test failure if it does not decode.
    template <class T>
    T as() const {
        T msg;
        const char* why = nullptr;
        if (!proto::decode_payload(body, msg, &why)) throw std::runtime_error(std::string("bad request body: ") + why);
        return msg;
    }
};

proto::Reply ok_reply(std::int64_t ret = 0);
proto::Reply err_reply(int err);
template <class T>
proto::Reply ok_reply(std::int64_t ret, const T& payload) {
    proto::Reply r = ok_reply(ret);
    r.payload = proto::encode_payload(payload);
    return r;
}

class FakeDaemon {
public:
    // Listens at `path` ("" = a new one in a private temporary directory).
    explicit FakeDaemon(std::string path = "");
    ~FakeDaemon();
    FakeDaemon(const FakeDaemon&) = delete;
    FakeDaemon& operator=(const FakeDaemon&) = delete;

    const std::string& path() const { return path_; }
    proto::Limits limits;  // sent in every welcome
    std::uint32_t host = 7;
    // whereis is answered by the fake itself, not recorded with the other
    // requests nor passed to the handler: an id is owned by `host` (this
    // host: calls on it stay on the Unix socket) unless set_owner() named
    // another host for it. whereis_count() says how many were asked.
    void set_owner(std::int32_t id, std::uint32_t owner_host);
    std::size_t whereis_count() const;

    // Answer now (a Reply) or hold (nullopt: answer later with reply()).
    // Called on the daemon's thread, without its lock. Default: ok_reply(0).
    using Handler = std::function<std::optional<proto::Reply>(const Request&)>;
    void on_request(Handler h);
    void reply(const Request& to, const proto::Reply& r);

    std::vector<Request> requests() const;  // every request but the hellos, in arrival order
    std::vector<Request> requests(proto::Op op) const;
    // Waits (bounded) until pred holds over requests(); false on timeout.
    bool wait_until(const std::function<bool(const std::vector<Request>&)>& pred, int timeout_ms = 10000) const;
    bool wait_for_op(proto::Op op, std::size_t count = 1, int timeout_ms = 10000) const;

    struct Connection {
        int id;
        pid_t pid;
        bool closed;  // the client closed it (EOF)
    };
    std::vector<Connection> connections() const;
    bool wait_closed(int conn, int timeout_ms = 10000) const;
    // The daemon "dies" for its clients: every connection is shut down.
    void kill_connections();

private:
    void serve();
    void accept_one();
    bool serve_frame(int conn, int fd);
    void send_frame(int conn, const std::vector<std::uint8_t>& frame);

    std::string dir_, path_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    std::thread thread_;
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    Handler handler_;
    std::vector<Request> requests_;
    struct Conn {
        int fd;
        pid_t pid;
        bool closed;
    };
    std::map<int, Conn> conns_;
    int next_conn_ = 1;
    std::size_t whereis_ = 0;
    std::map<std::int32_t, std::uint32_t> owners_;
    bool stop_ = false;
};

}  // namespace papers::dipc::test
