/* mpi_collectives.c — an ordinary MPI program (built with mpicc, knows
 * nothing about papers) for the interposer tests: every collective the
 * interposer routes to the hub, and every case it must pass through to
 * MPI, each result checked against a locally computed expectation and
 * printed as "rank R <case> <hash>". Runs with and without
 * LD_PRELOAD=libpapers_pmpi.so must print the same lines.
 *
 * Floating-point data are small integers and halves, so every sum is exact
 * and no combination order (MPI's or papers' rank order) can change it. */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rank, size, failures;

static uint64_t fnv1a(const void *p, size_t n) {
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* Prints the result's hash; counts a failure when it is not as expected. */
static void result(const char *name, const void *got, const void *want, size_t bytes) {
    printf("rank %d %-34s %016llx\n", rank, name, (unsigned long long)fnv1a(got, bytes));
    if (want && memcmp(got, want, bytes) != 0) {
        ++failures;
        fprintf(stderr, "rank %d: FAIL %s: result differs from the expected value\n", rank, name);
    }
}

static void check_rc(int rc, const char *name) {
    if (rc != MPI_SUCCESS) {
        ++failures;
        fprintf(stderr, "rank %d: FAIL %s returned %d\n", rank, name, rc);
    }
}

enum { N = 6 };

static void allreduce_integers(void) {
    int in[N], out[N], want[N];
    for (int i = 0; i < N; ++i) in[i] = rank * 10 + i;
    for (int i = 0; i < N; ++i) want[i] = 10 * size * (size - 1) / 2 + size * i;
    check_rc(MPI_Allreduce(in, out, N, MPI_INT, MPI_SUM, MPI_COMM_WORLD), "int sum");
    result("allreduce int sum", out, want, sizeof out);

    for (int i = 0; i < N; ++i) in[i] = (rank * 7 + i * 3) % 11 - 5;
    for (int op = 0; op < 2; ++op) {
        for (int i = 0; i < N; ++i) {
            want[i] = (0 * 7 + i * 3) % 11 - 5;
            for (int r = 1; r < size; ++r) {
                int v = (r * 7 + i * 3) % 11 - 5;
                if (op == 0 ? v < want[i] : v > want[i]) want[i] = v;
            }
        }
        check_rc(MPI_Allreduce(in, out, N, MPI_INT, op == 0 ? MPI_MIN : MPI_MAX, MPI_COMM_WORLD),
                 "int min/max");
        result(op == 0 ? "allreduce int min" : "allreduce int max", out, want, sizeof out);
    }

    for (int i = 0; i < N; ++i) in[i] = (rank + i) % 3 + 1;
    for (int i = 0; i < N; ++i) {
        want[i] = 1;
        for (int r = 0; r < size; ++r) want[i] *= (r + i) % 3 + 1;
    }
    check_rc(MPI_Allreduce(in, out, N, MPI_INT, MPI_PROD, MPI_COMM_WORLD), "int prod");
    result("allreduce int prod", out, want, sizeof out);

    for (int i = 0; i < N; ++i) in[i] = (rank + i) % 3; /* some zeros */
    for (int op = 0; op < 2; ++op) {
        for (int i = 0; i < N; ++i) {
            int all = 1, any = 0;
            for (int r = 0; r < size; ++r) {
                all = all && (r + i) % 3;
                any = any || (r + i) % 3;
            }
            want[i] = op == 0 ? all : any;
        }
        check_rc(MPI_Allreduce(in, out, N, MPI_INT, op == 0 ? MPI_LAND : MPI_LOR, MPI_COMM_WORLD),
                 "int land/lor");
        /* One rank: MPI returns the value untouched (the interposer passes it through). */
        result(op == 0 ? "allreduce int land" : "allreduce int lor", out, size > 1 ? want : NULL,
               sizeof out);
    }

    unsigned uin[N], uout[N], uwant[N];
    for (int b = 0; b < 3; ++b) {
        for (int i = 0; i < N; ++i) uin[i] = 0xF0F0F0F0u ^ ((unsigned)rank * 0x01010101u * (i + 1));
        for (int i = 0; i < N; ++i) {
            uwant[i] = b == 0 ? ~0u : 0u;
            for (int r = 0; r < size; ++r) {
                unsigned v = 0xF0F0F0F0u ^ ((unsigned)r * 0x01010101u * (i + 1));
                uwant[i] = b == 0 ? (uwant[i] & v) : b == 1 ? (uwant[i] | v) : (uwant[i] ^ v);
            }
        }
        MPI_Op op = b == 0 ? MPI_BAND : b == 1 ? MPI_BOR : MPI_BXOR;
        check_rc(MPI_Allreduce(uin, uout, N, MPI_UNSIGNED, op, MPI_COMM_WORLD), "unsigned bitwise");
        result(b == 0 ? "allreduce unsigned band" : b == 1 ? "allreduce unsigned bor"
                                                           : "allreduce unsigned bxor",
               uout, uwant, sizeof uout);
    }
    /* Wrap-around: unsigned modulo 2^32; long beyond LONG_MAX for N >= 3. */
    for (int i = 0; i < N; ++i) uin[i] = 0xF0000000u + (unsigned)rank + (unsigned)i;
    for (int i = 0; i < N; ++i) {
        uwant[i] = 0;
        for (int r = 0; r < size; ++r) uwant[i] += 0xF0000000u + (unsigned)r + (unsigned)i;
    }
    check_rc(MPI_Allreduce(uin, uout, N, MPI_UNSIGNED, MPI_SUM, MPI_COMM_WORLD), "unsigned sum");
    result("allreduce unsigned sum (wraps)", uout, uwant, sizeof uout);

    long lin[N], lout[N], lwant[N];
    for (int i = 0; i < N; ++i) lin[i] = 0x3FFFFFFFFFFFFFFFL + rank * 12345L - i;
    for (int i = 0; i < N; ++i) {
        uint64_t acc = 0;
        for (int r = 0; r < size; ++r) acc += (uint64_t)(0x3FFFFFFFFFFFFFFFL + r * 12345L - i);
        memcpy(&lwant[i], &acc, sizeof acc);
    }
    check_rc(MPI_Allreduce(lin, lout, N, MPI_LONG, MPI_SUM, MPI_COMM_WORLD), "long sum");
    result("allreduce long sum", lout, lwant, sizeof lout);

    long long llin = -1000000000000LL * (rank + 1), llout, llwant = -1000000000000LL;
    check_rc(MPI_Allreduce(&llin, &llout, 1, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD), "ll max");
    result("allreduce long long max", &llout, &llwant, sizeof llout);

    int8_t i8 = (int8_t)(100 + rank), i8out, i8want = 0;
    for (int r = 0; r < size; ++r) i8want = (int8_t)(uint8_t)((uint8_t)i8want + (uint8_t)(100 + r));
    check_rc(MPI_Allreduce(&i8, &i8out, 1, MPI_INT8_T, MPI_SUM, MPI_COMM_WORLD), "int8 sum");
    result("allreduce int8 sum (wraps)", &i8out, &i8want, 1);

    uint16_t u16 = (uint16_t)(60000 - 7 * rank), u16out, u16want = 60000;
    check_rc(MPI_Allreduce(&u16, &u16out, 1, MPI_UINT16_T, MPI_MAX, MPI_COMM_WORLD), "u16 max");
    result("allreduce uint16 max", &u16out, &u16want, 2);

    short s = (short)(-3 * rank), sout, swant = (short)(-3 * (size - 1));
    check_rc(MPI_Allreduce(&s, &sout, 1, MPI_SHORT, MPI_MIN, MPI_COMM_WORLD), "short min");
    result("allreduce short min", &sout, &swant, sizeof s);

    unsigned char uc = (unsigned char)(1u << (rank % 8)), ucout, ucwant = 0;
    for (int r = 0; r < size; ++r) ucwant |= (unsigned char)(1u << (r % 8));
    check_rc(MPI_Allreduce(&uc, &ucout, 1, MPI_UNSIGNED_CHAR, MPI_BOR, MPI_COMM_WORLD), "uchar bor");
    result("allreduce unsigned char bor", &ucout, &ucwant, 1);
}

static void allreduce_floats(void) {
    double in[N], out[N], want[N];
    for (int i = 0; i < N; ++i) in[i] = 0.5 * (rank + 1) + i - 2.0;
    for (int i = 0; i < N; ++i) {
        want[i] = 0;
        for (int r = 0; r < size; ++r) want[i] += 0.5 * (r + 1) + i - 2.0;
    }
    check_rc(MPI_Allreduce(in, out, N, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "double sum");
    result("allreduce double sum", out, want, sizeof out);

    for (int i = 0; i < N; ++i) in[i] = (double)((rank * 5 + i * 3) % 7) - 3.5;
    for (int op = 0; op < 2; ++op) {
        for (int i = 0; i < N; ++i) {
            want[i] = (double)((i * 3) % 7) - 3.5;
            for (int r = 1; r < size; ++r) {
                double v = (double)((r * 5 + i * 3) % 7) - 3.5;
                if (op == 0 ? v < want[i] : v > want[i]) want[i] = v;
            }
        }
        check_rc(MPI_Allreduce(in, out, N, MPI_DOUBLE, op == 0 ? MPI_MIN : MPI_MAX, MPI_COMM_WORLD),
                 "double min/max");
        result(op == 0 ? "allreduce double min" : "allreduce double max", out, want, sizeof out);
    }

    for (int i = 0; i < N; ++i) in[i] = (rank + i) % 2 ? 2.0 : -0.5;
    for (int i = 0; i < N; ++i) {
        want[i] = 1.0;
        for (int r = 0; r < size; ++r) want[i] *= (r + i) % 2 ? 2.0 : -0.5;
    }
    check_rc(MPI_Allreduce(in, out, N, MPI_DOUBLE, MPI_PROD, MPI_COMM_WORLD), "double prod");
    result("allreduce double prod", out, want, sizeof out);

    float f[N], fout[N], fwant[N];
    for (int i = 0; i < N; ++i) f[i] = (float)(rank * 3 + i) * 0.25f;
    for (int i = 0; i < N; ++i) {
        fwant[i] = 0;
        for (int r = 0; r < size; ++r) fwant[i] += (float)(r * 3 + i) * 0.25f;
    }
    check_rc(MPI_Allreduce(f, fout, N, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD), "float sum");
    result("allreduce float sum", fout, fwant, sizeof fout);

    /* In place. */
    int io[N], iwant[N];
    for (int i = 0; i < N; ++i) io[i] = rank + i;
    for (int i = 0; i < N; ++i) iwant[i] = size * (size - 1) / 2 + size * i;
    check_rc(MPI_Allreduce(MPI_IN_PLACE, io, N, MPI_INT, MPI_SUM, MPI_COMM_WORLD), "in place");
    result("allreduce int sum in place", io, iwant, sizeof io);
    double d = rank * 1.5, dwant = (size - 1) * 1.5;
    check_rc(MPI_Allreduce(MPI_IN_PLACE, &d, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD), "in place");
    result("allreduce double max in place", &d, &dwant, sizeof d);
}

static void reduce_to_roots(void) {
    int in[N], out[N], want[N];
    for (int i = 0; i < N; ++i) in[i] = rank * 100 - i;
    for (int i = 0; i < N; ++i) want[i] = 100 * size * (size - 1) / 2 - size * i;
    for (int root = 0; root < size; root += size > 1 ? size - 1 : 1) {
        memset(out, 0x5A, sizeof out);
        /* Non-roots pass NULL: MPI ignores their recvbuf. */
        check_rc(MPI_Reduce(in, rank == root ? out : NULL, N, MPI_INT, MPI_SUM, root,
                            MPI_COMM_WORLD), "reduce");
        if (rank == root) {
            char name[64];
            snprintf(name, sizeof name, "reduce int sum to root %d", root);
            result(name, out, want, sizeof out);
        }
    }
    /* In place at the root only (legal for MPI_Reduce). */
    const int root = size - 1;
    int io[N];
    for (int i = 0; i < N; ++i) io[i] = rank * 100 - i;
    check_rc(MPI_Reduce(rank == root ? MPI_IN_PLACE : io, rank == root ? io : NULL, N, MPI_INT,
                        MPI_SUM, root, MPI_COMM_WORLD), "reduce in place");
    if (rank == root) result("reduce int sum in place at root", io, want, sizeof io);

    double d = 2.5 - rank, dout = 0, dwant = 2.5 - (size - 1);
    check_rc(MPI_Reduce(&d, &dout, 1, MPI_DOUBLE, MPI_MIN, 0, MPI_COMM_WORLD), "reduce double");
    if (rank == 0) result("reduce double min to root 0", &dout, &dwant, sizeof d);
}

static void data_movement(void) {
    int root = size - 1;
    int buf[5], want[5];
    for (int i = 0; i < 5; ++i) want[i] = 1000 * root + i * i;
    for (int i = 0; i < 5; ++i) buf[i] = rank == root ? want[i] : -1;
    check_rc(MPI_Bcast(buf, 5, MPI_INT, root, MPI_COMM_WORLD), "bcast int");
    result("bcast int from last rank", buf, want, sizeof buf);

    double db[3] = {0, 0, 0}, dwant[3] = {3.25, -1e300, 42.0};
    if (rank == 0) memcpy(db, dwant, sizeof db);
    check_rc(MPI_Bcast(db, 3, MPI_DOUBLE, 0, MPI_COMM_WORLD), "bcast double");
    result("bcast double from 0", db, dwant, sizeof db);

    root = 1 % size;
    unsigned char bytes[13], bwant[13];
    for (int i = 0; i < 13; ++i) bwant[i] = (unsigned char)(0xC3 ^ (i * 37));
    for (int i = 0; i < 13; ++i) bytes[i] = rank == root ? bwant[i] : 0;
    check_rc(MPI_Bcast(bytes, 13, MPI_BYTE, root, MPI_COMM_WORLD), "bcast bytes");
    result("bcast 13 bytes from rank 1", bytes, bwant, sizeof bytes);

    char text[16] = "", twant[16] = "papers hub";
    if (rank == 0) strcpy(text, twant);
    check_rc(MPI_Bcast(text, 16, MPI_CHAR, 0, MPI_COMM_WORLD), "bcast char");
    result("bcast char string", text, twant, sizeof text);

    int mine[2] = {rank * 2, -rank}, *all = malloc(sizeof(int) * 2 * size),
        *awant = malloc(sizeof(int) * 2 * size);
    for (int r = 0; r < size; ++r) awant[2 * r] = r * 2, awant[2 * r + 1] = -r;
    check_rc(MPI_Allgather(mine, 2, MPI_INT, all, 2, MPI_INT, MPI_COMM_WORLD), "allgather");
    result("allgather 2 int", all, awant, sizeof(int) * 2 * size);

    /* Same bytes described as MPI_BYTE on the send side. */
    memset(all, 0, sizeof(int) * 2 * size);
    check_rc(MPI_Allgather(mine, 8, MPI_BYTE, all, 2, MPI_INT, MPI_COMM_WORLD), "allgather bytes");
    result("allgather 8 bytes as 2 int", all, awant, sizeof(int) * 2 * size);

    double *dall = malloc(sizeof(double) * size), *dallw = malloc(sizeof(double) * size);
    for (int r = 0; r < size; ++r) dallw[r] = r + 0.125, dall[r] = r == rank ? r + 0.125 : -9;
    check_rc(MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, dall, 1, MPI_DOUBLE, MPI_COMM_WORLD),
             "allgather in place");
    result("allgather double in place", dall, dallw, sizeof(double) * size);
    free(all), free(awant), free(dall), free(dallw);
}

/* A duplicate of the world is congruent to it: still routed to the hub. */
static void congruent_comm(void) {
    MPI_Comm dup;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    check_rc(MPI_Barrier(dup), "barrier dup");
    int v = rank + 1, out = 0, want = size * (size + 1) / 2;
    check_rc(MPI_Allreduce(&v, &out, 1, MPI_INT, MPI_SUM, dup), "allreduce dup");
    result("allreduce int sum on a dup", &out, &want, sizeof out);
    MPI_Comm_free(&dup);
}

static void abs_sum(void *in, void *inout, int *len, MPI_Datatype *dt) {
    (void)dt;
    for (int i = 0; i < *len; ++i) ((int *)inout)[i] = abs(((int *)in)[i]) + abs(((int *)inout)[i]);
}

/* Everything the interposer must leave to MPI, between routed calls. */
static void fall_through(void) {
    MPI_Op op;
    MPI_Op_create(abs_sum, 1, &op);
    int v = rank % 2 ? -rank : rank, out = 0, want = size * (size - 1) / 2;
    check_rc(MPI_Allreduce(&v, &out, 1, MPI_INT, op, MPI_COMM_WORLD), "user op");
    result("allreduce user-defined op", &out, &want, sizeof out);
    MPI_Op_free(&op);

    /* Non-contiguous: every other int of 6. */
    MPI_Datatype vec;
    MPI_Type_vector(3, 1, 2, MPI_INT, &vec);
    MPI_Type_commit(&vec);
    int strided[6], swant[6];
    for (int i = 0; i < 6; ++i) swant[i] = i % 2 ? -rank : 70 + i;
    for (int i = 0; i < 6; ++i) strided[i] = i % 2 ? -rank : (rank == 0 ? 70 + i : -5);
    check_rc(MPI_Bcast(strided, 1, vec, 0, MPI_COMM_WORLD), "bcast vector");
    result("bcast vector type (stride 2)", strided, swant, sizeof strided);
    MPI_Type_free(&vec);

    /* A contiguous derived type is still a derived type: MPI moves it. */
    MPI_Datatype four;
    MPI_Type_contiguous(4, MPI_INT, &four);
    MPI_Type_commit(&four);
    int quad[4] = {rank, rank, rank, rank}, qwant[4] = {0, 0, 0, 0};
    check_rc(MPI_Bcast(quad, 1, four, 0, MPI_COMM_WORLD), "bcast contiguous");
    result("bcast contiguous derived type", quad, qwant, sizeof quad);
    MPI_Type_free(&four);

    check_rc(MPI_Barrier(MPI_COMM_WORLD), "barrier between");

    int self = rank * 3, sout = 0;
    check_rc(MPI_Allreduce(&self, &sout, 1, MPI_INT, MPI_SUM, MPI_COMM_SELF), "self");
    result("allreduce on MPI_COMM_SELF", &sout, &self, sizeof sout);

    MPI_Comm half;
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
    int hv = rank, hout = 0, hwant = 0;
    for (int r = rank % 2; r < size; r += 2) hwant += r;
    check_rc(MPI_Barrier(half), "barrier split");
    check_rc(MPI_Allreduce(&hv, &hout, 1, MPI_INT, MPI_SUM, half), "allreduce split");
    result("allreduce on a split comm", &hout, &hwant, sizeof hout);
    int hb = rank, hbwant = rank % 2;  /* rank 0 of each half is world rank 0 or 1 */
    check_rc(MPI_Bcast(&hb, 1, MPI_INT, 0, half), "bcast split");
    result("bcast on a split comm", &hb, &hbwant, sizeof hb);
    MPI_Comm_free(&half);

    long double ld = rank + 0.5L, ldout = 0, ldwant = size * (size - 1) / 2 + 0.5L * size;
    check_rc(MPI_Allreduce(&ld, &ldout, 1, MPI_LONG_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "long double");
    result("allreduce long double", &ldout, NULL, 10); /* 80 bits; the padding is undefined */
    if (ldout != ldwant) ++failures, fprintf(stderr, "rank %d: FAIL long double sum\n", rank);

    struct { int v, r; } pair = {rank % 3, rank}, pout;
    check_rc(MPI_Allreduce(&pair, &pout, 1, MPI_2INT, MPI_MAXLOC, MPI_COMM_WORLD), "maxloc");
    int pwant[2] = {size >= 3 ? 2 : size - 1, size >= 3 ? 2 : size - 1};
    result("allreduce 2int maxloc", &pout, pwant, sizeof pout);

    int none = 7;
    check_rc(MPI_Allreduce(&none, &none + 1, 0, MPI_INT, MPI_SUM, MPI_COMM_WORLD), "count 0");
    check_rc(MPI_Bcast(&none, 0, MPI_INT, 0, MPI_COMM_WORLD), "bcast count 0");

    /* Bulk data (over PAPERS_PMPI_MAX_BYTES, default 1024) stays in MPI. */
    enum { BIG = 600 };
    int *big = malloc(sizeof(int) * BIG), *bigout = malloc(sizeof(int) * BIG),
        *bigwant = malloc(sizeof(int) * BIG);
    for (int i = 0; i < BIG; ++i) big[i] = rank + i, bigwant[i] = size * (size - 1) / 2 + size * i;
    check_rc(MPI_Allreduce(big, bigout, BIG, MPI_INT, MPI_SUM, MPI_COMM_WORLD), "big allreduce");
    result("allreduce 2400 bytes", bigout, bigwant, sizeof(int) * BIG);
    for (int i = 0; i < BIG; ++i) big[i] = rank == 0 ? i * 3 : -1, bigwant[i] = i * 3;
    check_rc(MPI_Bcast(big, BIG, MPI_INT, 0, MPI_COMM_WORLD), "big bcast");
    result("bcast 2400 bytes", big, bigwant, sizeof(int) * BIG);
    free(big), free(bigout), free(bigwant);

    /* MPI_C_BOOL is not a papers type. */
    _Bool flag = rank == 0, fout = 0, fwant = 1;
    check_rc(MPI_Allreduce(&flag, &fout, 1, MPI_C_BOOL, MPI_LOR, MPI_COMM_WORLD), "c bool");
    result("allreduce C bool lor", &fout, &fwant, sizeof fout);
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    for (int i = 0; i < 3; ++i) check_rc(MPI_Barrier(MPI_COMM_WORLD), "barrier");
    allreduce_integers();
    allreduce_floats();
    reduce_to_roots();
    data_movement();
    congruent_comm();
    fall_through();
    /* For the fail-stop test: rank 0 arrives late at the last barrier. */
    const char *late = getenv("MPI_COLLECTIVES_RANK0_LATE_S");
    if (late && rank == 0) sleep((unsigned)atoi(late));
    check_rc(MPI_Barrier(MPI_COMM_WORLD), "final barrier");
    fflush(stdout);
    if (failures) fprintf(stderr, "rank %d: %d FAILURES\n", rank, failures);
    MPI_Finalize();
    return failures ? 1 : 0;
}
