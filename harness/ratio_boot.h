/* The geometric mean of several same-run ratios with a bootstrap interval (incbench compare). */
#ifndef IB_BENCH_RATIO_BOOT_H
#define IB_BENCH_RATIO_BOOT_H

#include <stdint.h>

#include "harness/stats.h"

/* One compared pair: x the base's timings, y the compared implementation's (its repetitions;
 * every value positive and finite). */
typedef struct ib_ratio_pair {
    const double *x;
    int nx;
    const double *y;
    int ny;
} ib_ratio_pair;

/* The geometric mean over the k pairs of their Hodges-Lehmann ratios (r->est), and its
 * percentile bootstrap interval at conf (r->lo, r->hi): each of nboot replicates draws every
 * sample's repetitions again with replacement, each sample on its own, from a generator
 * started at seed, so one file always gives one interval. lo = hi = NaN when a sample has
 * fewer than 2 repetitions. 0 on success; -1 on an empty or invalid input or no memory. */
int ib_geomean_ratio_boot(const ib_ratio_pair *p, int k, double conf, int nboot, uint64_t seed,
                          ib_ratio_ci *r);

#endif
