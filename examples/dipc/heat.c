/* heat.c — heat diffusion on a grid that lives in a distributed System V
 * shared memory segment: every rank (host) updates its band of rows in place
 * in the shared grid, semaphores make the barriers between steps, and rank 0
 * checks the result against a serial computation, bit for bit.
 *
 *   papersrun --dipc -np 3 build/bin/dipc_heat [STEPS] [N]
 *
 * Each row is 4 KiB (N = 512 doubles), one DSM page, so a rank writes only
 * its own pages and reads its neighbours' boundary rows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#ifndef IPC_DIPC
#define IPC_DIPC 010000
#endif

enum { SHM_KEY = 0x4ea7, SEM_KEY = 0x4ea8 };

static int rank, size, steps, n;

static double* cell(double* g, int i, int j) { return g + (size_t)i * n + j; }

/* The initial grid: a hot square in the middle of a cold plate. */
static void init(double* g) {
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) *cell(g, i, j) = (i > n / 3 && i < 2 * n / 3 && j > n / 3 && j < 2 * n / 3) ? 100.0 : 0.0;
}

/* One Jacobi step of rows [lo, hi) from src into dst; the border stays fixed. */
static void step(const double* src, double* dst, int lo, int hi) {
    for (int i = lo; i < hi; ++i)
        for (int j = 0; j < n; ++j) {
            if (i == 0 || j == 0 || i == n - 1 || j == n - 1) {
                dst[(size_t)i * n + j] = src[(size_t)i * n + j];
                continue;
            }
            dst[(size_t)i * n + j] = 0.25 * (src[(size_t)(i - 1) * n + j] + src[(size_t)(i + 1) * n + j] +
                                             src[(size_t)i * n + j - 1] + src[(size_t)i * n + j + 1]);
        }
}

/* A reusable barrier of `size` processes from two semaphores that take turns:
 * arrive (-1), wait for zero; rank 0 refills the other one once everybody is
 * past it, before it arrives at the next barrier. */
static int barrier(int sems, int k) {
    int cur = k % 2, other = 1 - cur;
    struct sembuf arrive[2] = {{(unsigned short)cur, -1, 0}, {(unsigned short)cur, 0, 0}};
    if (semop(sems, &arrive[0], 1) != 0 || semop(sems, &arrive[1], 1) != 0) return -1;
    if (rank == 0 && semctl(sems, other, SETVAL, size) != 0) return -1;
    return 0;
}

static int attach(int* shm, int* sems, double** grid) {
    size_t bytes = 2 * (size_t)n * n * sizeof(double);
    if (rank == 0) {
        *shm = shmget(SHM_KEY, bytes, IPC_CREAT | IPC_EXCL | IPC_DIPC | 0600);
        *sems = semget(SEM_KEY, 2, IPC_CREAT | IPC_EXCL | IPC_DIPC | 0600);
    } else {
        for (int tries = 0; tries < 1000; ++tries) {
            *shm = shmget(SHM_KEY, bytes, IPC_DIPC | 0600);
            *sems = semget(SEM_KEY, 2, IPC_DIPC | 0600);
            if ((*shm >= 0 && *sems >= 0) || (errno != ENOENT)) break;
            usleep(10000);
        }
    }
    if (*shm < 0 || *sems < 0) return -1;
    *grid = shmat(*shm, NULL, 0);
    return *grid == (void*)-1 ? -1 : 0;
}

int main(int argc, char** argv) {
    rank = getenv("PAPERS_RANK") ? atoi(getenv("PAPERS_RANK")) : 0;
    size = getenv("PAPERS_SIZE") ? atoi(getenv("PAPERS_SIZE")) : 1;
    steps = argc > 1 ? atoi(argv[1]) : 20;
    n = argc > 2 ? atoi(argv[2]) : 512;
    if (steps < 1 || n < 8 || n > 4096 || size < 1 || size > n) {
        fprintf(stderr, "heat: STEPS >= 1, 8 <= N <= 4096, ranks <= N\n");
        return 2;
    }
    int shm, sems;
    double* grid;
    if (rank == 0) {
        /* Rank 0 sets everything up before the others can find the semaphores. */
        if (attach(&shm, &sems, &grid) != 0) { perror("heat: create"); return 1; }
        init(grid);
        unsigned short full[2] = {(unsigned short)size, (unsigned short)size};
        if (semctl(sems, 0, SETALL, full) != 0) { perror("heat: SETALL"); return 1; }
    } else if (attach(&shm, &sems, &grid) != 0) {
        perror("heat: attach");
        return 1;
    }
    double* a = grid;
    double* b = grid + (size_t)n * n;
    int lo = (int)((long)n * rank / size), hi = (int)((long)n * (rank + 1) / size);
    if (barrier(sems, 0) != 0) { perror("heat: barrier"); return 1; }
    for (int k = 0; k < steps; ++k) {
        step(k % 2 ? b : a, k % 2 ? a : b, lo, hi);
        if (barrier(sems, k + 1) != 0) { perror("heat: barrier"); return 1; }
    }
    int rc = 0;
    if (rank == 0) {
        double* s0 = malloc((size_t)n * n * sizeof(double));
        double* s1 = malloc((size_t)n * n * sizeof(double));
        init(s0);
        for (int k = 0; k < steps; ++k) step(k % 2 ? s1 : s0, k % 2 ? s0 : s1, 0, n);
        const double* shared = steps % 2 ? b : a;
        const double* serial = steps % 2 ? s1 : s0;
        double centre = serial[(size_t)(n / 2) * n + n / 2];
        rc = memcmp(shared, serial, (size_t)n * n * sizeof(double)) != 0;
        printf("heat: %d ranks, %dx%d grid, %d steps, centre %.6f: %s\n", size, n, n, steps, centre,
               rc ? "DIFFERS from the serial run" : "identical to the serial run");
        free(s0);
        free(s1);
    }
    /* Everybody is done reading before rank 0 removes the segment. */
    if (barrier(sems, steps + 1) != 0) { perror("heat: barrier"); return 1; }
    shmdt(grid);
    if (rank == 0) {
        shmctl(shm, IPC_RMID, NULL);
        semctl(sems, 0, IPC_RMID);
    }
    return rc;
}
