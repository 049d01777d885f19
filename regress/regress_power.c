/* The power of an incbench regress run: smallest reachable p, refusal, repetitions needed,
 * minimum detectable slowdown. */
#include "regress/regress_power.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness/stats.h"

enum { MAX_REPS = 100000 };

int ib_rg_can_detect(int nb, int nc, int m, double alpha)
{
    return m >= 1 && ib_mwu_min_p(nb, nc) < alpha / m;
}

int ib_rg_reps_needed(int base_procs, int check_procs, int m, double alpha, int min_reps)
{
    if (base_procs < 1 || check_procs < 1 || m < 1)
        return 0;
    const int small = base_procs < check_procs ? base_procs : check_procs;
    int r = min_reps > 1 ? min_reps : 1;
    /* While a side has at most 8 repetitions the test is exact, and its smallest p is not
     * monotone across the switch to the normal approximation (8+8 reaches 1.6e-4, 9+9 only
     * 4.1e-4): step through those counts one by one. */
    for (; (long long)r * small <= 8; r++)
        if (ib_rg_can_detect(base_procs * r, check_procs * r, m, alpha))
            return r;
    /* Beyond, the approximation's smallest p falls as r grows: double, then bisect. */
    int lo = r - 1, hi = r;
    while (!ib_rg_can_detect(base_procs * hi, check_procs * hi, m, alpha)) {
        if (hi > MAX_REPS / base_procs / 2 || hi > MAX_REPS / check_procs / 2)
            return 0;
        lo = hi;
        hi *= 2;
    }
    while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        if (ib_rg_can_detect(base_procs * mid, check_procs * mid, m, alpha))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

int ib_rg_power_refusal(int nb, int nc, int m, double alpha, int reps_hint, char *msg, int len)
{
    if (ib_rg_can_detect(nb, nc, m, alpha))
        return 0;
    int w = snprintf(msg, (size_t)len,
                     "this run cannot detect any regression: with %d baseline and %d new "
                     "repetitions the smallest p-value the U test can give is %.2g, not below "
                     "alpha/m = %g/%d = %.2g (Holm's first bound over %d benchmarks)",
                     nb, nc, ib_mwu_min_p(nb, nc), alpha, m, alpha / (m > 0 ? m : 1), m);
    if (reps_hint > 0 && w > 0 && w < len)
        snprintf(msg + w, (size_t)(len - w),
                 "; it needs --reps %d or more for %d benchmarks at alpha %g (or fewer "
                 "benchmarks: --layer, --impl, --benchmark_filter)",
                 reps_hint, m, alpha);
    return 1;
}

/* p of the U test between base and cur scaled by k. */
static double p_scaled(const double *base, int nb, const double *cur, int nc, double k, double *tmp)
{
    for (int i = 0; i < nc; i++)
        tmp[i] = cur[i] * k;
    ib_mwu t;
    return ib_mwu_test(base, nb, tmp, nc, &t) == 0 ? t.p : NAN;
}

double ib_rg_min_detectable(const double *base, int nb, const double *cur, int nc, int m,
                            double alpha, double floor, double *tmp)
{
    if (nb < 1 || nc < 1 || m < 1 || !(alpha > 0))
        return NAN;
    const double level = alpha / m;
    if (!ib_rg_can_detect(nb, nc, m, alpha))
        return INFINITY;
    double *sorted = malloc((size_t)(nb > nc ? nb : nc) * sizeof *sorted);
    if (!sorted)
        return NAN;
    const double mb = ib_median(base, nb, sorted), mc = ib_median(cur, nc, sorted);
    double bmax = base[0], cmin = cur[0];
    for (int i = 1; i < nb; i++)
        bmax = fmax(bmax, base[i]);
    for (int i = 1; i < nc; i++)
        cmin = fmin(cmin, cur[i]);
    free(sorted);
    if (!(mb > 0 && mc > 0 && cmin > 0))
        return NAN;
    const double center = mb / mc; /* this run moved onto the baseline's median */
    /* The p-value falls (weakly) as the slowdown grows, and reaches the test's smallest once
     * every slowed repetition lies above every baseline one: bisect between 0 and there. */
    double lo = 0, hi = bmax / (cmin * center) * (1 + 1e-9) - 1;
    if (hi < 0)
        hi = 0;
    if (p_scaled(base, nb, cur, nc, center, tmp) < level) {
        hi = 0;
    } else {
        for (int it = 0; it < 60 && hi - lo > 1e-6 * (1 + hi); it++) {
            const double mid = 0.5 * (lo + hi);
            if (p_scaled(base, nb, cur, nc, center * (1 + mid), tmp) < level)
                hi = mid;
            else
                lo = mid;
        }
    }
    return fmax(hi, floor);
}
