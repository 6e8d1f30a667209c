/* afapi_test.c — every name of papers/afapi.h, called by every PE with
 * values whose result is known: IPROC/NPROC/CPROC, p_wait, the votes and
 * queueing calls, and the 86 typed p_bcast/p_gather/p_putget/p_reduce*
 * functions (the X-macro rows below paste each name, so a missing or
 * misspelt function fails to link).
 *
 *   papersrun -np 3 build/bin/api_afapi_test
 */
#include "afapi.h"

#include <stdint.h>
#include <stdlib.h>

#include "check.h"

#define INT_TYPES(X)                                                                          \
    X(8, int8_t) X(8u, uint8_t) X(16, int16_t) X(16u, uint16_t) X(32, int32_t) X(32u, uint32_t) \
    X(64, int64_t) X(64u, uint64_t)
#define ALL_TYPES(X) INT_TYPES(X) X(32f, float) X(64f, double)

/* Arithmetic families: bcast, gather, putget, Add, Mul, Min, Max. The
 * expected values are computed in the same type in PE order. */
#define TEST_ARITH(sfx, T)                                                                 \
    do {                                                                                   \
        const int me = IPROC, np = NPROC;                                                  \
        T b = p_bcast##sfx((T)(me * 3 + 1), np - 1);                                        \
        CHECK(b == (T)((np - 1) * 3 + 1), "p_bcast" #sfx);                                  \
        T buf[64];                                                                         \
        p_gather##sfx(buf, (T)(me + 1));                                                   \
        int gathered = 1;                                                                  \
        for (int r = 0; r < np; ++r) gathered &= buf[r] == (T)(r + 1);                     \
        CHECK(gathered, "p_gather" #sfx);                                                  \
        const int src = (me + 1) % np;                                                     \
        CHECK(p_putget##sfx((T)(me * 2), src) == (T)(src * 2), "p_putget" #sfx);            \
        T sum = (T)1, prod = (T)1;                                                         \
        for (int r = 1; r < np; ++r) {                                                     \
            sum = (T)(sum + (T)(r + 1));                                                   \
            prod = (T)(prod * (T)(r + 1));                                                 \
        }                                                                                  \
        CHECK(p_reduceAdd##sfx((T)(me + 1)) == sum, "p_reduceAdd" #sfx);                    \
        CHECK(p_reduceMul##sfx((T)(me + 1)) == prod, "p_reduceMul" #sfx);                   \
        CHECK(p_reduceMin##sfx((T)(me + 2)) == (T)2, "p_reduceMin" #sfx);                   \
        CHECK(p_reduceMax##sfx((T)(me + 2)) == (T)(np + 1), "p_reduceMax" #sfx);            \
    } while (0);

/* Bitwise families (integers only). */
#define TEST_BITS(sfx, T)                                                                  \
    do {                                                                                   \
        const int me = IPROC, np = NPROC;                                                  \
        T mine = (T)(0x0F | (1 << (me % 4 + 4))), and_ = mine, or_ = 0;                    \
        for (int r = 0; r < np; ++r) {                                                     \
            const T v = (T)(0x0F | (1 << (r % 4 + 4)));                                     \
            and_ = (T)(and_ & v);                                                          \
            or_ = (T)(or_ | v);                                                            \
        }                                                                                  \
        CHECK(p_reduceAnd##sfx(mine) == and_, "p_reduceAnd" #sfx);                          \
        CHECK(p_reduceOr##sfx(mine) == or_, "p_reduceOr" #sfx);                             \
    } while (0);

int main(void) {
    if (p_init()) exit(1);
    const int me = IPROC, np = NPROC;
    CHECK(me >= 0 && me < np && CPROC == 0, "IPROC %d NPROC %d CPROC %d", me, np, CPROC);
    CHECK(me == papers_rank() && np == papers_size(), "IPROC/NPROC agree with the C API");

    CHECK(p_wait() == 0, "p_wait");
    CHECK(p_any(me == np - 1) == 1 && p_any(0) == 0, "p_any");
    CHECK(p_all(1) == 1 && p_all(me != 0) == 0, "p_all");
    const uint64_t vec = p_waitvec(me % 2 == 0);
    uint64_t want = 0;
    for (int r = 0; r < np; r += 2) want |= 1ull << r;
    CHECK(vec == want, "p_waitvec %llx", (unsigned long long)vec);
    CHECK(p_count(1) == np && p_count(me == 0) == 1, "p_count");
    CHECK(p_first(me == np - 1) == np - 1 && p_first(0) == -1, "p_first");
    const int place = p_enqueue(me != 0);
    CHECK(place == (me == 0 ? -1 : me - 1), "p_enqueue: %d", place);

    ALL_TYPES(TEST_ARITH)
    INT_TYPES(TEST_BITS)

    /* The classic use: a double sum in PE order, bit-identical everywhere. */
    double part = 0.1 * (me + 1), expect = 0.1;
    for (int r = 1; r < np; ++r) expect += 0.1 * (r + 1);
    const double total = p_reduceAdd64f(part);
    CHECK(total == expect, "p_reduceAdd64f %.17g vs %.17g", total, expect);
    CHECK(p_reduceMax64f(-total) == -total, "p_reduceMax64f agrees everywhere");

    const int status = check_report("afapi");
    p_exit();
    return status;
}
