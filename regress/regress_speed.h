/* Each process's common speed on one side of an incbench regress comparison. On a shared
 * host the processes of one run differ mostly by how fast the whole machine ran while each
 * was alive: every benchmark of a process is faster or slower together (measured here with
 * interleaved repetitions: process medians of 16 Mixed_5b benchmarks spread by 5-11%, by 2-8%
 * once each process's median deviation over all of them is taken out). Removing that common
 * part leaves what varies from one process to the next for one benchmark alone, which is the
 * noise a change in that benchmark must exceed; a change of every benchmark together is the
 * run's common change, which the report names apart (ib_rg_report.drift). */
#ifndef IB_BENCH_REGRESS_SPEED_H
#define IB_BENCH_REGRESS_SPEED_H

#include "core/status.h"
#include "regress/regress.h"

/* Fewer benchmarks than this compared: no common speed is estimated (every factor 1). */
enum { IB_RG_SPEED_MIN_BENCH = 5 };

typedef struct ib_rg_speed {
    double *factor; /* per process id: its median time over the side's median, 1 when unknown */
    int nproc;      /* process ids 0 .. nproc - 1 have a slot */
    int nbench;     /* benchmarks the factors were taken over (0: none estimated) */
    int k;          /* processes with a factor */
    double ss;      /* the sum of squared deviations of their log factors from their mean */
} ib_rg_speed;

/* The per-process medians of b: *k of them, med[i] the median of the repetitions that ran in
 * process proc[i], divided by that process's speed in sp (none when sp is NULL). proc (may be
 * NULL) and med hold b->n values, tmp 2 b->n doubles. */
void ib_rg_process_medians(const ib_rg_bench *b, const ib_rg_speed *sp, int *proc, double *med,
                           int *k, double *tmp);

/* The common speed of each process of side, over the benchmarks that side shares with other
 * (usable, with repetitions in 2 or more processes): for each such benchmark the log of each
 * process median over the median of its process medians, and per process the median of those
 * over the benchmarks. Needs IB_RG_SPEED_MIN_BENCH benchmarks; with fewer every factor is 1.
 * ib_rg_speed_free releases it. */
ib_status ib_rg_speed_of(const ib_rg_set *side, const ib_rg_set *other, ib_rg_speed *sp, ib_err *e);
double ib_rg_speed_factor(const ib_rg_speed *sp, int proc);
void ib_rg_speed_free(ib_rg_speed *sp);

#endif
