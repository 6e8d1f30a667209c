/* mismatch_test.c — PEs that disagree on the collective sequence.
 *
 *   mismatch_test bcast-vs-reduce   rank 0 broadcasts 8 bytes, the others
 *                                   all-reduce one double
 *   mismatch_test gather-sizes      rank 0 gathers 4 bytes per PE, the others 8
 *   mismatch_test reduce-types A B  rank 0 all-reduces one element of type A,
 *                                   the others one of type B (SUM)
 *   mismatch_test reduce-ops A B    rank 0 all-reduces one int32 with op A,
 *                                   the others with op B
 *
 * With PAPERS_DEBUG=1 every PE must get PAPERS_EMISMATCH (the tag check of
 * docs/hub-protocol.md), and the session is then broken (PAPERS_EBROKEN).
 * Without it the hub cannot see the disagreement: the call gives wrong
 * data or PAPERS_ETIMEDOUT, bounded by PAPERS_TIMEOUT — never a hang.
 * Prints "rank R: <call> returned <rc> (<name>): <message>" per PE.
 * Exit 0 when every PE behaved as described, 1 otherwise.
 */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static const char *const kTypes[] = {"int8",   "int16",  "int32",  "int64", "uint8",
                                     "uint16", "uint32", "uint64", "float", "double"};
static const char *const kOps[] = {"sum", "prod", "min", "max", "band",
                                   "bor", "bxor", "land", "lor"};

/* Index of `name` in names[0..n), or -1. */
static int lookup(const char *name, const char *const *names, int n) {
    for (int i = 0; i < n; ++i)
        if (name && !strcmp(name, names[i])) return i;
    return -1;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    const char *debug = getenv("PAPERS_DEBUG");
    const int tagged = debug && strcmp(debug, "0") != 0;
    int rc = papers_init();
    if (rc) {
        fprintf(stderr, "papers_init: %s: %s\n", papers_strerror(rc), papers_errmsg());
        return 4;
    }
    const int me = papers_rank();
    const char *call = "";
    if (!strcmp(mode, "bcast-vs-reduce")) {
        double v = me + 0.5, r = 0;
        call = me == 0 ? "papers_bcast(8 bytes)" : "papers_reduce(1 double, SUM)";
        rc = me == 0 ? papers_bcast(&v, sizeof v, 0)
                     : papers_reduce(&v, &r, 1, PAPERS_DOUBLE, PAPERS_SUM);
    } else if (!strcmp(mode, "gather-sizes")) {
        uint64_t mine = (uint64_t)me, all[64];
        call = me == 0 ? "papers_gather(4 bytes)" : "papers_gather(8 bytes)";
        rc = papers_gather(&mine, all, me == 0 ? 4 : 8);
    } else if (!strcmp(mode, "reduce-types") || !strcmp(mode, "reduce-ops")) {
        const int by_type = !strcmp(mode, "reduce-types");
        const char *const *names = by_type ? kTypes : kOps;
        const int n = by_type ? PAPERS_TYPE_COUNT_ : PAPERS_OP_COUNT_;
        const int a = lookup(argc > 2 ? argv[2] : NULL, names, n);
        const int b = lookup(argc > 3 ? argv[3] : NULL, names, n);
        if (a < 0 || b < 0) {
            fprintf(stderr, "usage: mismatch_test %s A B (names as in papers.h, lower case)\n",
                    mode);
            return 2;
        }
        const int mine = me == 0 ? a : b;
        const papers_type_t type = by_type ? (papers_type_t)mine : PAPERS_INT32;
        const papers_op_t op = by_type ? PAPERS_SUM : (papers_op_t)mine;
        unsigned char in[8] = {1}, out[8];
        static char what[64];
        snprintf(what, sizeof what, "papers_reduce(1 %s, %s)", kTypes[type], kOps[op]);
        call = what;
        rc = papers_reduce(in, out, 1, type, op);
    } else {
        fprintf(stderr, "usage: mismatch_test bcast-vs-reduce|gather-sizes|reduce-types A B|"
                        "reduce-ops A B\n");
        return 2;
    }
    printf("rank %d: %s returned %d (%s): %s\n", me, call, rc, papers_strerror(rc),
           rc ? papers_errmsg() : "no error seen");
    fflush(stdout);
    int ok;
    if (tagged) {
        ok = rc == PAPERS_EMISMATCH;
        const int next = papers_barrier();
        CHECK(next == PAPERS_EBROKEN, "after EMISMATCH the session is broken: %d", next);
        ok = ok && next == PAPERS_EBROKEN;
    } else {
        ok = rc == 0 || rc == PAPERS_ETIMEDOUT;
    }
    papers_finalize();
    return ok ? 0 : 1;
}
