/* mpi_reference.c — the same operations as papers-bench, through Open MPI,
 * printing the same JSON records (backend "openmpi"). papers-bench runs it
 * with mpirun in the same invocation to report ratios; with --blocks K it
 * takes turns with the papers job block by block (turns.h). */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "turns.h"

/* See worker.cpp: untimed calls per block, and the longest wait for a turn. */
enum { kSkipPerBlock = 2 };
static const double kTurnTimeout = 120;

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p) {
    qsort(v, (size_t)n, sizeof *v, cmp);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i];
}

static int run_once(const char *op, size_t bytes, char *a, char *b) {
    if (!strcmp(op, "barrier")) return MPI_Barrier(MPI_COMM_WORLD);
    if (!strcmp(op, "any")) {
        int f = 0, r = 0;
        return MPI_Allreduce(&f, &r, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    }
    if (!strcmp(op, "allreduce"))
        return MPI_Allreduce(a, b, (int)(bytes / 4), MPI_INT32_T, MPI_SUM, MPI_COMM_WORLD);
    if (!strcmp(op, "allreduce_double"))
        return MPI_Allreduce(a, b, (int)(bytes / 8), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    if (!strcmp(op, "bcast")) return MPI_Bcast(a, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (!strcmp(op, "gather"))
        return MPI_Allgather(a, (int)bytes, MPI_BYTE, b, (int)bytes, MPI_BYTE, MPI_COMM_WORLD);
    return -1;
}

int main(int argc, char **argv) {
    const char *ops = "barrier";
    int iters = 2000, warmup = 200, blocks = 1;
    const char *label = "openmpi";
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--ops") && i + 1 < argc) ops = argv[++i];
        else if (!strcmp(argv[i], "--iters") && i + 1 < argc) iters = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--label") && i + 1 < argc) label = argv[++i];
        else if (!strcmp(argv[i], "--blocks") && i + 1 < argc) blocks = atoi(argv[++i]);
    }
    if (iters < 1) iters = 1;
    if (blocks < 1) blocks = 1;
    if (blocks > iters) blocks = iters; /* as papers-bench does */
    int job = 1;
    bench_turns *turns = bench_turns_attach(&job);
    const int skip = turns ? kSkipPerBlock : 0;
    uint32_t block_no = 0;
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (turns) bench_turns_ready(turns);
    char *list = strdup(ops);
    double *us = malloc(sizeof(double) * (size_t)iters);
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        char name[64];
        size_t bytes = 0;
        char *colon = strchr(tok, ':');
        snprintf(name, sizeof name, "%.*s", colon ? (int)(colon - tok) : (int)strlen(tok), tok);
        if (colon) bytes = strtoull(colon + 1, NULL, 10);
        if (!bytes && strcmp(name, "barrier") && strcmp(name, "any")) bytes = 4;
        if (!strcmp(name, "barrier") || !strcmp(name, "any")) bytes = 0;
        char *a = calloc(bytes + 8, 1), *b = calloc((bytes + 8) * (size_t)size, 1);
        int timed = 0;
        for (int blk = 0; blk < blocks; ++blk, ++block_no) {
            if (turns && bench_turns_wait(turns, 2 * block_no + (uint32_t)job, kTurnTimeout) != 0) {
                fprintf(stderr, "papers-bench-mpi: the papers job never passed the turn\n");
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
            const int untimed = (blk == 0 ? warmup : 0) + skip;
            for (int i = 0; i < untimed; ++i) run_once(name, bytes, a, b);
            for (int i = 0, n = bench_block_iters(iters, blocks, blk); i < n; ++i, ++timed) {
                double t0 = MPI_Wtime();
                if (run_once(name, bytes, a, b) != MPI_SUCCESS) MPI_Abort(MPI_COMM_WORLD, 1);
                us[timed] = (MPI_Wtime() - t0) * 1e6;
            }
            if (blk == blocks - 1) {
                /* The slowest PE's view: the largest per-PE median and p99. */
                double local[2] = {pct(us, iters, 0.5), pct(us, iters, 0.99)}, worst[2];
                MPI_Allreduce(local, worst, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
                if (rank == 0)
                    printf("{\"backend\":\"%s\",\"impl\":\"%s\",\"op\":\"%s\",\"np\":%d,\"bytes\":%zu,"
                           "\"iters\":%d,\"median_us\":%.3f,\"p99_us\":%.3f,\"port_reads\":0,"
                           "\"port_writes\":0,\"hub_ops\":0}\n",
                           label, label, name, size, bytes, iters, worst[0], worst[1]);
                fflush(stdout);
            }
            if (turns) bench_turns_done(turns, job);
        }
        free(a);
        free(b);
    }
    free(us);
    free(list);
    MPI_Finalize();
    return 0;
}
