/* consumer_afapi.c — a classic AFAPI source, unchanged, against an installed papers. */
#include <stdio.h>
#include <stdlib.h>

#include "afapi.h"

int main(void) {
    if (p_init()) exit(1);
    double sum = p_reduceAdd64f((double)(IPROC + 1));
    if (IPROC == CPROC) printf("consumer_afapi: NPROC %d, sum %.1f\n", NPROC, sum);
    p_exit();
    return 0;
}
