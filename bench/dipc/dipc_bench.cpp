// papers-bench-dipc — latency of the DIPC layer between two hosts, next to
// references measured in the same run, blocks taking turns:
//   - raw TCP ping-pong of the same size between the same two processes;
//   - the same System V calls on the local kernel (no DIPC).
// Run by `papers-bench --dipc` / `--dsm` (bench/dipc_mode.cpp), or directly:
//   papersrun --dipc -np 2 papers-bench-dipc [--iters K] [--blocks B]
// Rank 0 owns the structures (host 0); rank 1 (host 1) measures:
//   semop      one uncontended remote semop (P, then V, each timed)
//   msg:N      msgsnd of N bytes to a queue on host 0, whose process answers
//              with N bytes on a queue on host 1 (one ping-pong)
//   with --dsm (-np 4): shm_read_miss, shm_read_miss_untouched,
//              shm_write_1r, shm_write_3r, semop_home, shm_pingpong_turn,
//              shm_pingpong_free: distributed shared memory (dsm_bench.cpp,
//              docs/performance.md)
// It prints one JSON line per measurement (stdout of rank 1).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "../stats.hpp"
#include "bench_net.hpp"
#include "dsm_bench.hpp"

#ifndef IPC_DIPC
#define IPC_DIPC 010000
#endif

using namespace papers::bench::dipc;

namespace {

using Clock = std::chrono::steady_clock;
double us_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

// Commands rank 1 sends rank 0 before each block.
struct Cmd {
    char what;          // 'T' tcp echo, 'M' msg echo, 'S' shm step, 'Q' quit
    std::uint32_t size;
    std::uint32_t count;
    std::uint32_t arg;
};

// ---- System V helpers ------------------------------------------------------

struct Msg {
    long mtype;
    char text[1024];
};

int sem1(int id, int op) {
    sembuf b{0, static_cast<short>(op), 0};
    return semop(id, &b, 1);
}

struct Ids {
    int sem = -1, q0 = -1, q1 = -1;
};

// The architecture's floor for a message between two hosts through a daemon:
// one extra process on the way, doing nothing but pass the bytes on (TCP in,
// Unix socket out), with plain blocking system calls. A child process that
// listens on `port` and forwards everything to `out`; returns the other end.
int start_relay(int port) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) die("socketpair");
    if (fork() == 0) {
        close(sv[0]);
        int t = tcp_listen_accept(port);
        std::vector<char> buf(1 << 16);
        for (;;) {
            ssize_t n = ::read(t, buf.data(), buf.size());
            if (n <= 0) _exit(0);
            write_all(sv[1], buf.data(), static_cast<std::size_t>(n));
        }
    }
    close(sv[1]);
    return sv[0];
}

}  // namespace

// ---- rank 0: owns the structures and echoes --------------------------------

static int rank0(int port) {
    Ids ids;
    ids.sem = semget(IPC_PRIVATE, 1, IPC_CREAT | IPC_DIPC | 0600);
    ids.q0 = msgget(IPC_PRIVATE, IPC_CREAT | IPC_DIPC | 0600);
    if (ids.sem < 0 || ids.q0 < 0) die("create on host 0");
    if (semctl(ids.sem, 0, SETVAL, 1) != 0) die("SETVAL");
    int from_relay = start_relay(port + 10);
    int c = tcp_listen_accept(port);
    write_all(c, &ids, sizeof ids);
    read_all(c, &ids, sizeof ids);  // with rank 1's q1
    int to_relay = tcp_connect(port + 11);
    std::vector<char> buf(1 << 20);
    Msg m{};
    for (;;) {
        Cmd cmd{};
        read_all(c, &cmd, sizeof cmd);
        if (cmd.what == 'Q') break;
        if (cmd.what == 'T') {
            for (std::uint32_t i = 0; i < cmd.count; ++i) {
                read_all(c, buf.data(), cmd.size);
                write_all(c, buf.data(), cmd.size);
            }
        } else if (cmd.what == 'L') {  // the relay floor: in through our relay, out to theirs
            for (std::uint32_t i = 0; i < cmd.count; ++i) {
                read_all(from_relay, buf.data(), cmd.size);
                write_all(to_relay, buf.data(), cmd.size);
            }
        } else if (cmd.what == 'M') {
            for (std::uint32_t i = 0; i < cmd.count; ++i) {
                if (msgrcv(ids.q0, &m, sizeof m.text, 0, 0) < 0) die("msgrcv q0");
                if (msgsnd(ids.q1, &m, cmd.size, 0) != 0) die("msgsnd q1");
            }
        }
        char ok = 1;
        write_all(c, &ok, 1);
    }
    semctl(ids.sem, 0, IPC_RMID);
    msgctl(ids.q0, IPC_RMID, nullptr);
    return 0;
}

// ---- rank 1: measures -----------------------------------------------------

namespace {

struct Samples {
    std::map<std::string, std::vector<double>> s;
};

void block_semop(int sem, int k, std::vector<double>& out) {
    for (int i = 0; i < k; ++i) {
        auto t0 = Clock::now();
        if (sem1(sem, -1) != 0) die("semop P");
        out.push_back(us_since(t0));
        t0 = Clock::now();
        if (sem1(sem, +1) != 0) die("semop V");
        out.push_back(us_since(t0));
    }
}

void block_tcp(int c, std::uint32_t size, int k, std::vector<double>& out) {
    Cmd cmd{'T', size, static_cast<std::uint32_t>(k), 0};
    write_all(c, &cmd, sizeof cmd);
    std::vector<char> buf(size, 'x');
    for (int i = 0; i < k; ++i) {
        auto t0 = Clock::now();
        write_all(c, buf.data(), size);
        read_all(c, buf.data(), size);
        out.push_back(us_since(t0));
    }
    char ok;
    read_all(c, &ok, 1);
}

void block_relay(int c, int to_relay, int from_relay, std::uint32_t size, int k, std::vector<double>& out) {
    Cmd cmd{'L', size, static_cast<std::uint32_t>(k), 0};
    write_all(c, &cmd, sizeof cmd);
    std::vector<char> buf(size, 'x');
    for (int i = 0; i < k; ++i) {
        auto t0 = Clock::now();
        write_all(to_relay, buf.data(), size);
        read_all(from_relay, buf.data(), size);
        out.push_back(us_since(t0));
    }
    char ok;
    read_all(c, &ok, 1);
}

void block_msg(int c, const Ids& ids, std::uint32_t size, int k, std::vector<double>& out) {
    Cmd cmd{'M', size, static_cast<std::uint32_t>(k), 0};
    write_all(c, &cmd, sizeof cmd);
    Msg m{1, {}};
    for (int i = 0; i < k; ++i) {
        auto t0 = Clock::now();
        if (msgsnd(ids.q0, &m, size, 0) != 0) die("msgsnd q0");
        if (msgrcv(ids.q1, &m, sizeof m.text, 0, 0) < 0) die("msgrcv q1");
        out.push_back(us_since(t0));
    }
    char ok;
    read_all(c, &ok, 1);
}

// The same calls on this host's kernel: semop alone; msg ping-pong with a
// forked child (the kernel's queues are shared inside this IPC namespace).
void block_kernel_semop(int k, std::vector<double>& out) {
    int s = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    semctl(s, 0, SETVAL, 1);
    block_semop(s, k, out);
    semctl(s, 0, IPC_RMID);
}

void block_kernel_msg(std::uint32_t size, int k, std::vector<double>& out) {
    int a = msgget(IPC_PRIVATE, IPC_CREAT | 0600), b = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    pid_t child = fork();
    if (child == 0) {
        Msg m{};
        for (int i = 0; i < k; ++i) {
            if (msgrcv(a, &m, sizeof m.text, 0, 0) < 0) _exit(1);
            if (msgsnd(b, &m, size, 0) != 0) _exit(1);
        }
        _exit(0);
    }
    Msg m{1, {}};
    for (int i = 0; i < k; ++i) {
        auto t0 = Clock::now();
        if (msgsnd(a, &m, size, 0) != 0) die("kernel msgsnd");
        if (msgrcv(b, &m, sizeof m.text, 0, 0) < 0) die("kernel msgrcv");
        out.push_back(us_since(t0));
    }
    waitpid(child, nullptr, 0);
    msgctl(a, IPC_RMID, nullptr);
    msgctl(b, IPC_RMID, nullptr);
}

void print(const char* op, std::uint32_t bytes, const std::vector<double>& dipc, const std::vector<double>& tcp,
           const std::vector<double>& kernel, const std::vector<double>& relay = {}) {
    double d = papers::bench::percentile(dipc, 0.5), t = papers::bench::percentile(tcp, 0.5);
    double k = papers::bench::percentile(kernel, 0.5), r = papers::bench::percentile(relay, 0.5);
    char extra[128] = "";
    if (!relay.empty())
        std::snprintf(extra, sizeof extra, ",\"relay_median_us\":%.2f,\"ratio_to_relay\":%.2f", r, r > 0 ? d / r : 0.0);
    std::printf("{\"op\":\"%s\",\"bytes\":%u,\"samples\":%zu,\"dipc_median_us\":%.2f,\"dipc_p99_us\":%.2f,"
                "\"tcp_median_us\":%.2f,\"kernel_median_us\":%.2f,\"ratio_to_tcp\":%.2f%s}\n",
                op, bytes, dipc.size(), d, papers::bench::percentile(dipc, 0.99), t, k, t > 0 ? d / t : 0.0, extra);
}

}  // namespace

static int rank1(int port, int iters, int blocks) {
    int from_relay = start_relay(port + 11);
    int c = tcp_connect(port);
    Ids ids;
    read_all(c, &ids, sizeof ids);
    ids.q1 = msgget(IPC_PRIVATE, IPC_CREAT | IPC_DIPC | 0600);
    if (ids.q1 < 0) die("create on host 1");
    write_all(c, &ids, sizeof ids);
    int to_relay = tcp_connect(port + 10);
    int k = std::max(1, iters / blocks);
    std::vector<double> sem_d, sem_k, tcp64, tcp1k, msg64_d, msg64_k, msg1k_d, msg1k_k, relay64, relay1k;
    // Warm up every path once, then blocks that take turns.
    block_semop(ids.sem, 20, sem_d);
    block_msg(c, ids, 64, 20, msg64_d);
    block_tcp(c, 64, 20, tcp64);
    sem_d.clear(), msg64_d.clear(), tcp64.clear();
    for (int b = 0; b < blocks; ++b) {
        block_semop(ids.sem, k, sem_d);
        block_tcp(c, 64, k, tcp64);
        block_kernel_semop(k, sem_k);
        block_msg(c, ids, 64, k, msg64_d);
        block_kernel_msg(64, k, msg64_k);
        block_relay(c, to_relay, from_relay, 64, k, relay64);
        block_msg(c, ids, 1024, k, msg1k_d);
        block_tcp(c, 1024, k, tcp1k);
        block_relay(c, to_relay, from_relay, 1024, k, relay1k);
        block_kernel_msg(1024, k, msg1k_k);
    }
    print("semop", 0, sem_d, tcp64, sem_k);
    print("msg_pingpong", 64, msg64_d, tcp64, msg64_k, relay64);
    print("msg_pingpong", 1024, msg1k_d, tcp1k, msg1k_k, relay1k);
    Cmd q{'Q', 0, 0, 0};
    write_all(c, &q, sizeof q);
    msgctl(ids.q1, IPC_RMID, nullptr);
    return 0;
}

int main(int argc, char** argv) {
    int iters = 2000, blocks = 20, port = 0;
    bool dsm = false, pingpong_only = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--dsm") dsm = true;
        if (a == "--pingpong-only") pingpong_only = true;
        if (a == "--iters" && i + 1 < argc) iters = std::atoi(argv[++i]);
        else if (a == "--blocks" && i + 1 < argc) blocks = std::atoi(argv[++i]);
        else if (a == "--port" && i + 1 < argc) port = std::atoi(argv[++i]);
    }
    const char* r = std::getenv("PAPERS_RANK");
    if (!r || !port) {
        std::fprintf(stderr,
                     "usage: papersrun --dipc -np 2 papers-bench-dipc --port P [--iters K] [--blocks B]\n"
                     "       papersrun --dipc -np 4 papers-bench-dipc --dsm --port P [--iters K] [--blocks B] "
                     "[--pingpong-only]\n");
        return 2;
    }
    const char* n = std::getenv("PAPERS_SIZE");
    if (dsm) return run_dsm(std::atoi(r), n ? std::atoi(n) : 1, port, iters, blocks, pingpong_only);
    return std::atoi(r) == 0 ? rank0(port) : rank1(port, iters, blocks);
}
