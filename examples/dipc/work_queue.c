/* work_queue.c — a distributed work queue: rank 0 puts work items into a
 * distributed message queue; workers on every host take them, compute, send
 * the results back, and count what they did in a counter that a distributed
 * semaphore protects (a read-modify-write critical section across hosts).
 * Rank 0 checks the sum against a serial computation and the counter
 * against the number of items.
 *
 *   papersrun --dipc -np 4 build/bin/dipc_work_queue [ITEMS]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <unistd.h>

#ifndef IPC_DIPC
#define IPC_DIPC 010000
#endif

enum { WORK_KEY = 0x3017, RESULT_KEY = 0x3018, SEM_KEY = 0x3019 };
enum { MUTEX = 0, COUNTER = 1, READY = 2 };
enum { TYPE_WORK = 1, TYPE_STOP = 2 };

struct item { long mtype; int64_t n; };
struct result { long mtype; int64_t n, value; };

/* Some work: the number of Collatz steps from n, times n mod 7. */
static int64_t work(int64_t n) {
    int64_t steps = 0;
    for (uint64_t x = (uint64_t)n; x != 1; ++steps) x = x % 2 ? 3 * x + 1 : x / 2;
    return steps * (n % 7);
}

static int sem(int set, int num, int op) {
    struct sembuf b = {(unsigned short)num, (short)op, SEM_UNDO};
    return semop(set, &b, 1);
}

static int find(int key, int is_sem) {
    for (int tries = 0; tries < 1000; ++tries) { /* rank 0 may not have made them yet */
        int id = is_sem ? semget(key, 0, IPC_DIPC | 0600) : msgget(key, IPC_DIPC | 0600);
        if (id >= 0 || errno != ENOENT) return id;
        usleep(10000);
    }
    return -1;
}

static int worker(int rank) {
    int s = find(SEM_KEY, 1), wq = find(WORK_KEY, 0), rq = find(RESULT_KEY, 0);
    if (s < 0 || wq < 0 || rq < 0) { perror("work_queue: find"); return 1; }
    if (sem(s, READY, -1) != 0) { perror("work_queue: wait ready"); return 1; }
    int done = 0;
    for (;;) {
        struct item it;
        if (msgrcv(wq, &it, sizeof it.n, 0, 0) < 0) { perror("work_queue: msgrcv"); return 1; }
        if (it.mtype == TYPE_STOP) break;
        struct result r = {rank, it.n, work(it.n)};
        /* The critical section: read, add one, write back, under the mutex. */
        if (sem(s, MUTEX, -1) != 0) { perror("work_queue: P"); return 1; }
        int c = semctl(s, COUNTER, GETVAL);
        if (c < 0 || semctl(s, COUNTER, SETVAL, c + 1) != 0) { perror("work_queue: counter"); return 1; }
        if (sem(s, MUTEX, +1) != 0) { perror("work_queue: V"); return 1; }
        if (msgsnd(rq, &r, sizeof r - sizeof r.mtype, 0) != 0) { perror("work_queue: msgsnd"); return 1; }
        ++done;
    }
    printf("rank %d did %d items\n", rank, done);
    return 0;
}

int main(int argc, char** argv) {
    int rank = getenv("PAPERS_RANK") ? atoi(getenv("PAPERS_RANK")) : 0;
    int size = getenv("PAPERS_SIZE") ? atoi(getenv("PAPERS_SIZE")) : 1;
    int items = argc > 1 ? atoi(argv[1]) : 500;
    if (size < 2 || items < 1 || items > 30000) {
        fprintf(stderr, "work_queue: needs 2 or more ranks and 1..30000 items\n");
        return 2;
    }
    if (rank != 0) return worker(rank);

    int s = semget(SEM_KEY, 3, IPC_CREAT | IPC_EXCL | IPC_DIPC | 0600);
    int wq = msgget(WORK_KEY, IPC_CREAT | IPC_EXCL | IPC_DIPC | 0600);
    int rq = msgget(RESULT_KEY, IPC_CREAT | IPC_EXCL | IPC_DIPC | 0600);
    if (s < 0 || wq < 0 || rq < 0) { perror("work_queue: create"); return 1; }
    unsigned short init[3] = {1, 0, 0};
    if (semctl(s, 0, SETALL, init) != 0) { perror("work_queue: SETALL"); return 1; }
    if (semctl(s, READY, SETVAL, size - 1) != 0) { perror("work_queue: ready"); return 1; }

    int64_t expect = 0, got = 0;
    int sent = 0, received = 0;
    for (int64_t n = 1; n <= items; ++n) expect += work(n);
    /* Keep a window of items in flight so the queue never fills up. */
    while (received < items) {
        while (sent < items && sent - received < 64) {
            struct item it = {TYPE_WORK, sent + 1};
            if (msgsnd(wq, &it, sizeof it.n, 0) != 0) { perror("work_queue: msgsnd"); return 1; }
            ++sent;
        }
        struct result r;
        if (msgrcv(rq, &r, sizeof r - sizeof r.mtype, 0, 0) < 0) { perror("work_queue: msgrcv"); return 1; }
        got += r.value;
        ++received;
    }
    for (int w = 1; w < size; ++w) {
        struct item stop = {TYPE_STOP, 0};
        if (msgsnd(wq, &stop, sizeof stop.n, 0) != 0) { perror("work_queue: stop"); return 1; }
    }
    int counter = semctl(s, COUNTER, GETVAL);
    printf("work_queue: %d items, sum %lld (serial %lld), counter %d: %s\n", items, (long long)got,
           (long long)expect, counter, got == expect && counter == items ? "OK" : "WRONG");
    /* Wait until every worker took its stop message before removing the queues. */
    struct msqid_ds ds;
    for (int tries = 0; tries < 1000; ++tries) {
        if (msgctl(wq, IPC_STAT, &ds) != 0 || ds.msg_qnum == 0) break;
        usleep(10000);
    }
    msgctl(wq, IPC_RMID, NULL);
    msgctl(rq, IPC_RMID, NULL);
    semctl(s, 0, IPC_RMID);
    return got == expect && counter == items ? 0 : 1;
}
