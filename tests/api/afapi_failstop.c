/* afapi_failstop.c — AFAPI calls have no error return, so a failure prints
 * "afapi: <call> failed: <reason>" and exits 1 (fail-stop).
 *
 *   afapi_failstop bad-root      every PE: p_bcast32(1, NPROC)    -> exit 1
 *   afapi_failstop bad-src       every PE: p_putget64f(1.0, -1)   -> exit 1
 *   afapi_failstop null-buf      every PE: p_gather16(NULL, 1)    -> exit 1
 *   afapi_failstop before-init   IPROC before p_init              -> exit 1
 *   afapi_failstop init          only p_init; prints its result (run it
 *                                with a broken environment: non-zero, exit 1)
 * Reaching the end of a mode that should have stopped prints
 * "NOT STOPPED" and exits 0, which the tests treat as a failure. */
#include "afapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "before-init")) {
        printf("IPROC = %d\n", IPROC);
    } else if (!strcmp(mode, "init")) {
        const int rc = p_init();
        printf("p_init returned %s\n", rc ? "non-zero" : "0");
        if (rc) exit(1);
    } else {
        if (p_init()) exit(1);
        if (!strcmp(mode, "bad-root")) printf("%d\n", (int)p_bcast32(1, NPROC));
        else if (!strcmp(mode, "bad-src")) printf("%g\n", p_putget64f(1.0, -1));
        else if (!strcmp(mode, "null-buf")) p_gather16(NULL, 1);
        else {
            fprintf(stderr, "usage: afapi_failstop bad-root|bad-src|null-buf|before-init|init\n");
            return 2;
        }
    }
    printf("NOT STOPPED\n");
    p_exit();
    return 0;
}
