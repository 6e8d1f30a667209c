/* turns.h — two benchmark jobs that take turns, block by block.
 *
 * Why: timings on a shared VM drift by up to 3x within seconds, so papers
 * measured in one run and Open MPI in the next can land in different
 * states of the machine. With `papers-bench --blocks K` both jobs start
 * together and alternate K blocks of iterations per operation (papers
 * block 0, reference block 0, papers block 1, ...): each median then pools
 * samples from the same stretches of time. A waiting job sleeps on a futex,
 * so it takes no CPU from the one that runs.
 *
 * The driver creates the shared page (POSIX shm, name in PAPERS_BENCH_TURNS,
 * the job's index 0 or 1 in PAPERS_BENCH_JOB). Turn number 2*b + job, for
 * block b counted over all operations, belongs to that job; the last rank of
 * a job to finish its block passes the turn on. Used by papers-bench's
 * worker (C++) and by papers-bench-mpi (C). */
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "papers/driver/shm_owner.h"

typedef struct {
    uint32_t turn;     /* futex word: the turn being played */
    uint32_t done;     /* ranks of the playing job that finished the turn */
    uint32_t ready;    /* ranks of both jobs that finished starting up */
    uint32_t ranks[2]; /* ranks per job, set by the driver */
} bench_turns;

/* The driver's initial turn: nothing plays until every rank of both jobs
 * is ready, so one job's start-up (mpirun is slow) never lands in the
 * other's timed block. */
#define BENCH_TURNS_STARTING 0xFFFFFFFFu

/* Timed iterations of block b when `iters` are cut into `blocks` blocks
 * (the first iters % blocks blocks get one more). */
static inline int bench_block_iters(int iters, int blocks, int b) {
    return iters / blocks + (b < iters % blocks ? 1 : 0);
}

/* The driver's side: creates the shared page `name` (a new one) for two
 * jobs of r0 and r1 ranks, nothing playing yet. NULL on failure. */
static inline bench_turns *bench_turns_create(const char *name, uint32_t r0, uint32_t r1) {
    const int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) return NULL;
    void *p = MAP_FAILED;
    if (ftruncate(fd, sizeof(bench_turns)) == 0)
        p = mmap(NULL, sizeof(bench_turns), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        shm_unlink(name);
        return NULL;
    }
    bench_turns *t = (bench_turns *)p; /* zero-filled by ftruncate */
    t->turn = BENCH_TURNS_STARTING;
    t->ranks[0] = r0;
    t->ranks[1] = r1;
    return t;
}

/* The shared turns of this process's job, or NULL when the driver asked
 * for no interleaving (PAPERS_BENCH_TURNS unset). *job gets the index. */
static inline bench_turns *bench_turns_attach(int *job) {
    const char *name = getenv("PAPERS_BENCH_TURNS"), *j = getenv("PAPERS_BENCH_JOB");
    if (!name || !*name || !j) return NULL;
    const int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) return NULL;
    struct stat st;
    if (papers_shm_check_owner(fd, &st) != 0 || (size_t)st.st_size < sizeof(bench_turns)) {
        /* not the driver's page: another user's, or too small */
        fprintf(stderr, "papers-bench: refusing the turns page %s (not ours alone, or too small)\n", name);
        close(fd);
        return NULL;
    }
    void *p = mmap(NULL, sizeof(bench_turns), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return NULL;
    *job = atoi(j) ? 1 : 0;
    return (bench_turns *)p;
}

/* Sleeps until `turn` is being played: 0, or -1 after timeout_s seconds
 * (the other job died or hangs). */
static inline int bench_turns_wait(bench_turns *t, uint32_t turn, double timeout_s) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        const uint32_t cur = __atomic_load_n(&t->turn, __ATOMIC_ACQUIRE);
        if (cur == turn) return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        const double waited = (double)(now.tv_sec - start.tv_sec) + 1e-9 * (double)(now.tv_nsec - start.tv_nsec);
        if (waited > timeout_s) return -1;
        struct timespec slice = {0, 100 * 1000 * 1000}; /* re-check the clock every 100 ms */
        syscall(SYS_futex, &t->turn, FUTEX_WAIT, cur, &slice, NULL, 0);
    }
}

/* This rank has started up; the last of both jobs starts turn 0. */
static inline void bench_turns_ready(bench_turns *t) {
    if (__atomic_add_fetch(&t->ready, 1, __ATOMIC_ACQ_REL) == t->ranks[0] + t->ranks[1]) {
        __atomic_store_n(&t->turn, 0, __ATOMIC_RELEASE);
        syscall(SYS_futex, &t->turn, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
    }
}

/* This rank finished the current turn of `job`; the last one passes it on. */
static inline void bench_turns_done(bench_turns *t, int job) {
    if (__atomic_add_fetch(&t->done, 1, __ATOMIC_ACQ_REL) == t->ranks[job]) {
        __atomic_store_n(&t->done, 0, __ATOMIC_RELAXED);
        __atomic_add_fetch(&t->turn, 1, __ATOMIC_RELEASE);
        syscall(SYS_futex, &t->turn, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
    }
}
