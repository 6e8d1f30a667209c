/* pi.c — numerical integration of 4/(1+x^2) over [0,1], the classic first
 * PAPERS program: each PE sums every NPROC-th interval, one all-reduce adds
 * the partial sums, rank 0 prints the result.
 *
 *   papersrun -np 4 build/bin/pi [intervals]
 */
#include <papers/papers.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long intervals = argc > 1 ? atol(argv[1]) : 1000000;
    if (intervals <= 0) {
        fprintf(stderr, "pi: intervals must be positive\n");
        return 2;
    }
    int rc = papers_init();
    if (rc) {
        fprintf(stderr, "pi: papers_init: %s: %s\n", papers_strerror(rc), papers_errmsg());
        return 1;
    }
    const int rank = papers_rank(), size = papers_size();
    const double width = 1.0 / (double)intervals;
    double sum = 0.0, total = 0.0;
    for (long i = rank; i < intervals; i += size) {
        const double x = ((double)i + 0.5) * width;
        sum += 4.0 / (1.0 + x * x);
    }
    rc = papers_reduce(&sum, &total, 1, PAPERS_DOUBLE, PAPERS_SUM);
    if (rc) {
        fprintf(stderr, "pi: papers_reduce: %s: %s\n", papers_strerror(rc), papers_errmsg());
        return 1;
    }
    if (rank == 0)
        printf("pi = %.15f  (%ld intervals, %d PEs, backend %s)\n", total * width, intervals,
               size, papers_backend_name());
    rc = papers_finalize();
    if (rc) {
        fprintf(stderr, "pi: papers_finalize: %s: %s\n", papers_strerror(rc), papers_errmsg());
        return 1;
    }
    return 0;
}
