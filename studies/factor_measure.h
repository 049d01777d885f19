/* Timing one factorization case: both forms verified on every family, then timed through
 * Google Benchmark with the repetitions of A and B interleaved at random. */
#ifndef IB_BENCH_FACTOR_MEASURE_H
#define IB_BENCH_FACTOR_MEASURE_H

#include "studies/factor.h"

/* One form on one implementation family. */
typedef struct ib_fform_time {
    int state; /* 0 not run (n/a), 1 timed, -1 verification or a run failed */
    char why[320];
    ib_timing t;      /* seconds per call, one sample per repetition: wall (samples) and
                         CPU time (cpu_samples) */
    int on_cpu;       /* 1: the figures use the CPU times (one thread), else the wall times */
    double peak;      /* FMA peak (FLOP/s) of the ISA the family runs, at the threads used */
    char kernel[160]; /* what ran, layer by layer ("jit:avx2 + jit_1x1:avx2"), when known */
    char name[320];   /* its benchmark: PREFIX/pair/case/form/family */
    int rounds;       /* rounds measured */
    int ends[IB_MAX_ROUNDS]; /* one past the last repetition of each round in t's samples */
} ib_fform_time;

/* One round of case c: verifies both forms on each family (into freshly allocated instances),
 * then times them: o->reps repetitions of at least o->min_time seconds each, A's and B's in
 * random order, wall time when threads > 1, else this process's CPU time. Benchmarks are named
 * PREFIX/pair/case/form/family. ra[k], rb[k] receive family k: round 0 starts them, later rounds
 * append their repetitions and mark where the round ends (a family that failed or is n/a
 * stays so). Returns 0, 1 when a
 * verification or a run failed (that family's entry says so), 2 on an error (message on
 * stderr). */
int ib_factor_measure(const ib_run_opts *o, const char *prefix, const ib_fcase *c, const char **fam,
                      int nfam, int threads, int round, ib_fform_time *ra, ib_fform_time *rb);

#endif
