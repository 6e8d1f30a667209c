/* check.h — a tiny check counter for the C programs of tests/api, which run
 * as PEs under papersrun (one process per rank, so no GoogleTest). Each
 * program ends with check_report(), whose line the ctest regex matches:
 *   "<name>: rank R/N backend B: K checks, 0 failures" */
#ifndef PAPERS_TESTS_API_CHECK_H
#define PAPERS_TESTS_API_CHECK_H

#include <papers/papers.h>
#include <stdio.h>
#include <string.h>

static int check_count_, check_failures_;

#define CHECK(cond, ...)                                                             \
    do {                                                                             \
        ++check_count_;                                                              \
        if (!(cond)) {                                                               \
            ++check_failures_;                                                       \
            fprintf(stderr, "FAIL %s:%d (rank %d): %s: ", __FILE__, __LINE__,          \
                    papers_rank(), #cond);                                           \
            fprintf(stderr, __VA_ARGS__);                                            \
            fprintf(stderr, "\n");                                                   \
        }                                                                            \
    } while (0)

/* rc must be `code` and papers_errmsg() must contain `needle`. */
#define CHECK_ERR(rc_expr, code, needle)                                                   \
    do {                                                                                   \
        const int rc_ = (rc_expr);                                                         \
        CHECK(rc_ == (code) && strstr(papers_errmsg(), (needle)) != NULL,                  \
              "%s returned %d (%s), message '%s'; wanted %d and a message with '%s'",      \
              #rc_expr, rc_, papers_strerror(rc_), papers_errmsg(), (code), (needle));     \
    } while (0)

#define CHECK_OK(rc_expr)                                                                   \
    do {                                                                                    \
        const int rc_ = (rc_expr);                                                          \
        CHECK(rc_ >= 0, "%s returned %d (%s): %s", #rc_expr, rc_, papers_strerror(rc_),     \
              papers_errmsg());                                                             \
    } while (0)

static inline int check_report(const char *name) {
    printf("%s: rank %d/%d backend %s: %d checks, %d failures\n", name, papers_rank(),
           papers_size(), papers_backend_name(), check_count_, check_failures_);
    fflush(stdout);
    return check_failures_ ? 1 : 0;
}

#endif
