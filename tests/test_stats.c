/* The interval statistics every comparison of incbench prints: the Hodges-Lehmann ratio and
 * its Moses confidence interval, checked against values computed independently (exact null
 * distribution of U enumerated in Python); the bootstrap interval of a geometric mean of
 * ratios, checked on cases whose answer is known. */
#include <math.h>
#include <stdio.h>

#include "bench/ratio_boot.h"
#include "bench/stats.h"
#include "tests/check.h"

static int near(double a, double b)
{
    return fabs(a - b) <= 1e-12 * fabs(b);
}

static void test_ratio_ci(void)
{
    const double x[9] = {1.00, 1.02, 0.98, 1.05, 1.01, 0.99, 1.10, 1.03, 0.97};
    const double y[9] = {1.20, 1.18, 1.25, 1.22, 1.19, 1.30, 1.21, 1.17, 1.23};
    ib_ratio_ci r;
    int ok;
    /* 9 x 9 at 95%: c = 17, the interval is the 18th smallest and 18th largest ratio */
    ok = ib_ratio_ci_compute(x, 9, y, 9, 0.95, &r) == 0;
    ib_check(ok && near(r.est, 1.198019801980198) && near(r.lo, 1.156862745098039) &&
                 near(r.hi, 1.2380952380952381),
             "ratio ci 9x9: est %.17g [%.17g, %.17g]", r.est, r.lo, r.hi);
    ib_check(ib_ratio_ci_significant(&r), "a 20%% shift with 5%% spread is significant");

    /* the same sample twice: estimate 1, interval around 1, not significant */
    ok = ib_ratio_ci_compute(x, 9, x, 9, 0.95, &r) == 0;
    ib_check(ok && near(r.est, 1.0) && r.lo < 1 && r.hi > 1 && !ib_ratio_ci_significant(&r),
             "A/A: est %g [%g, %g] not significant", r.est, r.lo, r.hi);

    /* 3 x 3 cannot reach 95%: no interval, never significant */
    ok = ib_ratio_ci_compute(x, 3, y, 3, 0.95, &r) == 0;
    ib_check(ok && isnan(r.lo) && isnan(r.hi) && !ib_ratio_ci_significant(&r),
             "3x3 samples give no 95%% interval");

    /* an exact doubling gives a degenerate interval at 2 */
    double y2[9];
    for (int i = 0; i < 9; i++)
        y2[i] = 2 * x[i];
    ok = ib_ratio_ci_compute(x, 9, y2, 9, 0.95, &r) == 0;
    ib_check(ok && r.lo <= 2 + 1e-12 && r.hi >= 2 - 1e-12 && near(r.est, 2.0) &&
                 ib_ratio_ci_significant(&r),
             "doubling: est %g [%g, %g]", r.est, r.lo, r.hi);

    /* bad input refused */
    const double bad[2] = {1.0, NAN}, zero[2] = {0.0, 1.0};
    ib_check(ib_ratio_ci_compute(bad, 2, x, 9, 0.95, &r) == -1 &&
                 ib_ratio_ci_compute(zero, 2, x, 9, 0.95, &r) == -1 &&
                 ib_ratio_ci_compute(x, 0, x, 9, 0.95, &r) == -1 &&
                 ib_ratio_ci_compute(x, 9, x, 9, 1.5, &r) == -1,
             "ratio ci refuses NaN, zero, empty and conf outside (0, 1)");

    /* large samples take the normal approximation: interval still brackets the estimate */
    double a[150], b[150];
    for (int i = 0; i < 150; i++) {
        a[i] = 1.0 + 0.001 * ((i * 37) % 101);
        b[i] = 1.1 * (1.0 + 0.001 * ((i * 53) % 97));
    }
    ok = ib_ratio_ci_compute(a, 150, b, 150, 0.95, &r) == 0;
    ib_check(ok && r.lo < r.est && r.est < r.hi && r.lo > 1.0 && ib_ratio_ci_significant(&r),
             "150x150 normal approximation: est %g [%g, %g]", r.est, r.lo, r.hi);
}

static void test_geomean_boot(void)
{
    const double x[9] = {1.00, 1.02, 0.98, 1.05, 1.01, 0.99, 1.10, 1.03, 0.97};
    double x2[9], x3[9], tmp[81];
    for (int i = 0; i < 9; i++)
        x2[i] = 2 * x[i], x3[i] = 3 * x[(i + 2) % 9];
    ib_ratio_ci r, r2;
    ib_check(near(ib_hl_ratio(x, 9, x2, 9, tmp), 2.0), "HL ratio of a doubled sample is 2");
    ib_ratio_ci_compute(x, 9, x3, 9, 0.95, &r);
    ib_check(near(ib_hl_ratio(x, 9, x3, 9, tmp), r.est), "HL ratio agrees with the Moses one");

    /* A/A over two layers: geometric mean 1, interval around 1 */
    ib_ratio_pair aa[2] = {{x, 9, x, 9}, {x2, 9, x2, 9}};
    int ok = ib_geomean_ratio_boot(aa, 2, 0.95, 2000, 42, &r) == 0;
    ib_check(ok && near(r.est, 1.0) && r.lo < 1 && r.hi > 1, "A/A geomean %g [%g, %g]", r.est, r.lo,
             r.hi);
    /* one layer 2x, one 3x: geometric mean sqrt(6), interval away from 1 and around it */
    ib_ratio_pair ab[2] = {{x, 9, x2, 9}, {x, 9, x3, 9}};
    const double g = sqrt(2 * ib_hl_ratio(x, 9, x3, 9, tmp));
    ok = ib_geomean_ratio_boot(ab, 2, 0.95, 2000, 42, &r) == 0;
    ib_check(ok && near(r.est, g) && r.lo > 1 && r.lo <= g && r.hi >= g,
             "2x and 3x: geomean %g (want %g) [%g, %g]", r.est, g, r.lo, r.hi);
    /* the same seed gives the same interval */
    ib_geomean_ratio_boot(ab, 2, 0.95, 2000, 42, &r2);
    ib_check(r.lo == r2.lo && r.hi == r2.hi, "bootstrap reproducible with its seed");
    /* a single repetition: an estimate and no interval */
    ib_ratio_pair one[1] = {{x, 1, x2, 1}};
    ok = ib_geomean_ratio_boot(one, 1, 0.95, 100, 1, &r) == 0;
    ib_check(ok && near(r.est, 2.0) && isnan(r.lo) && isnan(r.hi),
             "single repetitions: estimate, no interval");
    /* bad input refused */
    const double bad[2] = {1, -1};
    ib_ratio_pair neg[1] = {{x, 9, bad, 2}};
    ib_check(ib_geomean_ratio_boot(neg, 1, 0.95, 100, 1, &r) == -1 &&
                 ib_geomean_ratio_boot(aa, 0, 0.95, 100, 1, &r) == -1,
             "a negative time or no pair is refused");
}

int main(void)
{
    test_ratio_ci();
    test_geomean_boot();
    return ib_check_done();
}
