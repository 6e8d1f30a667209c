// client_dsm_fake_daemon.hpp — a stand-in for papers-dipcd's shared memory
// side in the interposer's tests. It serves the client <-> daemon protocol
// on a Unix socket from a thread and plays the home of the segments the
// test gives it: each is a real memfd (the host copy) that it hands out at
// shmat over SCM_RIGHTS and maps itself, so the test reads and writes what
// the process sees. By default it answers as a daemon whose host holds
// every unit: shmat gives a new handle, a fault is granted at the level
// asked with the process's next sequence number, shm_inherit gives the
// child new handles for its parent's, shmdt and the rest succeed. A test
// can answer any request itself, hold it to answer later, and order
// revokes on a process's DSM service connection (and wait for the ack).
#pragma once
#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client_fake_daemon.hpp"  // Request, ok_reply, err_reply
#include "proto/messages.hpp"

namespace papers::dipc::test {

// What the fake does with a request.
struct Action {
    enum class Type { standard, hold, answer };
    Type type = Type::standard;
    proto::Reply reply;
    int fd = -1;  // sent with the reply (the fake keeps its own)

    static Action standard() { return {}; }
    static Action hold() { return {Type::hold, {}, -1}; }
    static Action answer(const proto::Reply& r, int fd = -1) { return {Type::answer, r, fd}; }
};

class FakeShmDaemon {
public:
    FakeShmDaemon();
    ~FakeShmDaemon();
    FakeShmDaemon(const FakeShmDaemon&) = delete;
    FakeShmDaemon& operator=(const FakeShmDaemon&) = delete;

    const std::string& path() const { return path_; }
    proto::Limits limits;  // sent in every welcome

    // A segment the fake serves: its memfd (size rounded up to pages),
    // mapped here read-write; returns the fake's own view of its bytes.
    std::uint8_t* add_segment(std::int32_t shmid, std::uint64_t size, std::uint64_t unit_bytes = 4096);
    int memfd(std::int32_t shmid) const;

    // Consulted first for every request but the hellos and the acks.
    using Handler = std::function<Action(const Request&)>;
    void on_request(Handler h);

    // Answers a held request.
    void reply(const Request& to, const proto::Reply& r, int fd = -1);
    // The process's next sequence number (grants and revokes share it).
    std::uint64_t next_seq(pid_t pid);
    // A grant answer (payload Grant) with the given sequence number.
    static proto::Reply grant_reply(std::uint8_t level, std::uint64_t seq);

    // Orders the process's service thread to drop units [unit, unit+count)
    // of attachment `handle` to `level`; waits for the ack. Returns the
    // order's sequence number, 0 if there is no service connection or no
    // ack came within timeout_ms.
    std::uint64_t revoke(pid_t pid, std::uint64_t handle, std::int32_t segment, std::uint64_t unit,
                         std::uint8_t level, std::uint64_t count = 1, int timeout_ms = 10000);
    // Same with a sequence number the test chose.
    bool revoke_with_seq(pid_t pid, std::uint64_t handle, std::int32_t segment, std::uint64_t unit,
                         std::uint8_t level, std::uint64_t count, std::uint64_t seq, int timeout_ms = 10000);

    std::vector<Request> requests() const;  // every request but hellos and acks, in arrival order
    std::vector<Request> requests(proto::Op op) const;
    bool wait_until(const std::function<bool(const std::vector<Request>&)>& pred, int timeout_ms = 10000) const;
    bool wait_for_op(proto::Op op, std::size_t count = 1, int timeout_ms = 10000) const;

    struct Connection {
        int id;
        pid_t pid;
        int role;  // the hello's: 0 calls, 1 DSM service; -1 before the hello
        bool closed;
    };
    std::vector<Connection> connections() const;
    // The open service connection of pid, or 0.
    int service_connection(pid_t pid) const;
    bool wait_for_service(pid_t pid, int timeout_ms = 10000) const;
    bool wait_closed(int conn, int timeout_ms = 10000) const;

    // The attachment handles handed out: handle -> (pid, shmid).
    std::map<std::uint64_t, std::pair<pid_t, std::int32_t>> handles() const;

private:
    struct Segment {
        int fd;
        std::uint64_t size, mapped, unit_bytes;
        std::uint8_t* bytes;
    };
    struct Conn {
        int fd;
        pid_t pid;
        int role;
        bool closed;
    };
    void serve();
    void accept_one();
    bool serve_frame(int conn, int fd);
    void send_frame(int conn, const std::vector<std::uint8_t>& frame, int pass_fd = -1);
    Action standard_answer(const Request& r);

    std::string dir_, path_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    std::thread thread_;
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    Handler handler_;
    std::vector<Request> requests_;
    std::vector<Request> acks_;
    std::map<int, Conn> conns_;
    int next_conn_ = 1;
    bool stop_ = false;
    std::map<std::int32_t, Segment> segments_;
    std::map<std::uint64_t, std::pair<pid_t, std::int32_t>> handles_;
    std::uint64_t next_handle_ = 100;
    std::uint64_t next_revoke_ = 1000;
    std::map<pid_t, std::uint64_t> seq_;
};

}  // namespace papers::dipc::test
