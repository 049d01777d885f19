/* Order statistics, the Mann-Whitney U test used by incbench regress, and the ratio
 * intervals of compare and factor. */
#ifndef IB_BENCH_STATS_H
#define IB_BENCH_STATS_H

/* The two-sided Mann-Whitney U test, computed as scipy.stats.mannwhitneyu(x, y,
 * alternative="two-sided") computes it (method "auto", as Google Benchmark's compare.py calls
 * it): the exact null distribution when there are no ties and at least one sample has at
 * most 8 values; otherwise the normal approximation with the tie correction of the variance
 * and a continuity correction of 0.5. p = 2 P(U >= max(U_x, U_y)), clipped to 1. */
typedef struct ib_mwu {
    double u;  /* U of x: pairs (x_i, y_j) with x_i > y_j, ties counting 1/2 */
    double p;  /* two-sided p-value in [0, 1] */
    int exact; /* 1: exact distribution, 0: normal approximation */
} ib_mwu;

/* 0 on success; -1 when a sample is empty, larger than 100000 or holds a non-finite value,
 * or memory runs out. */
int ib_mwu_test(const double *x, int nx, const double *y, int ny, ib_mwu *r);

/* The smallest two-sided p-value ib_mwu_test can give for these sample sizes (exact or normal
 * approximation, as the test itself chooses): when it is not below alpha, no difference can
 * ever be called significant. 1 for empty or oversized samples. */
double ib_mwu_min_p(int nx, int ny);

/* Sorts a copy of x into tmp (n doubles) and returns the q-quantile with linear
 * interpolation between order statistics (numpy's default); NaN when n < 1. */
double ib_quantile(const double *x, int n, double q, double *tmp);
/* The median (the mean of the middle two when n is even): the one definition of it; of x
 * (a sorted copy left in tmp), or of an already sorted s. NaN when n < 1. */
double ib_median(const double *x, int n, double *tmp);
double ib_median_sorted(const double *s, int n);

/* A distribution-free confidence interval of the median from order statistics: [x_(k),
 * x_(n+1-k)] (1-based, sorted), k the largest with P(Binomial(n, 1/2) < k) <= (1 - conf) / 2.
 * For 9 values at 95%: the 2nd smallest to the 2nd largest (coverage 96%). lo = hi = NaN when
 * n is too small for conf (n < 6 at 95%). tmp holds n doubles. */
void ib_median_ci(const double *x, int n, double conf, double *lo, double *hi, double *tmp);

/* The ratio of two timings y / x, distribution-free: the Hodges-Lehmann estimate (median of
 * the nx*ny pairwise ratios y_j / x_i) and its Moses confidence interval, the interval that
 * goes with the Mann-Whitney U test (a ratio is tested as a shift of log times). The interval
 * runs from the (c+1)-th smallest to the (c+1)-th largest pairwise ratio, c the largest count
 * with P(U <= c) <= (1 - conf) / 2 (exact null distribution up to 100 x 100 samples, else the
 * normal approximation). "Not significant" is an interval that contains 1. */
typedef struct ib_ratio_ci {
    double est, lo, hi; /* lo = hi = NaN when the samples are too small for conf */
    double conf;        /* the confidence asked for, e.g. 0.95 */
} ib_ratio_ci;

/* The Hodges-Lehmann ratio y / x alone, as ib_ratio_ci_compute estimates it (samples assumed
 * valid). tmp holds nx*ny doubles. */
double ib_hl_ratio(const double *x, int nx, const double *y, int ny, double *tmp);

/* 0 on success; -1 when a sample is empty, larger than 100000 pairs in all, holds a value
 * that is not positive and finite, or memory runs out. */
int ib_ratio_ci_compute(const double *x, int nx, const double *y, int ny, double conf,
                        ib_ratio_ci *r);
/* The ratio y / x when the repetitions come in rounds (fresh buffers, another CPU, later in
 * the run) that are not independent of one another within a round: a round's repetitions
 * share its buffer placement and the load of the machine at that moment, so rounds, not
 * repetitions, are the independent units. Round i holds x[xend[i-1] .. xend[i]-1] and
 * y[yend[i-1] .. yend[i]-1] (xend[-1] = 0), its x's and y's interleaved in time, so that slow
 * drift of the machine falls on both alike. Each round gives the log of the Hodges-Lehmann
 * ratio of the faster half of its x's and of its y's (the median of their pairwise log
 * ratios): other work only ever adds time, so the slower half is where disturbances land,
 * and the faster half is still many values, where the fastest one of a few is a noisy
 * extreme. The rounds are combined the same way: est is the exponentiated one-sample Hodges-Lehmann
 * centre of their log ratios (median of the Walsh averages), the interval its distribution-free
 * Wilcoxon signed-rank interval (6 rounds at 95%: from the smallest round to the largest,
 * coverage 96.9%; 10 rounds: the 9th smallest to the 9th largest of 55 Walsh averages). One
 * disturbed round moves the estimate and an end by a rank, not by its size. 0, or -1 with
 * too few rounds for conf (fewer than 6 at 95%), an empty round, a round of more than 100000
 * pairs, a value that is not positive and finite, conf outside (0, 1), or no memory. */
int ib_ratio_ci_rounds(const double *x, const int *xend, const double *y, const int *yend,
                       int nrounds, double conf, ib_ratio_ci *r);

/* The two steps of ib_ratio_ci_rounds, for callers that combine rounds themselves (a
 * geometric mean over layers, a sum): one round's log ratio y / x (the Hodges-Lehmann ratio of
 * the faster halves; NaN on an empty or invalid round), and the centre of n rounds' log ratios
 * l with its interval (0, or -1 with too few rounds for conf or a value that is not finite). */
double ib_round_log_ratio(const double *x, int nx, const double *y, int ny);
/* The median of the faster half of n values (the ceil(n/2) smallest, the half ib_round_log_ratio
 * reads): a round's time of one benchmark. tmp holds n doubles; NaN when n < 1. */
double ib_faster_half_median(const double *x, int n, double *tmp);
int ib_ratio_ci_of_logs(const double *l, int n, double conf, ib_ratio_ci *r);

/* 1 when the interval excludes 1 (a difference at that confidence), else 0. */
int ib_ratio_ci_significant(const ib_ratio_ci *r);

/* How every report reads a ratio time(A) / time(B) with its interval: "faster" (A; the
 * interval lies below 1), "slower" (above 1), "not significant" (it contains 1), or NULL when
 * there is no interval to read. */
const char *ib_ratio_ci_verdict(const ib_ratio_ci *r);

#endif
