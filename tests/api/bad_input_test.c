/* bad_input_test.c — every C call with bad arguments: null buffers, count 0,
 * unknown type/op, root or source out of range, calls before init and
 * after finalize. Each must give the documented code and a message naming
 * the problem, never a crash or a hang; and because arguments are checked on
 * the calling PE before anything reaches the hub, the session must still
 * work afterwards.
 *
 *   papersrun -np 2 --timeout 5 build/bin/api_bad_input_test
 */
#include <stdint.h>

#include "check.h"

int main(void) {
    papers_stats_t st;
    /* ---- before papers_init ---- */
    CHECK_ERR(papers_barrier(), PAPERS_ENOTINIT, "papers_barrier: papers_init() has not succeeded");
    CHECK_ERR(papers_reduce(&st, &st, 1, PAPERS_INT32, PAPERS_SUM), PAPERS_ENOTINIT,
              "papers_reduce");
    CHECK(papers_rank() == PAPERS_ENOTINIT && papers_size() == PAPERS_ENOTINIT, "rank/size");
    CHECK(papers_backend_name()[0] == '\0', "backend name before init");
    CHECK_ERR(papers_finalize(), PAPERS_ENOTINIT, "papers_finalize: not initialised");
    CHECK_ERR(papers_stats(&st), PAPERS_ENOTINIT, "papers_stats");
    CHECK_ERR(papers_stats(NULL), PAPERS_EINVAL, "out is NULL");
    CHECK_ERR(papers_stats_reset(), PAPERS_ENOTINIT, "papers_stats_reset");

    int rc = papers_init();
    if (rc) {
        fprintf(stderr, "papers_init: %s: %s\n", papers_strerror(rc), papers_errmsg());
        return 4;
    }
    const int me = papers_rank(), n = papers_size();
    CHECK_ERR(papers_init(), PAPERS_EBUSY, "already initialised");

    int32_t x = me, y = 0, all[64];
    uint64_t mask = 0;
    int who = 0;

    /* ---- null buffers ---- */
    CHECK_ERR(papers_waitvec(1, NULL), PAPERS_EINVAL, "papers_waitvec: mask is NULL");
    CHECK_ERR(papers_bcast(NULL, 4, 0), PAPERS_EINVAL, "papers_bcast: buffer is NULL");
    CHECK_ERR(papers_gather(NULL, all, 4), PAPERS_EINVAL, "papers_gather: in or out buffer is NULL");
    CHECK_ERR(papers_gather(&x, NULL, 4), PAPERS_EINVAL, "papers_gather: in or out buffer is NULL");
    CHECK_ERR(papers_putget(NULL, &y, 4, 0), PAPERS_EINVAL, "papers_putget: in or out");
    CHECK_ERR(papers_putget(&x, NULL, 4, 0), PAPERS_EINVAL, "papers_putget: in or out");
    CHECK_ERR(papers_reduce(NULL, &y, 1, PAPERS_INT32, PAPERS_SUM), PAPERS_EINVAL,
              "papers_reduce: in or out buffer is NULL");
    CHECK_ERR(papers_reduce(&x, NULL, 1, PAPERS_INT32, PAPERS_SUM), PAPERS_EINVAL,
              "papers_reduce: in or out buffer is NULL");
    CHECK_ERR(papers_reduce_loc(NULL, &who, PAPERS_INT32, PAPERS_MIN), PAPERS_EINVAL,
              "papers_reduce_loc: in or out buffer is NULL");
    CHECK_ERR(papers_reduce_loc(&x, NULL, PAPERS_INT32, PAPERS_MIN), PAPERS_EINVAL,
              "papers_reduce_loc: rank pointer is NULL");
    CHECK_ERR(papers_stats(NULL), PAPERS_EINVAL, "papers_stats: out is NULL");

    /* ---- count 0 ---- */
    CHECK_ERR(papers_bcast(&x, 0, 0), PAPERS_EINVAL, "papers_bcast: bytes is 0");
    CHECK_ERR(papers_gather(&x, all, 0), PAPERS_EINVAL, "papers_gather: bytes is 0");
    CHECK_ERR(papers_putget(&x, &y, 0, 0), PAPERS_EINVAL, "papers_putget: bytes is 0");
    CHECK_ERR(papers_reduce(&x, &y, 0, PAPERS_INT32, PAPERS_SUM), PAPERS_EINVAL,
              "papers_reduce: count is 0");
    CHECK_ERR(papers_reduce(&x, &y, SIZE_MAX, PAPERS_INT32, PAPERS_SUM), PAPERS_EINVAL,
              "count is too large");

    /* ---- unknown type / op, op the type does not allow ---- */
    CHECK_ERR(papers_reduce(&x, &y, 1, (papers_type_t)99, PAPERS_SUM), PAPERS_EINVAL,
              "papers_reduce: unknown type 99");
    CHECK_ERR(papers_reduce(&x, &y, 1, (papers_type_t)-1, PAPERS_SUM), PAPERS_EINVAL,
              "unknown type -1");
    CHECK_ERR(papers_reduce(&x, &y, 1, PAPERS_TYPE_COUNT_, PAPERS_SUM), PAPERS_EINVAL,
              "unknown type");
    CHECK_ERR(papers_reduce(&x, &y, 1, PAPERS_INT32, (papers_op_t)42), PAPERS_EINVAL,
              "papers_reduce: unknown op 42");
    CHECK_ERR(papers_reduce(&x, &y, 1, PAPERS_INT32, PAPERS_OP_COUNT_), PAPERS_EINVAL, "unknown op");
    double dx = 1.0, dy = 0.0;
    CHECK_ERR(papers_reduce(&dx, &dy, 1, PAPERS_DOUBLE, PAPERS_BXOR), PAPERS_EINVAL,
              "needs an integer type");
    CHECK_ERR(papers_reduce(&dx, &dy, 1, PAPERS_FLOAT, PAPERS_BAND), PAPERS_EINVAL,
              "needs an integer type");
    CHECK_ERR(papers_reduce_loc(&x, &who, PAPERS_INT32, PAPERS_SUM), PAPERS_EINVAL,
              "op must be PAPERS_MIN or PAPERS_MAX");
    CHECK_ERR(papers_reduce_loc(&x, &who, (papers_type_t)77, PAPERS_MIN), PAPERS_EINVAL,
              "unknown type 77");

    /* ---- root / source out of range ---- */
    CHECK_ERR(papers_bcast(&x, 4, -1), PAPERS_ERANK, "papers_bcast: root -1 is not a rank");
    CHECK_ERR(papers_bcast(&x, 4, n), PAPERS_ERANK, "is not a rank of 0..");
    CHECK_ERR(papers_bcast(&x, 4, 1 << 30), PAPERS_ERANK, "root 1073741824");
    CHECK_ERR(papers_putget(&x, &y, 4, -3), PAPERS_ERANK, "papers_putget: source -3 is not a rank");
    CHECK_ERR(papers_putget(&x, &y, 4, n), PAPERS_ERANK, "is not a rank of 0..");

    /* ---- the codes have names ---- */
    for (int code = PAPERS_OK; code >= PAPERS_EBUSY; --code)
        CHECK(papers_strerror(code) && strcmp(papers_strerror(code), "unknown error") != 0,
              "papers_strerror(%d)", code);
    CHECK(!strcmp(papers_strerror(-1000), "unknown error"), "unknown code");
    CHECK(!strcmp(papers_strerror(PAPERS_ERANK), "rank out of range"), "ERANK name");

    /* ---- the session survived every refusal above ---- */
    CHECK_OK(papers_barrier());
    CHECK_OK(papers_reduce(&x, &y, 1, PAPERS_INT32, PAPERS_SUM));
    CHECK(y == n * (n - 1) / 2, "sum of ranks after the bad calls: %d", (int)y);
    x = 1234 + me;
    CHECK_OK(papers_bcast(&x, sizeof x, n - 1));
    CHECK(x == 1234 + n - 1, "bcast after the bad calls: %d", (int)x);
    CHECK_OK(papers_waitvec(1, &mask));
    CHECK(papers_first(me == n - 1) == n - 1, "first after the bad calls");

    const int status = check_report("bad_input");
    CHECK_OK(papers_finalize());
    /* ---- after papers_finalize ---- */
    CHECK_ERR(papers_barrier(), PAPERS_ENOTINIT, "papers_init() has not succeeded");
    CHECK_ERR(papers_finalize(), PAPERS_ENOTINIT, "not initialised");
    if (check_failures_) fprintf(stderr, "bad_input: %d failures after finalize\n", check_failures_);
    return check_failures_ ? 1 : status;
}
