// Hostile input to a real papers-dipcd (ctest -L dipc): on its TCP port,
// from a peer without the key (random bytes, a truncated handshake, a plain
// DIPC frame, a handshake sealed with another key, a burst of them); on its
// Unix socket, garbage frames (lengths out of bounds, an unknown op, a call
// before hello, a truncated body, a wrong protocol version, absurd counts).
// Each time the daemon must refuse (close, or answer an errno), say so in
// its log, stay up, and go on serving a normal client across two hosts.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "channel/session.hpp"
#include "cluster.hpp"
#include "proto/ids.hpp"
#include "proto/messages.hpp"

using papers::dipc_test::ClusterOptions;
using papers::dipc_test::DipcCluster;
namespace proto = papers::dipc::proto;
namespace channel = papers::dipc::channel;
using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;

namespace {

// ---- raw sockets ---------------------------------------------------------------

class RawSocket {
public:
    static RawSocket tcp(const std::string& address, int port) {
        RawSocket s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        inet_pton(AF_INET, address.c_str(), &a.sin_addr);
        if (connect(s.fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) s.close();
        return s;
    }
    static RawSocket unix_stream(const std::string& path) {
        RawSocket s(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
        if (connect(s.fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) s.close();
        return s;
    }
    RawSocket(RawSocket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    ~RawSocket() { close(); }
    bool connected() const { return fd_ >= 0; }
    bool send_all(const Bytes& b) {
        std::size_t off = 0;
        while (off < b.size()) {
            ssize_t n = ::send(fd_, b.data() + off, b.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return false;
            off += static_cast<std::size_t>(n);
        }
        return true;
    }
    void shutdown_write() { ::shutdown(fd_, SHUT_WR); }
    // Reads until the peer closes (true) or timeout_s passes (false);
    // what it sent is kept in `got`.
    bool wait_closed(double timeout_s, Bytes* got = nullptr) {
        auto until = Clock::now() + std::chrono::duration<double>(timeout_s);
        while (Clock::now() < until) {
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 50) <= 0) continue;
            std::uint8_t buf[4096];
            ssize_t n = recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return true;  // EOF or reset
            if (got) got->insert(got->end(), buf, buf + n);
        }
        return false;
    }
    // One daemon frame (u32 length, body) within timeout_s.
    bool read_frame(proto::Header& h, Bytes& body, double timeout_s) {
        Bytes len(4);
        if (!read_exact(len.data(), 4, timeout_s)) return false;
        std::uint32_t n = len[0] | len[1] << 8 | len[2] << 16 | std::uint32_t(len[3]) << 24;
        if (n < proto::kHeaderBytes || n > proto::kMaxFrame) return false;
        Bytes frame(n);
        if (!read_exact(frame.data(), n, timeout_s)) return false;
        if (!proto::decode_header(frame.data(), n, h)) return false;
        body.assign(frame.begin() + proto::kHeaderBytes, frame.end());
        return true;
    }

private:
    explicit RawSocket(int fd) : fd_(fd) {}
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    bool read_exact(std::uint8_t* p, std::size_t n, double timeout_s) {
        auto until = Clock::now() + std::chrono::duration<double>(timeout_s);
        while (n > 0) {
            if (Clock::now() >= until) return false;
            pollfd pf{fd_, POLLIN, 0};
            if (poll(&pf, 1, 50) <= 0) continue;
            ssize_t k = recv(fd_, p, n, 0);
            if (k <= 0) return false;
            p += k;
            n -= static_cast<std::size_t>(k);
        }
        return true;
    }
    int fd_ = -1;
};

Bytes random_bytes(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    return b;
}

template <class T>
Bytes frame(proto::Op op, std::uint64_t id, const T& msg) {
    Bytes b;
    proto::encode_frame(op, id, msg, b);
    return b;
}

// A frame whose length prefix says `len` whatever follows.
Bytes with_length(std::uint32_t len, Bytes body) {
    Bytes b{static_cast<std::uint8_t>(len), static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len >> 16),
            static_cast<std::uint8_t>(len >> 24)};
    b.insert(b.end(), body.begin(), body.end());
    return b;
}

// The body of a message with a u32 count patched: `count_at` bytes into it.
template <class T>
Bytes patched_count(proto::Op op, const T& msg, std::size_t count_at, std::uint32_t count) {
    Bytes b = frame(op, 5, msg);
    std::size_t at = 4 + proto::kHeaderBytes + count_at;
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(count >> (8 * i));
    return b;
}

// ---- the fixture -----------------------------------------------------------------

class DaemonHostileInput : public ::testing::Test {
protected:
    void start(bool verbose) {
        ClusterOptions o;
        o.hosts = 2;
        o.daemon_args = {"--heartbeat-ms", "100", "--peer-timeout-ms", "1000"};
        if (verbose) o.daemon_args.push_back("--verbose");
        o.referee_args = o.daemon_args;
        c_ = DipcCluster::start(o);
        forget_logs();
    }

    // Waits until a host's log, since the last look, has `times` lines with
    // `needle`; returns those new lines for messages.
    std::string expect_logged(const std::string& needle, std::size_t times = 1, int host = 0, double timeout_s = 10) {
        auto until = Clock::now() + std::chrono::duration<double>(timeout_s);
        std::size_t& mark = marks_[host];
        std::string fresh;
        std::size_t found = 0;
        do {
            fresh = c_->daemon_log(host).substr(mark);
            found = 0;
            for (std::size_t at = 0; (at = fresh.find(needle, at)) != std::string::npos; ++at) ++found;
            if (found >= times) {
                mark += fresh.size();
                return fresh;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        } while (Clock::now() < until);
        ADD_FAILURE() << "host " << host << "'s log has " << found << " lines with '" << needle << "', not " << times
                      << "; it says since:\n" << fresh;
        mark += fresh.size();
        return fresh;
    }
    void forget_logs() {
        for (int h = 0; h < 2; ++h) marks_[h] = c_->daemon_log(h).size();
    }

    // The daemon is up and serves: a set created on host 0, read on host 1.
    void expect_still_serving() {
        ASSERT_FALSE(c_->daemon_exited(0)) << c_->all_logs();
        const std::string key = std::to_string(0x7100 + next_key_++);
        auto create = c_->run_on_host(0, {LAYER_AGENT, "create-sem", key, "1", "0666", "7"});
        auto r = create.wait(30);
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err << c_->all_logs();
        auto read = c_->run_on_host(1, {LAYER_AGENT, "getval", key, "1", "0"});
        r = read.wait(30);
        EXPECT_EQ(r.out, "value 7\n") << r.err << c_->all_logs();
        forget_logs();
    }

    RawSocket tcp() {
        RawSocket s = RawSocket::tcp(c_->host_address(0), c_->daemon_port(0));
        EXPECT_TRUE(s.connected());
        return s;
    }
    RawSocket local(int host = 0) {
        RawSocket s = RawSocket::unix_stream(c_->socket_path(host));
        EXPECT_TRUE(s.connected());
        return s;
    }

    // A structure made by layer_agent SCENARIO on a host; its id.
    std::int32_t create(int host, const std::string& scenario, std::vector<std::string> args) {
        args.insert(args.begin(), {LAYER_AGENT, scenario});
        auto p = c_->run_on_host(host, args);
        auto r = p.wait(30);
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        forget_logs();
        return r.out.rfind("id ", 0) == 0 ? std::stoi(r.out.substr(3)) : -1;
    }

    std::unique_ptr<DipcCluster> c_;
    std::size_t marks_[2] = {0, 0};
    int next_key_ = 0;
};

// ---- TCP, without the key (the daemon's default verbosity logs these) ---------------

class DaemonHostileTcp : public DaemonHostileInput {
protected:
    void SetUp() override { start(false); }
};

TEST_F(DaemonHostileTcp, RandomBytesAreRefused) {
    RawSocket s = tcp();
    ASSERT_TRUE(s.send_all(random_bytes(4096, 1)));
    EXPECT_TRUE(s.wait_closed(10));
    expect_logged("exceeds");  // "connection from 127.0.0.1:P: handshake message of N bytes exceeds 317 bytes"
    expect_still_serving();
}

TEST_F(DaemonHostileTcp, ATruncatedHandshakeIsDroppedWithinThePeerTimeout) {
    RawSocket s = tcp();
    channel::Session genuine(channel::Key::random(), channel::Role::dialer, "half");
    Bytes hello;
    genuine.start(hello);
    hello.resize(channel::kStreamHeaderBytes + 3);  // the header and 3 bytes of a length
    ASSERT_TRUE(s.send_all(hello));
    auto t0 = Clock::now();
    EXPECT_TRUE(s.wait_closed(10));  // peer timeout 1 s
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 8.0);
    expect_logged("no completed handshake");
    expect_still_serving();
}

TEST_F(DaemonHostileTcp, APlainDipcFrameIsNotAccepted) {
    RawSocket s = tcp();
    proto::HostHello hello;
    hello.self = {0, "intruder", "127.0.0.1", 9};
    Bytes b = frame(proto::Op::host_hello, 1, hello);
    Bytes more = frame(proto::Op::key_resolve, 2, proto::KeyResolve{proto::Kind::sem, 0x99, 01000, 1});
    b.insert(b.end(), more.begin(), more.end());
    ASSERT_TRUE(s.send_all(b));
    s.shutdown_write();
    EXPECT_TRUE(s.wait_closed(10));
    expect_logged("connection from 127.0.0.1");
    expect_still_serving();
}

TEST_F(DaemonHostileTcp, AHandshakeSealedWithAnotherKeyIsRefused) {
    RawSocket s = tcp();
    channel::Session intruder(channel::Key::random(), channel::Role::dialer, "host-1");
    Bytes hello;
    intruder.start(hello);
    ASSERT_TRUE(s.send_all(hello));
    // The daemon's own header and Hello come back; ours does not open there.
    Bytes got;
    EXPECT_TRUE(s.wait_closed(10, &got));
    EXPECT_GE(got.size(), channel::kStreamHeaderBytes);
    expect_logged("does not open with our cluster key");
    expect_still_serving();
}

TEST_F(DaemonHostileTcp, ABurstOfStrangersLeavesTheDaemonServing) {
    std::vector<RawSocket> all;
    for (int i = 0; i < 48; ++i) {
        all.push_back(tcp());
        all.back().send_all(random_bytes(64 + 97 * static_cast<std::size_t>(i), 100 + i));
    }
    for (auto& s : all) EXPECT_TRUE(s.wait_closed(10));
    expect_logged("connection from 127.0.0.1", all.size());
    expect_still_serving();
}

// ---- the Unix socket (local protocol errors are logged at the default level) ---------

class DaemonHostileUnix : public DaemonHostileInput {
protected:
    void SetUp() override { start(true); }

    // Connects and says hello; the welcome must come.
    RawSocket hello(int host = 0) {
        RawSocket s = local(host);
        EXPECT_TRUE(s.send_all(frame(proto::Op::client_hello, 1, proto::ClientHello{})));
        proto::Header h;
        Bytes body;
        EXPECT_TRUE(s.read_frame(h, body, 10));
        EXPECT_EQ(h.op, proto::Op::welcome);
        return s;
    }

    // Sends a call and returns the reply's errno (-1 if the daemon closed instead).
    int reply_errno(RawSocket& s, const Bytes& call) {
        EXPECT_TRUE(s.send_all(call));
        proto::Header h;
        Bytes body;
        if (!s.read_frame(h, body, 10)) return -1;
        proto::Reply r;
        EXPECT_EQ(h.op, proto::Op::reply);
        EXPECT_TRUE(proto::decode_payload(body, r));
        return r.err;
    }
};

TEST_F(DaemonHostileUnix, FrameLengthsOutOfBoundsCloseTheSession) {
    for (std::uint32_t len : {0u, 3u, proto::kMaxFrame + 1, 0xffffffffu}) {
        RawSocket s = local();
        ASSERT_TRUE(s.send_all(with_length(len, random_bytes(16, len))));
        EXPECT_TRUE(s.wait_closed(10)) << "length " << len;
        expect_logged("frame length " + std::to_string(len) + " out of bounds");
    }
    expect_still_serving();
}

TEST_F(DaemonHostileUnix, AnUnknownOpClosesTheSession) {
    RawSocket s = hello();
    Bytes b = frame(proto::Op::heartbeat, 2, proto::Empty{});
    b[4] = 0x77;
    b[5] = 0x77;
    ASSERT_TRUE(s.send_all(b));
    EXPECT_TRUE(s.wait_closed(10));
    expect_logged("unknown op");
    expect_still_serving();
}

TEST_F(DaemonHostileUnix, ACallBeforeHelloClosesTheSession) {
    RawSocket s = local();
    proto::SemctlReq r;
    r.cmd = 2;  // IPC_STAT
    ASSERT_TRUE(s.send_all(frame(proto::Op::semctl, 1, r)));
    EXPECT_TRUE(s.wait_closed(10));
    expect_logged("call before client_hello");
    expect_still_serving();
}

TEST_F(DaemonHostileUnix, ADaemonOnlyOpFromAClientClosesTheSession) {
    RawSocket s = hello();
    ASSERT_TRUE(s.send_all(frame(proto::Op::host_lost, 2, proto::HostRef{1})));
    EXPECT_TRUE(s.wait_closed(10));
    expect_logged("is not a client call");
    expect_still_serving();
}

TEST_F(DaemonHostileUnix, AnotherProtocolVersionClosesTheSession) {
    RawSocket s = local();
    ASSERT_TRUE(s.send_all(frame(proto::Op::client_hello, 1, proto::ClientHello{proto::kProtocolVersion + 7, 0})));
    EXPECT_TRUE(s.wait_closed(10));
    expect_logged("client speaks protocol");
    expect_still_serving();
}

// A client gone in the middle of a frame broke the protocol: the session
// ends, and the log says so (LocalServer::read_more: an EOF with part of a
// frame buffered is not a clean close).
TEST_F(DaemonHostileUnix, ATruncatedBodyEndsTheSession) {
    {
        RawSocket s = hello();
        Bytes b = frame(proto::Op::msgsnd, 2, proto::MsgsndReq{proto::make_id(1, 1), 1, Bytes(200, 'x'), 0});
        b.resize(40);
        ASSERT_TRUE(s.send_all(b));
    }  // closed in the middle of the frame
    expect_logged("local session of pid " + std::to_string(getpid()) + " ends");
    expect_still_serving();
}

// Counts far above what the frame holds, in calls forwarded to the owner:
// refused before anything is allocated, with an errno, logged by the owner,
// and the session goes on.
TEST_F(DaemonHostileUnix, AbsurdCountsAreRefusedWithAnErrnoAndLogged) {
    const std::int32_t set = create(0, "create-sem", {"0x7201", "1", "0666", "1"});
    const std::int32_t queue = create(0, "create-msg", {"0x7202", "0666"});
    for (int host : {1, 0}) {  // a remote owner, then the local one
        RawSocket s = hello(host);
        // SemopReq: id (4), then the sops count.
        EXPECT_EQ(reply_errno(s, patched_count(proto::Op::semop, proto::SemopReq{set, {{0, 1, 0}}, -1}, 4,
                                               0xffffffffu)),
                  EPROTO);
        expect_logged("malformed or unexpected call 'semop'");
        // MsgsndReq: id (4) mtype (8), then the text length.
        EXPECT_EQ(reply_errno(s, patched_count(proto::Op::msgsnd, proto::MsgsndReq{queue, 1, {1, 2}, 0}, 12,
                                               0xfffffff0u)),
                  EPROTO);
        expect_logged("malformed or unexpected call 'msgsnd'");
        // The same session still makes calls.
        proto::SemctlReq stat;
        stat.id = set;
        stat.cmd = 2;  // IPC_STAT
        EXPECT_EQ(reply_errno(s, frame(proto::Op::semctl, 9, stat)), 0);
    }
    expect_still_serving();
}

// The same for the calls the local daemon decodes itself (semctl and
// msgctl, for *_STAT indices and *_INFO; get): an errno (EINVAL), the
// session goes on, and one line in the log names the call.
TEST_F(DaemonHostileUnix, AbsurdCountsInCallsTheLocalDaemonDecodesAreLogged) {
    const std::int32_t set = create(0, "create-sem", {"0x7203", "1", "0666", "1"});
    RawSocket s = hello(1);
    // SemctlReq: id semnum cmd val (16), then the values count.
    int err = reply_errno(s, patched_count(proto::Op::semctl, proto::SemctlReq{set, 0, 17, 0, {1}, {}}, 16,
                                           0x7fffffffu));
    EXPECT_GT(err, 0) << "a reply with an errno, not a closed session";
    expect_logged("semctl", 1, 1, 3);
    expect_still_serving();
}

}  // namespace
