// dsm_agent — a process of one host in the distributed shared memory tests
// (dsm_hosts_test.cpp): plain shmget/shmat and loads and stores, preloaded
// with libpapers_dipc.so by the cluster harness.
//
//   dsm_agent SCENARIO ARGS...
//
// Litmus tests: every host runs the same scenario with its own ROLE; each
// iteration uses fresh pages (so every access starts with the protocol, not
// a cached copy) and a semaphore barrier lines the hosts up; role 0 checks
// the outcomes the model forbids at the end and prints "forbidden N".
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#ifndef IPC_DIPC
#define IPC_DIPC 010000
#endif

#include "dsm_agent_app.hpp"

namespace {

constexpr std::size_t kPage = 4096;

int fail(const char* what) {
    printf("error %s: %s\n", what, strerror(errno));
    return 1;
}

long arg(char** argv, int i, int argc, long fallback) { return i < argc ? strtol(argv[i], nullptr, 0) : fallback; }

// Role 0 creates, the others find (for 20 s).
int get_shm(int key, std::size_t size, bool create) {
    if (create) return shmget(key, size, IPC_CREAT | IPC_DIPC | 0666);
    for (int tries = 0; tries < 2000; ++tries) {
        int id = shmget(key, size, IPC_DIPC | 0666);
        if (id >= 0 || errno != ENOENT) return id;
        usleep(10000);
    }
    return -1;
}
int get_sem(int key, int n, bool create) {
    if (create) {
        int id = semget(key, n, IPC_CREAT | IPC_DIPC | 0666);
        return id;
    }
    for (int tries = 0; tries < 2000; ++tries) {
        int id = semget(key, n, IPC_DIPC | 0666);
        if (id >= 0 || errno != ENOENT) return id;
        usleep(10000);
    }
    return -1;
}


// A barrier of n processes from the set's semaphores 0 and 1 taking turns
// (arrive, wait for zero; the first to pass refills the other). The last
// barrier before role 0 removes the set refills nothing: a refill racing
// with the IPC_RMID would fail EINVAL, as it would on the kernel's set.
enum class Next { barrier, removal };
int barrier(int s, int n, int k, Next next = Next::barrier) {
    int cur = k % 2;
    sembuf arrive{static_cast<unsigned short>(cur), -1, 0}, zero{static_cast<unsigned short>(cur), 0, 0};
    if (semop(s, &arrive, 1) || semop(s, &zero, 1)) return -1;
    if (next == Next::removal) return 0;
    sembuf refill[2] = {{static_cast<unsigned short>(1 - cur), 0, IPC_NOWAIT},
                        {static_cast<unsigned short>(1 - cur), static_cast<short>(n), 0}};
    if (semop(s, refill, 2) != 0 && errno != EAGAIN) return -1;
    return 0;
}

volatile std::uint64_t& word(char* base, std::size_t page) {
    return *reinterpret_cast<volatile std::uint64_t*>(base + page * kPage);
}

// litmus TEST ROLE HOSTS ITERS KEY
// Layout: per iteration two pages (x, y) from page 2*i; results from page
// 2*ITERS + role, one uint64 per iteration and register.
int litmus(int argc, char** argv) {
    std::string test = argv[2];
    int role = arg(argv, 3, argc, 0), hosts = arg(argv, 4, argc, 2), iters = arg(argv, 5, argc, 100);
    int key = arg(argv, 6, argc, 0x6000);
    std::size_t pages = 2 * iters + 8 * ((2 * iters * 2 + kPage / 8 - 1) / (kPage / 8) + 1);
    int shm = get_shm(key, pages * kPage, role == 0);
    int s = get_sem(key + 1, 2, role == 0);
    if (shm < 0 || s < 0) return fail("get");
    char* m = static_cast<char*>(shmat(shm, nullptr, 0));
    if (m == reinterpret_cast<char*>(-1)) return fail("shmat");
    if (role == 0) {
        unsigned short full[2] = {static_cast<unsigned short>(hosts), static_cast<unsigned short>(hosts)};
        if (semctl(s, 0, SETALL, full) != 0) return fail("SETALL");
    }
    // Results: registers of role r in iteration i at results[(r * iters + i) * 2 + reg].
    auto results = reinterpret_cast<volatile std::uint64_t*>(m + 2 * iters * kPage);
    int k = 0;
    if (role != 0) {
        // Wait until role 0 has set the semaphores up (its SETALL).
        while (semctl(s, 0, GETVAL) == 0 && semctl(s, 1, GETVAL) == 0) usleep(1000);
    }
    if (barrier(s, hosts, k++)) return fail("barrier");
    for (int i = 0; i < iters; ++i) {
        std::size_t x = 2 * i, y = 2 * i + 1;
        if (barrier(s, hosts, k++)) return fail("barrier");
        std::uint64_t r1 = 0, r2 = 0;
        if (test == "sb") {  // store buffering: roles 0 and 1
            if (role == 0) { word(m, x) = 1; r1 = word(m, y); }
            if (role == 1) { word(m, y) = 1; r1 = word(m, x); }
        } else if (test == "mp") {  // message passing
            if (role == 0) { word(m, x) = 1; word(m, y) = 1; }
            if (role == 1) {
                while (word(m, y) == 0) sched_yield();  // never spin a core away
                r1 = word(m, x);
            }
        } else if (test == "iriw") {  // independent reads of independent writes: 4 roles
            if (role == 0) word(m, x) = 1;
            if (role == 1) word(m, y) = 1;
            if (role == 2) { r1 = word(m, x); r2 = word(m, y); }
            if (role == 3) { r1 = word(m, y); r2 = word(m, x); }
        } else if (test == "wrc") {  // write-to-read causality: 3 roles
            if (role == 0) word(m, x) = 1;
            if (role == 1) {
                while (word(m, x) == 0) sched_yield();
                r1 = 1;
                word(m, y) = 1;
            }
            if (role == 2) {
                while (word(m, y) == 0) sched_yield();
                r1 = 1;
                r2 = word(m, x);
            }
        }
        results[(role * iters + i) * 2] = r1;
        results[(role * iters + i) * 2 + 1] = r2;
    }
    if (barrier(s, hosts, k++)) return fail("barrier");
    int forbidden = 0, seen_nonzero = 0;
    if (role == 0) {
        for (int i = 0; i < iters; ++i) {
            auto r = [&](int role_, int reg) { return results[(role_ * iters + i) * 2 + reg]; };
            if (test == "sb") {
                forbidden += r(0, 0) == 0 && r(1, 0) == 0;
                seen_nonzero += r(0, 0) + r(1, 0) > 0;
            } else if (test == "mp") {
                forbidden += r(1, 0) != 1;
                seen_nonzero += r(1, 0) == 1;
            } else if (test == "iriw") {
                forbidden += r(2, 0) == 1 && r(2, 1) == 0 && r(3, 0) == 1 && r(3, 1) == 0;
                seen_nonzero += r(2, 0) + r(3, 0) > 0;
            } else if (test == "wrc") {
                forbidden += r(2, 0) == 1 && r(2, 1) == 0;
                seen_nonzero += r(2, 1) == 1;
            }
        }
        printf("forbidden %d of %d (outcomes with a store seen: %d)\n", forbidden, iters, seen_nonzero);
    }
    if (barrier(s, hosts, k++, Next::removal)) return fail("barrier");
    shmdt(m);
    if (role == 0) {
        shmctl(shm, IPC_RMID, nullptr);
        semctl(s, 0, IPC_RMID);
    }
    return forbidden ? 1 : 0;
}

// counter ROLE HOSTS K KEY: every host adds 1 to a counter in a segment K
// times under a distributed semaphore; role 0 prints the total.
int counter(int argc, char** argv) {
    int role = arg(argv, 2, argc, 0), hosts = arg(argv, 3, argc, 3), k = arg(argv, 4, argc, 100);
    int key = arg(argv, 5, argc, 0x6100);
    int shm = get_shm(key, kPage, role == 0);
    int s = get_sem(key + 1, 3, role == 0);
    if (shm < 0 || s < 0) return fail("get");
    auto* c = static_cast<std::uint64_t*>(shmat(shm, nullptr, 0));
    if (c == reinterpret_cast<std::uint64_t*>(-1)) return fail("shmat");
    if (role == 0) {
        unsigned short init[3] = {static_cast<unsigned short>(hosts), static_cast<unsigned short>(hosts), 1};
        if (semctl(s, 0, SETALL, init) != 0) return fail("SETALL");
    } else {
        while (semctl(s, 2, GETVAL) == 0 && semctl(s, 0, GETVAL) == 0) usleep(1000);
    }
    if (barrier(s, hosts, 0)) return fail("barrier");
    for (int i = 0; i < k; ++i) {
        sembuf p{2, -1, SEM_UNDO}, v{2, 1, SEM_UNDO};
        if (semop(s, &p, 1)) return fail("P");
        std::uint64_t x = *c;  // a plain read-modify-write: only the mutex makes it safe
        *c = x + 1;
        if (semop(s, &v, 1)) return fail("V");
    }
    if (barrier(s, hosts, 1)) return fail("barrier");
    if (role == 0) printf("counter %llu\n", static_cast<unsigned long long>(*c));
    if (barrier(s, hosts, 2, Next::removal)) return fail("barrier");
    shmdt(c);
    if (role == 0) {
        shmctl(shm, IPC_RMID, nullptr);
        semctl(s, 0, IPC_RMID);
    }
    return 0;
}

// matmul ROLE HOSTS N KEY: C = A x B with rows split over the hosts; role 0
// compares with a serial product, bit for bit.
int matmul(int argc, char** argv) {
    int role = arg(argv, 2, argc, 0), hosts = arg(argv, 3, argc, 3), n = arg(argv, 4, argc, 96);
    int key = arg(argv, 5, argc, 0x6200);
    std::size_t bytes = 3 * static_cast<std::size_t>(n) * n * sizeof(double);
    int shm = get_shm(key, bytes, role == 0);
    int s = get_sem(key + 1, 2, role == 0);
    if (shm < 0 || s < 0) return fail("get");
    double* base = static_cast<double*>(shmat(shm, nullptr, 0));
    if (base == reinterpret_cast<double*>(-1)) return fail("shmat");
    double *a = base, *b = base + n * n, *c = base + 2 * n * n;
    auto fill = [n](double* x, double* y) {
        for (int i = 0; i < n * n; ++i) {
            x[i] = ((i * 7919) % 1000) / 997.0 - 0.5;
            y[i] = ((i * 104729) % 1000) / 991.0 + 0.25;
        }
    };
    if (role == 0) {
        fill(a, b);
        unsigned short full[2] = {static_cast<unsigned short>(hosts), static_cast<unsigned short>(hosts)};
        if (semctl(s, 0, SETALL, full) != 0) return fail("SETALL");
    } else {
        while (semctl(s, 0, GETVAL) == 0 && semctl(s, 1, GETVAL) == 0) usleep(1000);
    }
    if (barrier(s, hosts, 0)) return fail("barrier");
    int lo = n * role / hosts, hi = n * (role + 1) / hosts;
    for (int i = lo; i < hi; ++i)
        for (int j = 0; j < n; ++j) {
            double sum = 0;
            for (int k = 0; k < n; ++k) sum += a[i * n + k] * b[k * n + j];
            c[i * n + j] = sum;
        }
    if (barrier(s, hosts, 1)) return fail("barrier");
    int rc = 0;
    if (role == 0) {
        std::vector<double> sa(n * n), sb(n * n), sc(n * n);
        fill(sa.data(), sb.data());
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                double sum = 0;
                for (int k = 0; k < n; ++k) sum += sa[i * n + k] * sb[k * n + j];
                sc[i * n + j] = sum;
            }
        rc = memcmp(sc.data(), c, sizeof(double) * n * n) != 0;
        printf("matmul %dx%d over %d hosts: %s\n", n, n, hosts, rc ? "DIFFERS" : "identical");
    }
    if (barrier(s, hosts, 2, Next::removal)) return fail("barrier");
    shmdt(base);
    if (role == 0) {
        shmctl(shm, IPC_RMID, nullptr);
        semctl(s, 0, IPC_RMID);
    }
    return rc;
}

// create KEY BYTES / write KEY BYTES PAGE VALUE [hold] / read KEY BYTES PAGE
int create(int argc, char** argv) {
    int id = shmget(arg(argv, 2, argc, 0), arg(argv, 3, argc, kPage), IPC_CREAT | IPC_EXCL | IPC_DIPC | 0666);
    if (id < 0) return fail("shmget");
    printf("id %d\n", id);
    return 0;
}
int write_page(int argc, char** argv) {
    int id = get_shm(arg(argv, 2, argc, 0), arg(argv, 3, argc, kPage), false);
    if (id < 0) return fail("shmget");
    char* m = static_cast<char*>(shmat(id, nullptr, 0));
    if (m == reinterpret_cast<char*>(-1)) return fail("shmat");
    word(m, arg(argv, 4, argc, 0)) = arg(argv, 5, argc, 1);
    printf("written\n");
    fflush(stdout);
    if (argc > 6) pause();  // "hold": stay attached as the page's writer
    shmdt(m);
    return 0;
}
int read_page(int argc, char** argv) {
    int id = get_shm(arg(argv, 2, argc, 0), arg(argv, 3, argc, kPage), false);
    if (id < 0) return fail("shmget");
    char* m = static_cast<char*>(shmat(id, nullptr, SHM_RDONLY));
    if (m == reinterpret_cast<char*>(-1)) return fail("shmat");
    printf("value %llu\n", static_cast<unsigned long long>(word(m, arg(argv, 4, argc, 0))));
    shmdt(m);
    return 0;
}

// sweep KEY BYTES STRIDE_PAGES WRITE: touches every STRIDE-th page of a big
// segment (reading, or writing its index) and checks what it reads.
int sweep(int argc, char** argv) {
    std::size_t bytes = arg(argv, 3, argc, 1 << 20);
    std::size_t stride = arg(argv, 4, argc, 1);
    bool write = arg(argv, 5, argc, 0);
    int id = get_shm(arg(argv, 2, argc, 0), bytes, false);
    if (id < 0) return fail("shmget");
    char* m = static_cast<char*>(shmat(id, nullptr, 0));
    if (m == reinterpret_cast<char*>(-1)) return fail("shmat");
    std::size_t pages = bytes / kPage, touched = 0, wrong = 0;
    for (std::size_t p = 0; p < pages; p += stride, ++touched) {
        if (write) word(m, p) = p + 1;
        else wrong += word(m, p) != p + 1;
    }
    printf("touched %zu wrong %zu\n", touched, wrong);
    shmdt(m);
    return wrong ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    setvbuf(stdout, nullptr, _IOLBF, 0);
    std::string s = argc > 1 ? argv[1] : "";
    if (s == "litmus" && argc > 2) return litmus(argc, argv);
    if (s == "counter") return counter(argc, argv);
    if (s == "matmul") return matmul(argc, argv);
    if (s == "create") return create(argc, argv);
    if (s == "write") return write_page(argc, argv);
    if (s == "read") return read_page(argc, argv);
    if (s == "sweep") return sweep(argc, argv);
    if (s == "app") return app_program(argc, argv);
    fprintf(stderr, "dsm_agent: unknown scenario '%s'\n", s.c_str());
    return 2;
}
