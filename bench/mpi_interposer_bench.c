/* mpi_interposer_bench.c — MPI_Barrier and MPI_Allreduce (one int, one
 * double) timed call by call, as Open MPI runs them or, with
 * LD_PRELOAD=libpapers_pmpi.so and a hub configured, as the papers hub
 * runs them. An ordinary MPI program: it finds the interposer's papers
 * session, if any, through dlsym(papers_stats), so one binary measures
 * both. Prints one JSON line per operation from rank 0:
 *   {"bench":"mpi_interposer","op":"MPI_Barrier","np":4,"via":"papers-pmpi",
 *    "backend":"sim","iters":2000,"median_us":..,"p99_us":..,
 *    "port_accesses_per_call":..,"port_writes_per_call":..,
 *    "port_reads_per_call":..,"hub_ops_per_call":..}
 * Port reads include the polls of STATUS while waiting, so they grow with
 * the wait; writes (one per hub exchange) do not.
 * usage: mpirun -np N [-x LD_PRELOAD=... -x PAPERS_SIM=...] mpi_interposer_bench [--iters K]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* papers_stats_t as papers.h defines it; looked up at run time so the
 * program links against MPI only. */
typedef struct {
    uint64_t port_reads, port_writes, hub_ops, calls;
} stats_t;
typedef int (*stats_fn)(stats_t *);
typedef int (*reset_fn)(void);
typedef const char *(*name_fn)(void);

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

enum { OP_BARRIER, OP_ALLREDUCE_INT, OP_ALLREDUCE_DOUBLE, OP_COUNT };
static const char *const op_names[] = {"MPI_Barrier", "MPI_Allreduce(1 int)",
                                       "MPI_Allreduce(1 double)"};

static void one_call(int op, int i) {
    if (op == OP_BARRIER) {
        MPI_Barrier(MPI_COMM_WORLD);
    } else if (op == OP_ALLREDUCE_INT) {
        int in = i, out;
        MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    } else {
        double in = i * 0.5, out;
        MPI_Allreduce(&in, &out, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    }
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size, iters = 2000;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--iters") && i + 1 < argc) {
            iters = atoi(argv[++i]);
        } else {
            if (rank == 0) fprintf(stderr, "usage: mpi_interposer_bench [--iters K]\n");
            MPI_Finalize();
            return 2;
        }
    }
    if (iters < 10) iters = 10;

    stats_fn stats = (stats_fn)dlsym(RTLD_DEFAULT, "papers_stats");
    reset_fn reset = (reset_fn)dlsym(RTLD_DEFAULT, "papers_stats_reset");
    name_fn backend = (name_fn)dlsym(RTLD_DEFAULT, "papers_backend_name");
    stats_t st;
    const int on_hub = stats && reset && backend && stats(&st) == 0;

    double *t = malloc(sizeof(double) * (size_t)iters);
    for (int op = 0; op < OP_COUNT; ++op) {
        for (int i = 0; i < iters / 10; ++i) one_call(op, i); /* warm-up */
        MPI_Barrier(MPI_COMM_WORLD);
        if (on_hub) reset();
        for (int i = 0; i < iters; ++i) {
            const double t0 = now_us();
            one_call(op, i);
            t[i] = now_us() - t0;
        }
        memset(&st, 0, sizeof st);
        if (on_hub) stats(&st);
        qsort(t, (size_t)iters, sizeof(double), cmp_double);
        if (rank == 0) {
            printf("{\"bench\":\"mpi_interposer\",\"op\":\"%s\",\"np\":%d,\"via\":\"%s\","
                   "\"backend\":\"%s\",\"iters\":%d,\"median_us\":%.3f,\"p99_us\":%.3f,"
                   "\"port_accesses_per_call\":%.2f,\"port_writes_per_call\":%.2f,"
                   "\"port_reads_per_call\":%.2f,\"hub_ops_per_call\":%.2f}\n",
                   op_names[op], size, on_hub ? "papers-pmpi" : "openmpi",
                   on_hub ? backend() : "openmpi", iters, t[iters / 2],
                   t[(size_t)((iters - 1) * 0.99)],
                   (double)(st.port_reads + st.port_writes) / iters,
                   (double)st.port_writes / iters, (double)st.port_reads / iters,
                   (double)st.hub_ops / iters);
            fflush(stdout);
        }
    }
    free(t);
    MPI_Finalize();
    return 0;
}
