/* pi_afapi.c — the classic AFAPI pi program, written only with afapi.h
 * names (p_init, IPROC, NPROC, CPROC, p_reduceAdd64f, p_exit), as in
 * Dietz's Linux Parallel Processing HOWTO: each PE integrates 4/(1+x^2)
 * over every NPROC-th interval and one all-reduce adds the pieces.
 *
 *   papersrun -np 4 build/bin/pi_afapi [intervals]
 */
#include <stdio.h>
#include <stdlib.h>

#include "afapi.h"

int main(int argc, char **argv) {
    register double width, sum;
    register int intervals, i;

    if (p_init()) exit(1);

    /* get the number of intervals */
    intervals = (argc > 1) ? atoi(argv[1]) : 1000000;
    if (intervals <= 0) {
        if (IPROC == CPROC) fprintf(stderr, "pi_afapi: intervals must be positive\n");
        p_exit();
        exit(2);
    }
    width = 1.0 / intervals;

    /* do the local computations */
    sum = 0;
    for (i = IPROC; i < intervals; i += NPROC) {
        register double x = (i + 0.5) * width;
        sum += 4.0 / (1.0 + x * x);
    }

    /* sum across the local values */
    sum = p_reduceAdd64f(sum) * width;
    if (IPROC == CPROC) {
        printf("Estimation of pi is %.15f (%d intervals, %d PEs)\n", sum, intervals, NPROC);
    }

    p_exit();
    return 0;
}
