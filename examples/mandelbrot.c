/* mandelbrot.c — dynamic load balancing of image rows with papers_enqueue,
 * the Mandelbrot demo of the AFAPI clusters.
 *
 * Rows near the set cost hundreds of times more than rows far from it, so
 * a static split leaves PEs idle. Here the PEs work in lock-step rounds of
 * a bounded amount of work (ITER_BUDGET escape iterations); at the start
 * of every round each PE that finished its row asks for a new one:
 *
 *     pos = papers_enqueue(want);  // my place among the PEs asking (-1: not asking)
 *     n   = papers_count(want);    // how many asked
 *     if (want) row = next_row + pos;  next_row += n;
 *
 * Every PE knows next_row, so no coordinator is needed, and a PE stuck in an
 * expensive row simply does not ask while the others take more rows. The
 * schedule depends only on the work, never on timing, so it is reproducible.
 * At the end each pixel is non-zero on exactly the PE that computed it, and
 * one bitwise-OR all-reduce of the image assembles it everywhere (2 hub
 * exchanges per pixel byte, independent of the number of PEs).
 *
 *   papersrun -np 4 build/bin/mandelbrot [-o image.pgm] [WIDTH HEIGHT MAXITER]
 *   build/bin/mandelbrot --serial [-o image.pgm] [WIDTH HEIGHT MAXITER]
 *
 * Both print the same "checksum" line; the PGM files are byte-identical.
 */
#include <papers/papers.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ITER_BUDGET = 20000 }; /* escape iterations per PE per round */

typedef struct {
    int width, height, maxiter;
} image_spec;

/* Grey level of pixel (x, y): 0 inside the set, 1..255 outside. Never 0
 * outside, so the OR-assembly cannot confuse "computed" with "missing". */
static uint8_t pixel(const image_spec *s, int x, int y, long *iterations) {
    const double cr = -2.2 + 3.0 * (x + 0.5) / s->width;
    const double ci = -1.2 + 2.4 * (y + 0.5) / s->height;
    double zr = 0.0, zi = 0.0;
    int k = 0;
    while (k < s->maxiter && zr * zr + zi * zi <= 4.0) {
        const double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        ++k;
    }
    *iterations += k + 1;
    return k == s->maxiter ? 0 : (uint8_t)(1 + k % 255);
}

static uint64_t fnv1a(const uint8_t *p, size_t n) {
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static int write_pgm(const char *path, const image_spec *s, const uint8_t *img) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    fprintf(f, "P5\n%d %d\n255\n", s->width, s->height);
    const size_t n = (size_t)s->width * (size_t)s->height;
    const int ok = fwrite(img, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* Work per PE (escape iterations) of the dynamic schedule next to what a
 * static split into blocks of consecutive rows would have given. */
static void report_balance(const image_spec *s, int npes, const int64_t *work) {
    int64_t total = 0, dyn_max = 0, block_max = 0;
    for (int r = 0; r < npes; ++r) {
        total += work[r];
        if (work[r] > dyn_max) dyn_max = work[r];
    }
    for (int r = 0; r < npes; ++r) {
        long block = 0; /* rows [r*H/N, (r+1)*H/N) recomputed here, only to count */
        for (int y = r * s->height / npes; y < (r + 1) * s->height / npes; ++y)
            for (int x = 0; x < s->width; ++x) (void)pixel(s, x, y, &block);
        if (block > block_max) block_max = block;
    }
    const double mean = (double)total / npes;
    printf("work per PE (escape iterations):");
    for (int r = 0; r < npes; ++r) printf(" %lld", (long long)work[r]);
    printf("\nimbalance (max/mean): dynamic %.2f, static row blocks would be %.2f\n",
           dyn_max / mean, block_max / mean);
}

static int fail(const char *what, int rc) {
    fprintf(stderr, "mandelbrot: %s: %s: %s\n", what, papers_strerror(rc), papers_errmsg());
    return 1;
}

static int run_serial(const image_spec *s, uint8_t *img) {
    long iterations = 0;
    for (int y = 0; y < s->height; ++y)
        for (int x = 0; x < s->width; ++x)
            img[(size_t)y * s->width + x] = pixel(s, x, y, &iterations);
    printf("serial: %dx%d, %ld escape iterations\n", s->width, s->height, iterations);
    return 0;
}

static int run_parallel(const image_spec *s, uint8_t *img) {
    int rc = papers_init();
    if (rc) return fail("papers_init", rc);
    const int me = papers_rank(), npes = papers_size();
    int row = -1, col = 0, next_row = 0, rounds = 0;
    int32_t my_rows = 0;
    int64_t my_work = 0; /* escape iterations this PE computed */
    for (;;) {
        const int want = row < 0;
        const int pos = papers_enqueue(want);
        if (pos < -1) return fail("papers_enqueue", pos);
        const int asking = papers_count(want);
        if (asking < 0) return fail("papers_count", asking);
        if (asking == npes && next_row >= s->height) break; /* all idle, no rows left */
        if (want && next_row + pos < s->height) {
            row = next_row + pos;
            col = 0;
            ++my_rows;
        }
        next_row = next_row + asking < s->height ? next_row + asking : s->height;
        ++rounds;
        /* One round of work: at least one pixel, at most about ITER_BUDGET iterations. */
        long spent = 0;
        while (row >= 0 && spent < ITER_BUDGET) {
            img[(size_t)row * s->width + col] = pixel(s, col, row, &spent);
            if (++col == s->width) row = -1;
        }
        my_work += spent;
    }
    /* Assemble: every pixel is non-zero only where it was computed. */
    rc = papers_reduce(img, img, (size_t)s->width * s->height, PAPERS_UINT8, PAPERS_BOR);
    if (rc) return fail("papers_reduce (image)", rc);
    int32_t *rows = calloc((size_t)npes, sizeof *rows);
    int64_t *work = calloc((size_t)npes, sizeof *work);
    if (!rows || !work) return fail("calloc", PAPERS_ENOMEM);
    if ((rc = papers_gather(&my_rows, rows, sizeof my_rows))) return fail("papers_gather", rc);
    if ((rc = papers_gather(&my_work, work, sizeof my_work))) return fail("papers_gather", rc);
    if (me == 0) {
        printf("parallel: %dx%d on %d PEs, %d rounds; rows per PE:", s->width, s->height, npes,
               rounds);
        for (int r = 0; r < npes; ++r) printf(" %d", rows[r]);
        printf("\n");
        report_balance(s, npes, work);
    }
    free(rows);
    free(work);
    rc = papers_finalize();
    if (rc) return fail("papers_finalize", rc);
    return me == 0 ? 0 : -1; /* -1: not the PE that reports */
}

int main(int argc, char **argv) {
    image_spec s = {96, 48, 1000};
    const char *out = NULL;
    int serial = 0, nums = 0;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--serial")) serial = 1;
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (nums < 3 && atoi(argv[i]) > 0) {
            int *field[] = {&s.width, &s.height, &s.maxiter};
            *field[nums++] = atoi(argv[i]);
        } else {
            fprintf(stderr, "usage: mandelbrot [--serial] [-o FILE.pgm] [WIDTH HEIGHT MAXITER]\n");
            return 2;
        }
    }
    if (s.width > 4096 || s.height > 4096 || s.maxiter > 1000000) {
        fprintf(stderr, "mandelbrot: at most 4096x4096 pixels and 1000000 iterations\n");
        return 2;
    }
    uint8_t *img = calloc((size_t)s.width * s.height, 1);
    if (!img) return 1;
    const int rc = serial ? run_serial(&s, img) : run_parallel(&s, img);
    if (rc > 0) return rc;
    if (rc == 0) { /* serial, or rank 0 of the parallel run */
        printf("checksum %016llx\n",
               (unsigned long long)fnv1a(img, (size_t)s.width * s.height));
        if (out && write_pgm(out, &s, img)) return 1;
    }
    free(img);
    return 0;
}
