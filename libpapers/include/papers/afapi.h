/*
 * afapi.h — the classic AFAPI / PAPERS library names on top of libpapers.
 *
 * A program written for Purdue's AFAPI keeps its shape:
 *
 *     #include "afapi.h"            (or <papers/afapi.h>)
 *     if (p_init()) exit(1);
 *     for (i = IPROC; i < intervals; i += NPROC) sum += f(i);
 *     sum = p_reduceAdd64f(sum);
 *     if (IPROC == CPROC) printf("%f\n", sum);
 *     p_exit();
 *
 * Names confirmed by the historical literature (Dietz, Linux Parallel
 * Processing HOWTO, AFAPI pi example): p_init, p_exit, IPROC, NPROC, CPROC,
 * p_reduceAdd64f. Every other name here is a reconstruction following the
 * naming pattern p_<op><bits><suffix> (suffix f = floating point,
 * u = unsigned, none = signed); see docs/api.md.
 *
 * Error behaviour. p_init() returns 0 on success and non-zero on failure,
 * after printing the reason (papers_errmsg) on stderr. The other calls
 * have no error return, as in AFAPI: a failure (timeout, bad root or
 * source, a call before p_init...) prints "afapi: <call>: <reason>" on
 * stderr and exits the process with status 1 (fail-stop; papersrun then
 * stops the whole job).
 *
 * Types: <bits><suffix> 8, 16, 32, 64 = int8_t..int64_t; 8u..64u =
 * uint8_t..uint64_t; 32f = float, 64f = double. p_waitvec returns a 64-bit
 * mask (AFAPI stopped at 32 PEs; the hub here goes to 64), so storing it in
 * a 32-bit unsigned, as old code did, still works for up to 32 PEs.
 *
 * Every call is collective, as in AFAPI: all PEs call it in the same order.
 */
#ifndef PAPERS_AFAPI_H
#define PAPERS_AFAPI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- start, stop, who am I ----------------------------------------- */

int p_init(void);  /* 0 = joined the job; non-zero = failed (reason on stderr) */
int p_exit(void);  /* leave the job; returns 0 (fail-stop on failure) */

int p_iproc(void); /* this PE's number, 0..NPROC-1 */
int p_nproc(void); /* number of PEs */

#define IPROC (p_iproc())
#define NPROC (p_nproc())
#define CPROC 0 /* the console PE: the one that talks to the user */

/* ---- barrier and votes ------------------------------------------------ */

int p_wait(void);           /* barrier; returns 0 */
int p_any(int flag);        /* 1 if flag != 0 on any PE, else 0 */
int p_all(int flag);        /* 1 if flag != 0 on every PE, else 0 */
uint64_t p_waitvec(int flag); /* bit i set when PE i passed flag != 0 */
int p_count(int flag);      /* number of PEs with flag != 0 */
int p_first(int flag);      /* lowest PE with flag != 0, or -1 */
int p_enqueue(int flag);    /* my place (0, 1, ...) among the PEs with flag != 0,
                               counted in PE order; -1 when my flag is 0 */

/* ---- typed data movement and reductions --------------------------------- */

/* p_bcast<bits><suffix>(value, root): root's value, on every PE. */
int8_t p_bcast8(int8_t value, int root);
uint8_t p_bcast8u(uint8_t value, int root);
int16_t p_bcast16(int16_t value, int root);
uint16_t p_bcast16u(uint16_t value, int root);
int32_t p_bcast32(int32_t value, int root);
uint32_t p_bcast32u(uint32_t value, int root);
int64_t p_bcast64(int64_t value, int root);
uint64_t p_bcast64u(uint64_t value, int root);
float p_bcast32f(float value, int root);
double p_bcast64f(double value, int root);

/* p_gather<bits><suffix>(buf, value): buf[0..NPROC-1] = every PE's value. */
void p_gather8(int8_t *buf, int8_t value);
void p_gather8u(uint8_t *buf, uint8_t value);
void p_gather16(int16_t *buf, int16_t value);
void p_gather16u(uint16_t *buf, uint16_t value);
void p_gather32(int32_t *buf, int32_t value);
void p_gather32u(uint32_t *buf, uint32_t value);
void p_gather64(int64_t *buf, int64_t value);
void p_gather64u(uint64_t *buf, uint64_t value);
void p_gather32f(float *buf, float value);
void p_gather64f(double *buf, double value);

/* p_putget<bits><suffix>(value, src): put value, return the value put by PE src. */
int8_t p_putget8(int8_t value, int src);
uint8_t p_putget8u(uint8_t value, int src);
int16_t p_putget16(int16_t value, int src);
uint16_t p_putget16u(uint16_t value, int src);
int32_t p_putget32(int32_t value, int src);
uint32_t p_putget32u(uint32_t value, int src);
int64_t p_putget64(int64_t value, int src);
uint64_t p_putget64u(uint64_t value, int src);
float p_putget32f(float value, int src);
double p_putget64f(double value, int src);

/* p_reduceAdd<bits><suffix>(value): sum (integers wrap around; floats added in PE order 0,1,...), on every PE. */
int8_t p_reduceAdd8(int8_t value);
uint8_t p_reduceAdd8u(uint8_t value);
int16_t p_reduceAdd16(int16_t value);
uint16_t p_reduceAdd16u(uint16_t value);
int32_t p_reduceAdd32(int32_t value);
uint32_t p_reduceAdd32u(uint32_t value);
int64_t p_reduceAdd64(int64_t value);
uint64_t p_reduceAdd64u(uint64_t value);
float p_reduceAdd32f(float value);
double p_reduceAdd64f(double value);

/* p_reduceMul<bits><suffix>(value): product, on every PE. */
int8_t p_reduceMul8(int8_t value);
uint8_t p_reduceMul8u(uint8_t value);
int16_t p_reduceMul16(int16_t value);
uint16_t p_reduceMul16u(uint16_t value);
int32_t p_reduceMul32(int32_t value);
uint32_t p_reduceMul32u(uint32_t value);
int64_t p_reduceMul64(int64_t value);
uint64_t p_reduceMul64u(uint64_t value);
float p_reduceMul32f(float value);
double p_reduceMul64f(double value);

/* p_reduceMin<bits><suffix>(value): minimum, on every PE. */
int8_t p_reduceMin8(int8_t value);
uint8_t p_reduceMin8u(uint8_t value);
int16_t p_reduceMin16(int16_t value);
uint16_t p_reduceMin16u(uint16_t value);
int32_t p_reduceMin32(int32_t value);
uint32_t p_reduceMin32u(uint32_t value);
int64_t p_reduceMin64(int64_t value);
uint64_t p_reduceMin64u(uint64_t value);
float p_reduceMin32f(float value);
double p_reduceMin64f(double value);

/* p_reduceMax<bits><suffix>(value): maximum, on every PE. */
int8_t p_reduceMax8(int8_t value);
uint8_t p_reduceMax8u(uint8_t value);
int16_t p_reduceMax16(int16_t value);
uint16_t p_reduceMax16u(uint16_t value);
int32_t p_reduceMax32(int32_t value);
uint32_t p_reduceMax32u(uint32_t value);
int64_t p_reduceMax64(int64_t value);
uint64_t p_reduceMax64u(uint64_t value);
float p_reduceMax32f(float value);
double p_reduceMax64f(double value);

/* p_reduceAnd<bits><suffix>(value): bitwise AND (integers only), on every PE. */
int8_t p_reduceAnd8(int8_t value);
uint8_t p_reduceAnd8u(uint8_t value);
int16_t p_reduceAnd16(int16_t value);
uint16_t p_reduceAnd16u(uint16_t value);
int32_t p_reduceAnd32(int32_t value);
uint32_t p_reduceAnd32u(uint32_t value);
int64_t p_reduceAnd64(int64_t value);
uint64_t p_reduceAnd64u(uint64_t value);

/* p_reduceOr<bits><suffix>(value): bitwise OR (integers only), on every PE. */
int8_t p_reduceOr8(int8_t value);
uint8_t p_reduceOr8u(uint8_t value);
int16_t p_reduceOr16(int16_t value);
uint16_t p_reduceOr16u(uint16_t value);
int32_t p_reduceOr32(int32_t value);
uint32_t p_reduceOr32u(uint32_t value);
int64_t p_reduceOr64(int64_t value);
uint64_t p_reduceOr64u(uint64_t value);

#ifdef __cplusplus
}
#endif
#endif /* PAPERS_AFAPI_H */
