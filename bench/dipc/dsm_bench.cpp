// dsm_bench.cpp — distributed shared memory latencies for papers-bench-dipc
// --dsm (4 ranks, one per host; rank 0 is the segment's home, rank 1
// measures and conducts the others over TCP):
//   shm_read_miss      a 4 KiB page another host (the home) wrote, read once
//   shm_write_1r/_3r   a write to a page this host reads, with 1 or 3 other
//                      hosts holding read copies to invalidate
//   shm_pingpong_turn  two writers taking turns on one word: per round trip
//                      (the page moves twice)
//   shm_pingpong_free  two writers storing into their own words of one page
//                      for a fixed time (false sharing): how often a writer
//                      stalled for the page, and how long (--dipc-option
//                      dsm-min-residency-us=N gives the residency quantum)
//   semop_home        a remote semop on a semaphore the home owns (V, then P,
//                     each timed): the direct link's round trip in the same
//                     job, outside the fault handler
// next to a raw TCP round trip of 4 KiB between ranks 1 and 0.
#include "dsm_bench.hpp"

#include <sys/ipc.h>
#include <sched.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "../stats.hpp"
#include "bench_net.hpp"

#ifndef IPC_DIPC
#define IPC_DIPC 010000
#endif

namespace papers::bench::dipc {

namespace {

constexpr std::size_t kPage = 4096;
using Clock = std::chrono::steady_clock;
double us_since(Clock::time_point t0) { return std::chrono::duration<double, std::micro>(Clock::now() - t0).count(); }

volatile std::uint64_t& word(char* m, std::size_t page, std::size_t slot = 0) {
    return *reinterpret_cast<volatile std::uint64_t*>(m + page * kPage + slot * 64);
}

// A load the compiler must make (a read fault when the page is not here).
std::uint64_t load(char* m, std::size_t page) {
    std::uint64_t v = word(m, page);
    return v;
}

struct DsmCmd {
    char what;  // 'W' write, 'R' read, 'T' take turns, 'P' store freely, 'E' echo 4 KiB, 'Q' quit
    std::uint32_t page, count, value;
};

char* attach_segment(int rank, std::size_t pages, int& id) {
    const int key = 0x5eb0;
    if (rank == 0) {
        id = shmget(key, pages * kPage, IPC_CREAT | IPC_EXCL | IPC_DIPC | 0600);
    } else {
        for (int tries = 0; tries < 2000 && id < 0; ++tries) {
            id = shmget(key, pages * kPage, IPC_DIPC | 0600);
            if (id < 0) usleep(10000);
        }
    }
    if (id < 0) die("shmget");
    void* m = shmat(id, nullptr, 0);
    if (m == reinterpret_cast<void*>(-1)) die("shmat");
    return static_cast<char*>(m);
}

// Turns on one word: `first` writes the odd values, the other the even ones,
// each after it saw the other's. Waiting reads the local copy until the
// other's write takes it away; it yields, as 4 ranks share 2 cores here.
void take_turns(char* m, std::size_t page, std::uint32_t rounds, std::uint64_t me) {
    for (std::uint64_t i = 0; i < rounds; ++i) {
        const std::uint64_t mine = 2 * i + me, theirs = mine - 1;
        if (mine > 1)
            while (word(m, page) != theirs) sched_yield();
        word(m, page) = mine;
    }
    if (me == 1)  // the last turn is the other's
        while (word(m, page) != 2 * rounds) sched_yield();
}

// Stores into this rank's own word of the page for ms milliseconds; a store
// that took longer than kStall waited for the page (a fault: it had moved).
struct FreeRun {
    std::uint32_t stores = 0, stalls = 0;
    double stalled_us = 0;
};
constexpr double kStallUs = 10;
FreeRun store_for(char* m, std::size_t page, std::size_t slot, std::uint32_t ms) {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    FreeRun r;
    for (auto t = Clock::now(); t < until;) {
        word(m, page, slot) = ++r.stores;
        auto now = Clock::now();
        double us = std::chrono::duration<double, std::micro>(now - t).count();
        if (us > kStallUs) {
            ++r.stalls;
            r.stalled_us += us;
        }
        t = now;
    }
    return r;
}

constexpr int kSemKey = 0x5eb1;

// Ranks other than 1: do what rank 1 says.
int serve(int rank, int port, std::size_t pages) {
    int id = -1;
    char* m = attach_segment(rank, pages, id);
    // The home also owns a semaphore (before it listens: rank 1 finds it).
    int sem = rank == 0 ? semget(kSemKey, 1, IPC_CREAT | IPC_EXCL | IPC_DIPC | 0600) : -1;
    if (rank == 0 && sem < 0) die("semget");
    int c = tcp_listen_accept(port + rank);
    std::vector<char> buf(kPage);
    for (;;) {
        DsmCmd cmd{};
        read_all(c, &cmd, sizeof cmd);
        if (cmd.what == 'Q') break;
        if (cmd.what == 'W') word(m, cmd.page) = cmd.value;
        if (cmd.what == 'R') load(m, cmd.page);
        if (cmd.what == 'E')
            for (std::uint32_t i = 0; i < cmd.count; ++i) {
                read_all(c, buf.data(), kPage);
                write_all(c, buf.data(), kPage);
            }
        if (cmd.what == 'T') take_turns(m, cmd.page, cmd.count, 2);
        if (cmd.what == 'P') {  // its own word, for cmd.count ms; then says how many stores
            FreeRun r = store_for(m, cmd.page, 1, cmd.count);
            write_all(c, &r, sizeof r);
        }
        char ok = 1;
        write_all(c, &ok, 1);
    }
    shmdt(m);
    if (rank == 0) {
        shmctl(id, IPC_RMID, nullptr);
        semctl(sem, 0, IPC_RMID);
    }
    return 0;
}

void tell(int c, DsmCmd cmd) {
    write_all(c, &cmd, sizeof cmd);
    char ok;
    read_all(c, &ok, 1);
}

void print(const char* op, const std::vector<double>& d, double tcp, const char* extra = "") {
    double med = percentile(d, 0.5);
    std::printf("{\"op\":\"%s\",\"bytes\":4096,\"samples\":%zu,\"dipc_median_us\":%.2f,\"dipc_p99_us\":%.2f,"
                "\"tcp_median_us\":%.2f,\"ratio_to_tcp\":%.2f%s}\n",
                op, d.size(), med, percentile(d, 0.99), tcp, tcp > 0 ? med / tcp : 0.0, extra);
}

}  // namespace

int run_dsm(int rank, int size, int port, int iters, int blocks, bool pingpong_only) {
    if (size < 4) {
        std::fprintf(stderr, "papers-bench-dipc --dsm: needs 4 ranks (-np 4)\n");
        return 2;
    }
    const std::size_t per_block = static_cast<std::size_t>(std::max(1, iters / blocks));
    const std::size_t pages = 4 * per_block * blocks + 16;
    if (rank != 1) return serve(rank, port, pages);

    int id = -1;
    char* m = attach_segment(rank, pages, id);
    std::vector<int> c(size, -1);
    for (int r = 0; r < size; ++r)
        if (r != 1) c[r] = tcp_connect(port + r);
    const int sem = semget(kSemKey, 1, IPC_DIPC | 0600);
    if (sem < 0) die("semget of the home's semaphore");
    std::vector<double> miss, cold, w1, w3, tcp, semops;
    std::vector<char> buf(kPage, 'x');
    std::size_t next = 16;  // fresh pages, never touched before
    auto block_tcp = [&](std::size_t k) {
        DsmCmd e{'E', 0, static_cast<std::uint32_t>(k), 0};
        write_all(c[0], &e, sizeof e);
        for (std::size_t i = 0; i < k; ++i) {
            auto t0 = Clock::now();
            write_all(c[0], buf.data(), kPage);
            read_all(c[0], buf.data(), kPage);
            tcp.push_back(us_since(t0));
        }
        char ok;
        read_all(c[0], &ok, 1);
    };
    if (!pingpong_only) {
        for (int b = 0; b < blocks; ++b) {
            for (std::size_t i = 0; i < per_block; ++i) {  // read miss of a page the home wrote
                std::size_t p = next++;
                tell(c[0], {'W', static_cast<std::uint32_t>(p), 0, static_cast<std::uint32_t>(p)});
                auto t0 = Clock::now();
                std::uint64_t v = word(m, p);
                miss.push_back(us_since(t0));
                if (v != p) die("read miss returned a stale value");
            }
            for (std::size_t i = 0; i < per_block; ++i) {  // a page nobody touched: no view to revoke
                std::size_t p = next++;
                auto t0 = Clock::now();
                load(m, p);
                cold.push_back(us_since(t0));
            }
            block_tcp(per_block);
            for (std::size_t i = 0; i < per_block; ++i) {  // V then P on the home's semaphore
                for (short op : {1, -1}) {
                    sembuf b{0, op, 0};
                    auto t0 = Clock::now();
                    if (semop(sem, &b, 1) != 0) die("semop");
                    semops.push_back(us_since(t0));
                }
            }
            for (std::size_t i = 0; i < per_block; ++i) {  // upgrade with 1 reader (rank 2)
                std::size_t p = next++;
                word(m, p) = 1;
                tell(c[2], {'R', static_cast<std::uint32_t>(p), 0, 0});
                load(m, p);  // this host reads too: both hold read copies now
                auto t0 = Clock::now();
                word(m, p) = 2;
                w1.push_back(us_since(t0));
            }
            for (std::size_t i = 0; i < per_block; ++i) {  // upgrade with 3 readers (ranks 0, 2, 3)
                std::size_t p = next++;
                word(m, p) = 1;
                for (int r : {0, 2, 3}) tell(c[r], {'R', static_cast<std::uint32_t>(p), 0, 0});
                load(m, p);
                auto t0 = Clock::now();
                word(m, p) = 2;
                w3.push_back(us_since(t0));
            }
        }
        double t = percentile(tcp, 0.5);
        print("shm_read_miss", miss, t);
        print("shm_read_miss_untouched", cold, t);
        print("shm_write_1r", w1, t);
        print("shm_write_3r", w3, t);
        print("semop_home", semops, t);
    } else {
        block_tcp(200);
    }
    // One page between two writers (rank 2 and us): taking turns, then
    // storing freely into their own words of it (false sharing).
    const std::uint32_t rounds = static_cast<std::uint32_t>(std::max(50, iters / 2));
    DsmCmd tt{'T', 8, rounds, 0};
    write_all(c[2], &tt, sizeof tt);
    auto t0 = Clock::now();
    take_turns(m, 8, rounds, 1);
    const double turns_us = us_since(t0);
    char ok;
    read_all(c[2], &ok, 1);
    char extra[128];
    std::snprintf(extra, sizeof extra, ",\"rounds\":%u", rounds);
    print("shm_pingpong_turn", std::vector<double>{turns_us / rounds}, percentile(tcp, 0.5), extra);

    const std::uint32_t ms = 300;
    DsmCmd pp{'P', 9, ms, 0};
    write_all(c[2], &pp, sizeof pp);
    const FreeRun mine = store_for(m, 9, 0, ms);
    FreeRun theirs;
    read_all(c[2], &theirs, sizeof theirs);
    read_all(c[2], &ok, 1);
    // Per stall (the page came back after the other had it): how long it waited.
    const std::uint32_t stalls = mine.stalls + theirs.stalls;
    const double per_stall = stalls ? (mine.stalled_us + theirs.stalled_us) / stalls : 0.0;
    std::snprintf(extra, sizeof extra, ",\"ms\":%u,\"stalls\":%u,\"stores_here\":%u,\"stores_there\":%u", ms,
                  stalls, mine.stores, theirs.stores);
    print("shm_pingpong_free", std::vector<double>{per_stall}, percentile(tcp, 0.5), extra);
    for (int r = 0; r < size; ++r)
        if (r != 1) {
            DsmCmd q{'Q', 0, 0, 0};
            write_all(c[r], &q, sizeof q);
        }
    shmdt(m);
    return 0;
}

}  // namespace papers::bench::dipc
