/* `best` in incbench net: one kernel per layer among the native families, with the cost of
 * every layout change between layers (measured reorders) counted in the choice. */
#ifndef IB_BENCH_NET_BEST_H
#define IB_BENCH_NET_BEST_H

#include "core/impl.h"
#include "core/inception_v3.h"

enum { IB_BEST_MAX = 8 };

typedef struct ib_best_in {
    const ib_net *net;
    const int *use; /* per layer: part of the pass */
    int ncand;      /* candidate families, each with native kernels only */
    const ib_impl *const *impls[IB_BEST_MAX]; /* per candidate: its kernel per layer */
    const double *time[IB_BEST_MAX];          /* per candidate: measured seconds per layer
                                                 (minimums), reorders excluded */
    const double *time_hi[IB_BEST_MAX];       /* the same layers' maximums */
    double min_time;                          /* per reorder timing */
    int reps;
} ib_best_in;

/* What the choice is made of: the candidate it started from, the layers whose kernel differs
 * from that candidate's (0: best is that candidate, and its pass would only time it again), and
 * the reorders' share of the prediction. */
typedef struct ib_best_choice {
    int start;
    int moved;
    double reorder_s; /* measured here, minimums too */
} ib_best_choice;

/* Writes the choice into pick[layer] and returns the sum of step minimums it predicts
 * (seconds), or -1 when a reorder could not be measured. The start is the fastest single
 * family, and a layer only changes family when that lowers the prediction, reorders included,
 * and the layer's slowest repetition in the other family is faster than its fastest in the one
 * it leaves: a difference the repetitions' spread does not swallow. A layer within the noise
 * stays where it is, so the minimum of many noisy timings (the fastest family's by luck) does
 * not pull it over. */
double ib_net_best_pick(const ib_best_in *in, const ib_impl **pick, ib_best_choice *how);

#endif
