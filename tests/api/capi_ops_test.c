/* capi_ops_test.c — the C API's vote vectors, queueing, putget, array
 * reductions and min/max-with-location, checked through real PEs under
 * papersrun on any backend; on the nybble backends (sim, capers, hub) also
 * the exchange counts of docs/hub-protocol.md through papers_stats().
 *
 *   papersrun -np 5 build/bin/api_capi_ops_test
 */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static int me, n;

/* A deterministic int64 input of rank r, element i; some zeros and
 * negatives so that LAND/LOR and signed MIN/MAX matter. Products use small
 * factors so floating point stays finite. */
static int64_t input(int r, int i, papers_op_t op) {
    if (r == 1 && i == 2) return 0;
    if (op == PAPERS_PROD) return (i % 2 ? -1 : 1) * (int64_t)((r + i) % 3 + 1);
    const int64_t v = (int64_t)r * 37 + (int64_t)i * 11 + 3;
    return (i % 2) ? -v : v * 1000003;
}

/* Element of `type` made from v (truncation = the two's-complement bits). */
static void store(void *p, papers_type_t t, int64_t v) {
    switch (t) {
        case PAPERS_INT8: *(int8_t *)p = (int8_t)v; break;
        case PAPERS_UINT8: *(uint8_t *)p = (uint8_t)v; break;
        case PAPERS_INT16: *(int16_t *)p = (int16_t)v; break;
        case PAPERS_UINT16: *(uint16_t *)p = (uint16_t)v; break;
        case PAPERS_INT32: *(int32_t *)p = (int32_t)v; break;
        case PAPERS_UINT32: *(uint32_t *)p = (uint32_t)v; break;
        case PAPERS_INT64: *(int64_t *)p = v; break;
        case PAPERS_UINT64: *(uint64_t *)p = (uint64_t)v; break;
        case PAPERS_FLOAT: *(float *)p = (float)v / 7.0f; break;
        case PAPERS_DOUBLE: *(double *)p = (double)v / 7.0; break;
        default: break;
    }
}

static size_t width(papers_type_t t) {
    static const size_t w[] = {1, 2, 4, 8, 1, 2, 4, 8, 4, 8};
    return w[t];
}

/* acc = acc (op) x for one element, the way the library documents it:
 * integers wrap, floats combine in the element type in rank order. */
#define COMBINE_INT(T)                                                                \
    do {                                                                              \
        T a = *(T *)acc, b = *(const T *)x;                                           \
        switch (op) {                                                                 \
            case PAPERS_SUM: a = (T)((uint64_t)a + (uint64_t)b); break;               \
            case PAPERS_PROD: a = (T)((uint64_t)a * (uint64_t)b); break;              \
            case PAPERS_MIN: a = b < a ? b : a; break;                                \
            case PAPERS_MAX: a = b > a ? b : a; break;                                \
            case PAPERS_BAND: a = (T)(a & b); break;                                  \
            case PAPERS_BOR: a = (T)(a | b); break;                                   \
            case PAPERS_BXOR: a = (T)(a ^ b); break;                                  \
            case PAPERS_LAND: a = (T)(a != 0 && b != 0); break;                       \
            case PAPERS_LOR: a = (T)(a != 0 || b != 0); break;                        \
            default: break;                                                           \
        }                                                                             \
        *(T *)acc = a;                                                                \
    } while (0)
#define COMBINE_FLOAT(T)                                                              \
    do {                                                                              \
        T a = *(T *)acc, b = *(const T *)x;                                           \
        switch (op) {                                                                 \
            case PAPERS_SUM: a = a + b; break;                                        \
            case PAPERS_PROD: a = a * b; break;                                       \
            case PAPERS_MIN: a = b < a ? b : a; break;                                \
            case PAPERS_MAX: a = b > a ? b : a; break;                                \
            case PAPERS_LAND: a = (T)(a != 0 && b != 0); break;                       \
            case PAPERS_LOR: a = (T)(a != 0 || b != 0); break;                        \
            default: break;                                                           \
        }                                                                             \
        *(T *)acc = a;                                                                \
    } while (0)

static void combine1(void *acc, const void *x, papers_type_t t, papers_op_t op) {
    switch (t) {
        case PAPERS_INT8: COMBINE_INT(int8_t); break;
        case PAPERS_UINT8: COMBINE_INT(uint8_t); break;
        case PAPERS_INT16: COMBINE_INT(int16_t); break;
        case PAPERS_UINT16: COMBINE_INT(uint16_t); break;
        case PAPERS_INT32: COMBINE_INT(int32_t); break;
        case PAPERS_UINT32: COMBINE_INT(uint32_t); break;
        case PAPERS_INT64: COMBINE_INT(int64_t); break;
        case PAPERS_UINT64: COMBINE_INT(uint64_t); break;
        case PAPERS_FLOAT: COMBINE_FLOAT(float); break;
        case PAPERS_DOUBLE: COMBINE_FLOAT(double); break;
        default: break;
    }
}

/* Logical ops: one PE's value already reads as 1 or 0. */
static void normalise(void *p, papers_type_t t) {
    static const unsigned char zero[8];
    if (t == PAPERS_FLOAT) *(float *)p = *(float *)p != 0;
    else if (t == PAPERS_DOUBLE) *(double *)p = *(double *)p != 0;
    else store(p, t, memcmp(p, zero, width(t)) != 0);
}

enum { COUNT = 5 };

static void check_reduce(papers_type_t t, papers_op_t op) {
    unsigned char in[COUNT * 8], out[COUNT * 8], want[COUNT * 8], x[8];
    const size_t w = width(t);
    for (int i = 0; i < COUNT; ++i) {
        store(in + i * w, t, input(me, i, op));
        store(want + i * w, t, input(0, i, op));
        if (op == PAPERS_LAND || op == PAPERS_LOR) normalise(want + i * w, t);
        for (int r = 1; r < n; ++r) {
            store(x, t, input(r, i, op));
            combine1(want + i * w, x, t, op);
        }
    }
    memset(out, 0xA5, sizeof out);
    CHECK_OK(papers_reduce(in, out, COUNT, t, op));
    CHECK(!memcmp(out, want, COUNT * w), "reduce type %d op %d: result differs", (int)t, (int)op);
    /* In place gives the same. */
    CHECK_OK(papers_reduce(in, in, COUNT, t, op));
    CHECK(!memcmp(in, want, COUNT * w), "in-place reduce type %d op %d differs", (int)t, (int)op);
}

/* Exchanges (hub operations) of one call, measured by papers_stats. */
static uint64_t hub_ops_since_reset(void) {
    papers_stats_t s;
    CHECK_OK(papers_stats(&s));
    CHECK(s.port_writes == s.hub_ops, "one DATA write per exchange: %llu writes, %llu ops",
          (unsigned long long)s.port_writes, (unsigned long long)s.hub_ops);
    CHECK(s.port_reads >= s.hub_ops, "at least one STATUS read per exchange");
    return s.hub_ops;
}

#define COST(call, expected)                                                           \
    do {                                                                               \
        CHECK_OK(papers_stats_reset());                                                \
        CHECK_OK(call);                                                                \
        const uint64_t got_ = hub_ops_since_reset(), want_ = (expected);               \
        CHECK(got_ == want_, "%s cost %llu exchanges, docs/hub-protocol.md says %llu", \
              #call, (unsigned long long)got_, (unsigned long long)want_);             \
    } while (0)

static unsigned long long min_u(unsigned long long a, unsigned long long b) { return a < b ? a : b; }

int main(void) {
    int rc = papers_init();
    if (rc) {
        fprintf(stderr, "papers_init: %s: %s\n", papers_strerror(rc), papers_errmsg());
        return 4;
    }
    me = papers_rank();
    n = papers_size();
    const uint64_t all_bits = n == 64 ? ~0ull : (1ull << n) - 1;

    /* ---- votes, waitvec, count, first, enqueue ---- */
    uint64_t mask = 0;
    CHECK_OK(papers_waitvec(me % 2, &mask));
    CHECK(mask == (0xAAAAAAAAAAAAAAAAull & all_bits), "waitvec odd ranks: %llx",
          (unsigned long long)mask);
    CHECK_OK(papers_waitvec(1, &mask));
    CHECK(mask == all_bits, "waitvec everyone: %llx", (unsigned long long)mask);
    CHECK_OK(papers_waitvec(0, &mask));
    CHECK(mask == 0, "waitvec nobody: %llx", (unsigned long long)mask);
    CHECK(papers_count(me < 2) == (n < 2 ? n : 2), "count(me < 2)");
    CHECK(papers_count(0) == 0, "count(0)");
    CHECK(papers_first(me >= n / 2) == n / 2, "first(me >= n/2)");
    CHECK(papers_first(0) == -1, "first(0) is -1");
    CHECK(papers_first(me == n - 1) == n - 1, "first(last)");
    const int q = papers_enqueue(me % 2 == 0);
    CHECK(q == (me % 2 == 0 ? me / 2 : -1), "enqueue(even): got %d", q);
    CHECK(papers_any(me == n - 1) == 1, "any(last rank)");
    CHECK(papers_all(me != 0) == 0, "all(rank != 0)");
    CHECK(papers_all(1) == 1 && papers_any(0) == 0, "all(1)/any(0)");

    /* ---- putget: ring, many-to-one, self, odd sizes ---- */
    int64_t put = me * 1000 + 7, got = 0;
    const int next = (me + 1) % n;
    CHECK_OK(papers_putget(&put, &got, sizeof put, next));
    CHECK(got == next * 1000 + 7, "ring putget got %lld", (long long)got);
    CHECK_OK(papers_putget(&put, &got, sizeof put, 0));
    CHECK(got == 7, "many-to-one putget got %lld", (long long)got);
    CHECK_OK(papers_putget(&put, &got, sizeof put, me));
    CHECK(got == put, "self putget got %lld", (long long)got);
    unsigned char block[13], back[13];
    for (int i = 0; i < 13; ++i) block[i] = (unsigned char)(me * 16 + i);
    const int prev = (me + n - 1) % n;
    CHECK_OK(papers_putget(block, back, sizeof block, prev));
    int same = 1;
    for (int i = 0; i < 13; ++i) same &= back[i] == (unsigned char)(prev * 16 + i);
    CHECK(same, "13-byte putget from rank %d", prev);

    /* ---- array reductions of every type and op ---- */
    for (int t = 0; t < PAPERS_TYPE_COUNT_; ++t)
        for (int op = 0; op < PAPERS_OP_COUNT_; ++op) {
            const int bitwise = op == PAPERS_BAND || op == PAPERS_BOR || op == PAPERS_BXOR;
            if (bitwise && t >= PAPERS_FLOAT) continue;
            check_reduce((papers_type_t)t, (papers_op_t)op);
        }

    /* ---- min/max with location; ties go to the lowest rank ---- */
    int32_t v = me == n - 1 ? -50 : (me % 3) * 10; /* the last rank holds the minimum */
    int who = -2;
    CHECK_OK(papers_reduce_loc(&v, &who, PAPERS_INT32, PAPERS_MIN));
    CHECK(v == -50 && who == n - 1, "minloc: %d at %d", v, who);
    v = (n > 2 && (me == 1 || me == 2)) ? 99 : me;
    CHECK_OK(papers_reduce_loc(&v, &who, PAPERS_INT32, PAPERS_MAX));
    CHECK(n > 2 ? (v == 99 && who == 1) : (v == n - 1 && who == n - 1), "maxloc tie: %d at %d",
          v, who);
    double d = me == 0 ? 2.5 : -1.0 / (me + 1);
    CHECK_OK(papers_reduce_loc(&d, &who, PAPERS_DOUBLE, PAPERS_MAX));
    CHECK(d == 2.5 && who == 0, "double maxloc: %g at %d", d, who);
    uint8_t u8 = (uint8_t)(200 + me);
    CHECK_OK(papers_reduce_loc(&u8, &who, PAPERS_UINT8, PAPERS_MIN));
    CHECK(u8 == 200 && who == 0, "uint8 minloc: %u at %d", u8, who);

    /* ---- costs on the nybble engine (docs/hub-protocol.md table) ---- */
    const char *b = papers_backend_name();
    if (n > 1 && (!strcmp(b, "sim") || !strcmp(b, "capers") || !strcmp(b, "hub"))) {
        const unsigned long long N = (unsigned long long)n, lanes = (N + 3) / 4;
        int32_t i32 = me, o32 = 0;
        uint64_t u64 = 1ull << me, o64 = 0;
        int32_t arr[COUNT] = {1, 0, 1, 1, 0}, oarr[COUNT];
        COST(papers_barrier(), 1);
        COST(papers_any(1), 1);
        COST(papers_waitvec(1, &mask), lanes);
        COST(papers_count(1), lanes);
        COST(papers_first(1), lanes);
        COST(papers_enqueue(1), lanes);
        COST(papers_bcast(&i32, sizeof i32, 0), 8);
        int32_t *all = malloc(sizeof(int32_t) * N);
        COST(papers_gather(&i32, all, sizeof i32), 8 * N);
        free(all);
        COST(papers_reduce(&i32, &o32, 1, PAPERS_INT32, PAPERS_SUM), 8 * N);
        COST(papers_reduce(&u64, &o64, 1, PAPERS_UINT64, PAPERS_BOR), 16);
        COST(papers_reduce(&i32, &o32, 1, PAPERS_INT32, PAPERS_MAX), min_u(8 * N, 32));
        COST(papers_reduce(arr, oarr, COUNT, PAPERS_INT32, PAPERS_LAND), 2);
        COST(papers_reduce_loc(&i32, &who, PAPERS_INT32, PAPERS_MAX), min_u(32 + lanes, 8 * N));
        /* putget from the next rank: every rank is wanted by another one. */
        COST(papers_putget(&i32, &o32, sizeof i32, next), lanes + 8 * N);
        /* Everybody reads rank 0: one block on the wire. */
        COST(papers_putget(&i32, &o32, sizeof i32, 0), lanes + 8);
        papers_stats_t s;
        CHECK_OK(papers_stats_reset());
        CHECK_OK(papers_barrier());
        CHECK_OK(papers_stats(&s));
        CHECK(s.calls == 1, "stats.calls counts collective calls: %llu", (unsigned long long)s.calls);
    }

    const int status = check_report("capi_ops");
    CHECK_OK(papers_finalize());
    return status;
}
