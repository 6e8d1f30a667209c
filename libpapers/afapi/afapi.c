/* afapi.c — the AFAPI names (papers/afapi.h) as real exported functions of
 * libpapers, each one papers_* call. AFAPI had no error returns after
 * p_init, so a failure here is fail-stop: print why, exit(1). */
#include "papers/afapi.h"

#include <stdio.h>
#include <stdlib.h>

#include "papers/papers.h"

/* Prints the reason of a failed call and ends the process. papersrun sees
 * the non-zero exit and stops the other PEs, which would otherwise wait
 * for this one until their timeout. */
static void fail(const char *call, int rc) {
    fflush(stdout);
    fprintf(stderr, "afapi: %s failed: %s [%s]\n", call, papers_errmsg(), papers_strerror(rc));
    exit(1);
}

static int checked(const char *call, int rc) {
    if (rc < 0) fail(call, rc);
    return rc;
}

int p_init(void) {
    const int rc = papers_init();
    if (rc < 0) {
        fprintf(stderr, "afapi: p_init failed: %s [%s]\n", papers_errmsg(), papers_strerror(rc));
        return 1;
    }
    return 0;
}

int p_exit(void) {
    checked("p_exit", papers_finalize());
    return 0;
}

/* IPROC and NPROC before p_init (or after p_exit) have no meaningful value;
 * a loop "for (i = IPROC; i < n; i += NPROC)" would spin forever on 0. */
static int who(const char *name, int v) {
    if (v < 0) {
        fflush(stdout);
        fprintf(stderr, "afapi: %s used before p_init() succeeded (or after p_exit())\n", name);
        exit(1);
    }
    return v;
}

int p_iproc(void) { return who("IPROC", papers_rank()); }
int p_nproc(void) { return who("NPROC", papers_size()); }

int p_wait(void) {
    checked("p_wait", papers_barrier());
    return 0;
}

int p_any(int flag) { return checked("p_any", papers_any(flag)); }
int p_all(int flag) { return checked("p_all", papers_all(flag)); }
int p_count(int flag) { return checked("p_count", papers_count(flag)); }

uint64_t p_waitvec(int flag) {
    uint64_t mask = 0;
    checked("p_waitvec", papers_waitvec(flag, &mask));
    return mask;
}

/* -1 is a result here ("nobody" / "not queued"); these calls take no
 * argument that could be invalid, so -1 is never PAPERS_EINVAL. */
int p_first(int flag) {
    const int rc = papers_first(flag);
    return rc == -1 ? -1 : checked("p_first", rc);
}

int p_enqueue(int flag) {
    const int rc = papers_enqueue(flag);
    return (rc == -1 && !flag) ? -1 : checked("p_enqueue", rc);
}

/* The typed families, one X-macro row per <bits><suffix>. */
#define AFAPI_INT_TYPES(X)                                                          \
    X(8, int8_t, PAPERS_INT8) X(8u, uint8_t, PAPERS_UINT8) X(16, int16_t, PAPERS_INT16) \
    X(16u, uint16_t, PAPERS_UINT16) X(32, int32_t, PAPERS_INT32)                    \
    X(32u, uint32_t, PAPERS_UINT32) X(64, int64_t, PAPERS_INT64)                    \
    X(64u, uint64_t, PAPERS_UINT64)
#define AFAPI_ALL_TYPES(X) AFAPI_INT_TYPES(X) X(32f, float, PAPERS_FLOAT) X(64f, double, PAPERS_DOUBLE)

#define AFAPI_BCAST(sfx, T, code)                                       \
    T p_bcast##sfx(T value, int root) {                                 \
        checked("p_bcast" #sfx, papers_bcast(&value, sizeof value, root)); \
        return value;                                                   \
    }
#define AFAPI_GATHER(sfx, T, code)                                       \
    void p_gather##sfx(T *buf, T value) {                                \
        checked("p_gather" #sfx, papers_gather(&value, buf, sizeof value)); \
    }
#define AFAPI_PUTGET(sfx, T, code)                                            \
    T p_putget##sfx(T value, int src) {                                       \
        T got = 0;                                                            \
        checked("p_putget" #sfx, papers_putget(&value, &got, sizeof value, src)); \
        return got;                                                           \
    }
#define AFAPI_REDUCE(name, op, sfx, T, code)                                          \
    T p_reduce##name##sfx(T value) {                                                  \
        T result = 0;                                                                 \
        checked("p_reduce" #name #sfx, papers_reduce(&value, &result, 1, code, op)); \
        return result;                                                                \
    }
#define AFAPI_ADD(sfx, T, code) AFAPI_REDUCE(Add, PAPERS_SUM, sfx, T, code)
#define AFAPI_MUL(sfx, T, code) AFAPI_REDUCE(Mul, PAPERS_PROD, sfx, T, code)
#define AFAPI_MIN(sfx, T, code) AFAPI_REDUCE(Min, PAPERS_MIN, sfx, T, code)
#define AFAPI_MAX(sfx, T, code) AFAPI_REDUCE(Max, PAPERS_MAX, sfx, T, code)
#define AFAPI_AND(sfx, T, code) AFAPI_REDUCE(And, PAPERS_BAND, sfx, T, code)
#define AFAPI_OR(sfx, T, code) AFAPI_REDUCE(Or, PAPERS_BOR, sfx, T, code)

AFAPI_ALL_TYPES(AFAPI_BCAST)
AFAPI_ALL_TYPES(AFAPI_GATHER)
AFAPI_ALL_TYPES(AFAPI_PUTGET)
AFAPI_ALL_TYPES(AFAPI_ADD)
AFAPI_ALL_TYPES(AFAPI_MUL)
AFAPI_ALL_TYPES(AFAPI_MIN)
AFAPI_ALL_TYPES(AFAPI_MAX)
AFAPI_INT_TYPES(AFAPI_AND)
AFAPI_INT_TYPES(AFAPI_OR)
