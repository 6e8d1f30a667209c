/* failtest.c — a PE that misbehaves on purpose, for the failure tests.
 *   failtest never-arrives K   rank K joins, then never arrives at the barrier
 *   failtest claim-rank P R    the PE on port P claims rank R
 *   failtest claim-size P S    the PE on port P claims PAPERS_SIZE=S
 *   failtest kill-self K       rank K dies by SIGKILL while the others are in
 *                              the barrier (tests/reliability: fault matrix)
 *   failtest stop-self K       rank K stops itself (SIGSTOP) instead
 *   failtest barriers S        barriers for S seconds (a helper is killed or a link
 *                              goes down meanwhile); "barriers running" after the first
 * Every rank whose barrier succeeds prints "rank R: barrier ok" (a fault
 * test asserts that no survivor claims success).
 * Exit: 0 ok, 3 an operation failed, 4 papers_init failed. */
#include <papers/papers.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    int me = atoi(getenv("PAPERS_RANK") ? getenv("PAPERS_RANK") : "0");
    char buf[32];
    if ((!strcmp(mode, "claim-rank") || !strcmp(mode, "claim-size")) && argc > 3 &&
        me == atoi(argv[2])) {
        snprintf(buf, sizeof buf, "%d", me);
        setenv("PAPERS_SIM_PORT", buf, 1);
        setenv(!strcmp(mode, "claim-rank") ? "PAPERS_RANK" : "PAPERS_SIZE", argv[3], 1);
    }
    int rc = papers_init();
    if (rc) {
        fprintf(stderr, "failtest: papers_init: %s: %s\n", papers_strerror(rc), papers_errmsg());
        return 4;
    }
    me = papers_rank(); /* the backend's numbering (mpi sets no PAPERS_RANK) */
    if (!strcmp(mode, "never-arrives") && argc > 2 && me == atoi(argv[2])) {
        sleep(30); /* joined the job, then never arrives; papersrun kills us */
        return 0;
    }
    if ((!strcmp(mode, "kill-self") || !strcmp(mode, "stop-self")) && argc > 2 &&
        me == atoi(argv[2])) {
        papers_barrier(); /* everyone is in the job */
        raise(!strcmp(mode, "kill-self") ? SIGKILL : SIGSTOP);
        return 0;
    }
    if (!strcmp(mode, "kill-self") || !strcmp(mode, "stop-self")) {
        papers_barrier();
        usleep(100 * 1000); /* let the victim act before our barrier */
    }
    if (!strcmp(mode, "barriers") && argc > 2) {
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int done = 0;
        do {
            rc = papers_barrier();
            clock_gettime(CLOCK_MONOTONIC, &t);
            if (!rc && ++done == 1) { /* the fault test waits for this (the link works) */
                printf("rank %d: barriers running\n", me);
                fflush(stdout);
            }
        } while (!rc && t.tv_sec - t0.tv_sec < atoi(argv[2]));
        if (rc) {
            fprintf(stderr, "failtest: papers_barrier: %s: %s\n", papers_strerror(rc), papers_errmsg());
            papers_finalize();
            return 3;
        }
    }
    rc = papers_barrier();
    if (rc) {
        fprintf(stderr, "failtest: papers_barrier: %s: %s\n", papers_strerror(rc), papers_errmsg());
        rc = papers_barrier();
        fprintf(stderr, "failtest: next call: %s: %s\n", papers_strerror(rc), papers_errmsg());
        papers_finalize();
        return 3;
    }
    printf("rank %d: barrier ok\n", me);
    papers_finalize();
    return 0;
}
