/* trace_ops.c — the calls the waveform test looks for: a barrier, a reduce of int32 sums and
 * a bcast from rank 2 (np >= 3). For each call every rank prints the library's own counters
 * ("rank R call NAME hub_ops H writes W"), which the test compares with the waveform. */
#include <papers/papers.h>
#include <stdint.h>
#include <stdio.h>

static int report(int rank, const char *name) {
    papers_stats_t s;
    if (papers_stats(&s)) return 1;
    printf("rank %d call %s hub_ops %llu writes %llu\n", rank, name, (unsigned long long)s.hub_ops,
           (unsigned long long)s.port_writes);
    return papers_stats_reset();
}

int main(void) {
    if (papers_init()) {
        fprintf(stderr, "trace_ops: papers_init: %s\n", papers_errmsg());
        return 1;
    }
    const int rank = papers_rank();
    int32_t mine = rank + 1, sum = 0;
    unsigned char word[2] = {0, 0};
    if (rank == 2) word[0] = 0xA5, word[1] = 0x3C;
    papers_stats_reset();
    if (papers_barrier() || report(rank, "barrier")) return 1;
    if (papers_reduce(&mine, &sum, 1, PAPERS_INT32, PAPERS_SUM) || report(rank, "reduce")) return 1;
    if (papers_bcast(word, sizeof word, 2) || report(rank, "bcast")) return 1;
    const int n = papers_size();
    if (sum != n * (n + 1) / 2 || word[0] != 0xA5 || word[1] != 0x3C) {
        fprintf(stderr, "trace_ops: rank %d got wrong results\n", rank);
        return 1;
    }
    fflush(stdout);
    return papers_finalize() ? 1 : 0;
}
