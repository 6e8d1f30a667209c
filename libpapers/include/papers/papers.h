/*
 * papers.h — the one public C header of libpapers.
 *
 * papers gives a group of processes ("PEs", ranks 0..size-1) fine-grain
 * aggregate operations: barrier, votes, broadcast, all-gather, all-reduce.
 * On a PAPERS hub every operation is a short sequence of 4-bit NAND
 * exchanges through the parallel port (docs/hub-protocol.md); other
 * backends (shm, udp, mpi, capers) offer the same calls.
 *
 * Conventions (libuv/SQLite style):
 *   - every call returns 0 (or a documented non-negative value) on success
 *     and a negative PAPERS_E* code on failure; papers_strerror() names it,
 *     papers_errmsg() gives the detailed message of the last failure
 *     (which operation, which phase, which rank or port);
 *   - every call is collective unless said otherwise: all ranks call it,
 *     in the same order, with matching arguments;
 *   - every wait is bounded by PAPERS_TIMEOUT (seconds, default 10); after
 *     a timeout the session is broken (fail-stop) and every later call
 *     returns PAPERS_EBROKEN until papers_finalize().
 *
 * Configuration comes from the environment, normally set by papersrun:
 *   PAPERS_RANK, PAPERS_SIZE     this PE's rank and the number of PEs
 *   PAPERS_BACKEND               sim | hub | capers | shm | udp | mpi
 *   PAPERS_TIMEOUT               seconds before a wait fails (default 10)
 *   PAPERS_SIM                   shared-memory name of papers-hubsim's wire
 *   PAPERS_JOB                   job id chosen by papersrun
 * and more for tuning and tests: docs/environment.md lists every one.
 */
#ifndef PAPERS_PAPERS_H
#define PAPERS_PAPERS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PAPERS_PROTOCOL_VERSION 1 /* hub protocol this library speaks */

/* ---- error codes --------------------------------------------------- */
/* The one list of error codes (as libuv's UV_ERRNO_MAP): the constants
 * below, papers_strerror() and the table in docs/api.md are made from it.
 * XX(name, value, what papers_strerror says, when it happens). */
#define PAPERS_ERRNO_MAP(XX)                                                          \
    XX(EINVAL, -1, "invalid argument", "null buffer, bad type/op, bad configuration")  \
    XX(ETIMEDOUT, -2, "timed out", "a wait exceeded PAPERS_TIMEOUT")                  \
    XX(ENODEV, -3, "no device (hub, simulator or port not found)",                     \
       "no hub, simulator or port where the configuration says")                      \
    XX(EVERSION, -4, "hub protocol version mismatch",                                  \
       "the hub (or the mpi plugin) speaks another version")                          \
    XX(EMEMBERSHIP, -5, "membership mismatch (PEs do not match rank/size)",            \
       "the PEs present do not match PAPERS_RANK/PAPERS_SIZE")                        \
    XX(EBROKEN, -6, "session broken by an earlier failure",                            \
       "a collective failed earlier (fail-stop), a peer died, or the shared wire or "  \
       "segment was overwritten")                                                     \
    XX(ENOTINIT, -7, "not initialised", "papers_init() not called, or it failed")      \
    XX(ERANK, -8, "rank out of range", "a rank, root or source out of range")          \
    XX(EMISMATCH, -9, "PEs disagree on the operation",                                 \
       "the PEs called different collectives, or with different sizes")               \
    XX(ENOTSUP, -10, "not supported", "not supported by this backend, type or op")     \
    XX(ENOMEM, -11, "out of memory", "out of memory")                                  \
    XX(ESYS, -12, "operating-system error", "the operating system refused (see papers_errmsg)") \
    XX(EPERM, -13, "permission denied", "no permission (port access, ...)")            \
    XX(EBUSY, -14, "busy (already initialised)", "already initialised, or a resource is busy")

enum papers_errno {
    PAPERS_OK = 0,
#define PAPERS_ERRNO_CONSTANT_(name, value, text, meaning) PAPERS_##name = value,
    PAPERS_ERRNO_MAP(PAPERS_ERRNO_CONSTANT_)
#undef PAPERS_ERRNO_CONSTANT_
};

/* ---- element types and reduction operators ------------------------- */
typedef enum papers_type {
    PAPERS_INT8 = 0, PAPERS_INT16, PAPERS_INT32, PAPERS_INT64,
    PAPERS_UINT8, PAPERS_UINT16, PAPERS_UINT32, PAPERS_UINT64,
    PAPERS_FLOAT, PAPERS_DOUBLE,
    PAPERS_TYPE_COUNT_ /* not a type */
} papers_type_t;

typedef enum papers_op {
    PAPERS_SUM = 0, PAPERS_PROD, PAPERS_MIN, PAPERS_MAX,
    PAPERS_BAND, PAPERS_BOR, PAPERS_BXOR, PAPERS_LAND, PAPERS_LOR,
    PAPERS_OP_COUNT_ /* not an op */
} papers_op_t;

/* ---- session --------------------------------------------------------- */

/* Join the job described by the environment. Runs the start-up census:
 * fails with PAPERS_EMEMBERSHIP when the PEs present do not match
 * PAPERS_RANK/PAPERS_SIZE, PAPERS_EVERSION for a hub of another protocol,
 * PAPERS_ENODEV when the hub/simulator cannot be reached. */
int papers_init(void);

/* Leave the job. Collective: leaves the hub in its power-on state
 * (G = 0, every S = 0). Safe to call after a failure (then local only). */
int papers_finalize(void);

int papers_rank(void);  /* this PE's rank, or PAPERS_ENOTINIT */
int papers_size(void);  /* number of PEs, or PAPERS_ENOTINIT */
const char *papers_backend_name(void); /* "sim", "shm", ...; "" before init */

/* ---- synchronisation and votes --------------------------------------- */

int papers_barrier(void);
int papers_any(int flag);   /* 1 if flag != 0 on any PE, else 0 */
int papers_all(int flag);   /* 1 if flag != 0 on every PE, else 0 */

/* Bit i of *mask is set when rank i passed a non-zero flag (size <= 64). */
int papers_waitvec(int flag, uint64_t *mask);
int papers_count(int flag);   /* number of PEs with flag != 0 */
/* Lowest rank with flag != 0, or -1 when no PE set its flag. Errors are
 * always <= -2 here (PAPERS_EINVAL, -1, cannot occur: the flag is an int). */
int papers_first(int flag);
/* My position (0-based) among the PEs with flag != 0, counted in rank
 * order; -1 when my own flag is 0 (errors are <= -2, as for papers_first).
 * For dynamic work distribution. */
int papers_enqueue(int flag);

/* ---- data movement ----------------------------------------------------- */

/* Broadcast `bytes` bytes of buf from `root` to every PE (in place). */
int papers_bcast(void *buf, size_t bytes, int root);

/* All-gather: every PE contributes `bytes` bytes; out receives size*bytes
 * bytes, rank 0's block first. */
int papers_gather(const void *in, void *out, size_t bytes);

/* Each PE puts `bytes` bytes and gets the bytes put by PE `src` (any
 * pattern: permutation, many-to-one, self). */
int papers_putget(const void *in, void *out, size_t bytes, int src);

/* All-reduce `count` elements of `type` with `op`; every PE receives the
 * bit-identical result (floating point is combined in rank order
 * 0,1,...,size-1). in and out may be the same buffer. Bitwise ops need an
 * integer type. LAND/LOR give 1 or 0 in the element type. */
int papers_reduce(const void *in, void *out, size_t count,
                  papers_type_t type, papers_op_t op);

/* Min/max with location: *value is replaced by the global min (or max)
 * and *rank by the lowest rank holding it. op is PAPERS_MIN or PAPERS_MAX.
 * `value` points at one element of `type`. */
int papers_reduce_loc(void *value, int *rank, papers_type_t type,
                      papers_op_t op);

/* ---- diagnostics ------------------------------------------------------- */

const char *papers_strerror(int code);  /* short name of a code; never NULL */
const char *papers_errmsg(void);        /* detail of this thread's last error */

typedef struct papers_stats {
    uint64_t port_reads;   /* STATUS reads (inb) on this PE's port */
    uint64_t port_writes;  /* DATA writes (outb) on this PE's port */
    uint64_t hub_ops;      /* nybble exchanges (hub operations) */
    uint64_t calls;        /* papers_* collective calls completed */
} papers_stats_t;

/* Counters since papers_init (0 for backends without a port). */
int papers_stats(papers_stats_t *out);
int papers_stats_reset(void);

#ifdef __cplusplus
}
#endif
#endif /* PAPERS_PAPERS_H */
