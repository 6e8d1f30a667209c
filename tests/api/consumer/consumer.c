/* consumer.c — the C API from an installed papers (static or shared). */
#include <papers/papers.h>
#include <stdio.h>

int main(void) {
    int rc = papers_init();
    if (rc) {
        fprintf(stderr, "consumer_c: %s: %s\n", papers_strerror(rc), papers_errmsg());
        return 1;
    }
    int one = 1, n = 0;
    rc = papers_reduce(&one, &n, 1, PAPERS_INT32, PAPERS_SUM);
    if (rc == 0 && papers_rank() == 0)
        printf("consumer_c: %d PEs counted on backend %s\n", n, papers_backend_name());
    if (rc) fprintf(stderr, "consumer_c: %s: %s\n", papers_strerror(rc), papers_errmsg());
    return papers_finalize() || rc ? 1 : 0;
}
