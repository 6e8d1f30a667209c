/* heat1d.c — 1-D heat equation by Jacobi iteration, split over the PEs.
 *
 * A rod of NPES*L cells between a hot end (1.0) and a cold end (0.0),
 * initially cold. Each PE owns L cells plus two ghost cells; every step
 *   - gets its left ghost from the left neighbour and its right ghost from
 *     the right neighbour with two papers_putget calls (each PE puts one
 *     edge value and gets the value put by its neighbour; the end PEs get
 *     their own value and ignore it: their ghost is the fixed boundary);
 *   - does one Jacobi sweep, u'[i] = (u[i-1] + u[i+1]) / 2;
 *   - agrees on convergence with an all-reduce MAX of the largest change;
 *   - passes a barrier (one exchange: the step is over on every PE).
 * At the end rank 0 gathers the rod, reruns the same iteration serially and
 * checks the two agree bit for bit, and against the exact steady state
 * (a straight line).
 *
 *   papersrun -np 4 build/bin/heat1d [CELLS_PER_PE [TOLERANCE [MAX_STEPS]]]
 */
#include <math.h>
#include <papers/papers.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, int rc) {
    fprintf(stderr, "heat1d: %s: %s: %s\n", what, papers_strerror(rc), papers_errmsg());
    return 1;
}

/* One Jacobi sweep over u[1..n] (u[0], u[n+1] are ghosts); returns max |change|. */
static double sweep(const double *u, double *next, int n) {
    double change = 0.0;
    for (int i = 1; i <= n; ++i) {
        next[i] = 0.5 * (u[i - 1] + u[i + 1]);
        const double d = fabs(next[i] - u[i]);
        if (d > change) change = d;
    }
    return change;
}

/* The same iteration on the whole rod in one process; returns the steps taken. */
static int serial_rod(double *rod, int n, double tol, int max_steps) {
    double *u = calloc((size_t)n + 2, sizeof *u), *next = calloc((size_t)n + 2, sizeof *next);
    if (!u || !next) exit(1);
    u[0] = next[0] = 1.0;
    int steps = 0;
    double change = 1.0;
    while (change >= tol && steps < max_steps) {
        change = sweep(u, next, n);
        double *t = u;
        u = next;
        next = t;
        ++steps;
    }
    memcpy(rod, u + 1, (size_t)n * sizeof *rod);
    free(u);
    free(next);
    return steps;
}

int main(int argc, char **argv) {
    const int cells = argc > 1 ? atoi(argv[1]) : 4;
    const double tol = argc > 2 ? atof(argv[2]) : 1e-5;
    const int max_steps = argc > 3 ? atoi(argv[3]) : 5000;
    if (cells <= 0 || cells > 100000 || !(tol > 0) || max_steps <= 0) {
        fprintf(stderr, "usage: heat1d [CELLS_PER_PE>0 [TOLERANCE>0 [MAX_STEPS>0]]]\n");
        return 2;
    }
    int rc = papers_init();
    if (rc) return fail("papers_init", rc);
    const int me = papers_rank(), npes = papers_size();
    const int left = me > 0 ? me - 1 : me, right = me < npes - 1 ? me + 1 : me;

    double *u = calloc((size_t)cells + 2, sizeof *u), *next = calloc((size_t)cells + 2, sizeof *u);
    if (!u || !next) return fail("calloc", PAPERS_ENOMEM);
    if (me == 0) u[0] = next[0] = 1.0; /* hot end; the cold end stays 0 */

    int steps = 0;
    double change = 1.0;
    while (change >= tol && steps < max_steps) {
        double ghost;
        /* My right edge goes to my right neighbour's left ghost. */
        if ((rc = papers_putget(&u[cells], &ghost, sizeof ghost, left))) return fail("putget", rc);
        if (me > 0) u[0] = ghost;
        /* My left edge goes to my left neighbour's right ghost. */
        if ((rc = papers_putget(&u[1], &ghost, sizeof ghost, right))) return fail("putget", rc);
        if (me < npes - 1) u[cells + 1] = ghost;

        double mine = sweep(u, next, cells);
        next[0] = u[0];
        next[cells + 1] = u[cells + 1];
        if ((rc = papers_reduce(&mine, &change, 1, PAPERS_DOUBLE, PAPERS_MAX)))
            return fail("reduce max", rc);
        double *t = u;
        u = next;
        next = t;
        ++steps;
        if ((rc = papers_barrier())) return fail("barrier", rc);
    }

    const int n = cells * npes;
    double *rod = malloc((size_t)n * sizeof *rod);
    if (!rod) return fail("malloc", PAPERS_ENOMEM);
    if ((rc = papers_gather(&u[1], rod, (size_t)cells * sizeof *rod))) return fail("gather", rc);

    int status = 0;
    if (me == 0) {
        double *ref = malloc((size_t)n * sizeof *ref);
        if (!ref) return fail("malloc", PAPERS_ENOMEM);
        const int ref_steps = serial_rod(ref, n, tol, max_steps);
        const int identical = ref_steps == steps && !memcmp(ref, rod, (size_t)n * sizeof *rod);
        double exact_err = 0.0; /* steady state: a straight line from 1 to 0 */
        for (int i = 0; i < n; ++i) {
            const double e = fabs(rod[i] - (1.0 - (i + 1.0) / (n + 1.0)));
            if (e > exact_err) exact_err = e;
        }
        printf("heat1d: %d cells on %d PEs, %s after %d steps (last change %.3g, tolerance %g)\n",
               n, npes, change < tol ? "converged" : "NOT converged", steps, change, tol);
        printf("heat1d: u[0] = %.6f, u[%d] = %.6f, max error vs steady state %.3g\n", rod[0],
               n - 1, rod[n - 1], exact_err);
        printf("heat1d: serial rerun: %d steps, %s\n", ref_steps,
               identical ? "identical bit for bit" : "DIFFERENT");
        status = identical && change < tol ? 0 : 3;
        free(ref);
    }
    free(rod);
    free(u);
    free(next);
    if ((rc = papers_finalize())) return fail("papers_finalize", rc);
    return status;
}
