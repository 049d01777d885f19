/* The arithmetic behind incbench's comparisons: the Hodges-Lehmann ratio and its Moses
 * confidence interval (checked against values computed independently, the exact null
 * distribution of U enumerated in Python), the median's interval, the bootstrap interval of a
 * geometric mean of ratios, the interval over rounds (Student's t), the factorization decomposition
 * and verdicts on synthetic pairs, and the work counts on executed MACs. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "harness/ratio_boot.h"
#include "harness/stats.h"
#include "studies/factor.h"
#include "studies/factor_verdict.h"
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
    ib_check(!strcmp(ib_ratio_ci_verdict(&r), "slower"), "y 20%% slower reads 'slower'");
    ok = ib_ratio_ci_compute(y, 9, x, 9, 0.95, &r) == 0;
    ib_check(ok && !strcmp(ib_ratio_ci_verdict(&r), "faster"), "x / y below 1 reads 'faster'");

    /* the same sample twice: estimate 1, interval around 1, not significant */
    ok = ib_ratio_ci_compute(x, 9, x, 9, 0.95, &r) == 0;
    ib_check(ok && near(r.est, 1.0) && r.lo < 1 && r.hi > 1 && !ib_ratio_ci_significant(&r),
             "A/A: est %g [%g, %g] not significant", r.est, r.lo, r.hi);
    ib_check(!strcmp(ib_ratio_ci_verdict(&r), "not significant"), "A/A reads 'not significant'");

    /* 3 x 3 cannot reach 95%: no interval, never significant */
    ok = ib_ratio_ci_compute(x, 3, y, 3, 0.95, &r) == 0;
    ib_check(ok && isnan(r.lo) && isnan(r.hi) && !ib_ratio_ci_significant(&r),
             "3x3 samples give no 95%% interval");
    ib_check(ib_ratio_ci_verdict(&r) == NULL, "no interval, no verdict");
    {
        const double v5[5] = {5, 1, 4, 2, 3}, v4[4] = {4, 1, 3, 2};
        double t5[5], t4[4];
        ib_check(ib_faster_half_median(v5, 5, t5) == 2 && ib_faster_half_median(v4, 4, t4) == 1.5 &&
                     isnan(ib_faster_half_median(v4, 0, t4)),
                 "the faster half's median: of {1, 2, 3} of 5 values, of {1, 2} of 4, none of 0");
    }

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

static void test_median_ci(void)
{
    const double x[9] = {9, 1, 8, 2, 7, 3, 6, 4, 5};
    double lo, hi, tmp[9];
    ib_median_ci(x, 9, 0.95, &lo, &hi, tmp); /* P(B <= 1) = 10/512 <= 0.025 < P(B <= 2) */
    ib_check(lo == 2 && hi == 8, "median ci of 1..9: [%g, %g], want [2, 8]", lo, hi);
    ib_median_ci(x, 5, 0.95, &lo, &hi, tmp); /* 2 * (1/32) > 0.05: no interval */
    ib_check(isnan(lo) && isnan(hi), "median ci of 5 values at 95%%: none");
    ib_median_ci(x, 6, 0.95, &lo, &hi, tmp); /* 2/64 <= 0.05: the extremes */
    ib_check(lo == 1 && hi == 9, "median ci of 6 values: [%g, %g], want [1, 9]", lo, hi);
}

/* Nine repetitions of t with a +-2% spread, in a scrambled order. */
static void spread(double t, double *out)
{
    static const double f[9] = {1.00, 0.99, 1.02, 0.98, 1.01, 1.00, 0.995, 1.015, 0.985};
    for (int i = 0; i < 9; i++)
        out[i] = t * f[i];
}

static void test_decomposition(void)
{
    double a[9], b[9];
    ib_fpair p;
    int ok;
    /* B does 60% of A's work in half the time: its kernels are 1.2x as efficient as A's */
    spread(1e-3, a);
    spread(0.5e-3, b);
    ib_fpair_in in = {a, b, 9, 9, 100e6, 60e6, 110e6, 66e6, 400e9, 0, 0, NULL, NULL, 0, 0, 0};
    ok = ib_fpair_analyze(&in, &p) == 0;
    ib_check(ok && fabs(p.saving - 0.5) < 1e-9 && fabs(p.work_saving - 0.4) < 1e-12 &&
                 fabs(p.work_saving_nom - 0.4) < 1e-12 && fabs(p.eff_ratio - 0.5 / 0.6) < 1e-9 &&
                 fabs(p.realized - 1.25) < 1e-9,
             "decomposition: saving %g = 1 - (1 - %g) x %g, realized %g", p.saving, p.work_saving,
             p.eff_ratio, p.realized);
    ib_check(fabs(1 - (1 - p.work_saving) * p.eff_ratio - p.saving) < 1e-12,
             "saving = 1 - (1 - work saving) x efficiency ratio holds exactly");
    ib_check(fabs(p.peak_a - 2 * 100e6 / 1e-3 / 400e9) < 1e-9 &&
                 fabs(p.peak_b - 2 * 60e6 / 0.5e-3 / 400e9) < 1e-9,
             "%%peak of each form on executed work: %g %g", p.peak_a, p.peak_b);
    /* an algorithm with its own multiply-adds (Winograd: 25e6 for B): %peak counts those,
     * the saving and its decomposition stay on the direct count */
    ib_fpair pw;
    ib_fpair_in inw = in;
    inw.peak_work_b = 25e6;
    ib_check(ib_fpair_analyze(&inw, &pw) == 0 &&
                 fabs(pw.peak_b - 2 * 25e6 / 0.5e-3 / 400e9) < 1e-9 &&
                 fabs(pw.peak_a - p.peak_a) < 1e-12 && pw.saving == p.saving &&
                 pw.eff_ratio == p.eff_ratio,
             "%%peak on an algorithm's own multiply-adds: %g", pw.peak_b);
    /* form A on Winograd (25e6 products for 100e6 direct MACs), B direct (60e6) in twice A's
     * time: the work saving counts the algorithms' multiply-adds, B doing 2.4x A's; on the
     * direct count A's kernels would look 3.3x as efficient and B's be called slow */
    ib_fpair pa;
    ib_fpair_in ina = in;
    double wa[9], wb[9];
    spread(0.5e-3, wa);
    spread(1e-3, wb);
    ina.ta = wa;
    ina.tb = wb;
    ina.algo_work_a = 25e6;
    ina.algo_work_b = 60e6;
    ib_check(ib_fpair_analyze(&ina, &pa) == 0 && pa.work_on_algo && !p.work_on_algo &&
                 fabs(pa.saving + 1) < 1e-9 && fabs(pa.work_saving + 1.4) < 1e-12 &&
                 fabs(pa.eff_ratio - 2 / 2.4) < 1e-9 && pa.artefact == IB_FA_NONE &&
                 fabs(pa.realized - 1 / 1.4) < 1e-9 && pa.verdict == IB_FV_DOES_NOT_PAY,
             "a form on Winograd: work saving %g on the algorithms' MACs, efficiency ratio %g, "
             "realized %g, artefact %d",
             pa.work_saving, pa.eff_ratio, pa.realized, (int)pa.artefact);
    ina.algo_work_a = ina.algo_work_b = 0;
    ib_check(ib_fpair_analyze(&ina, &pa) == 0 && pa.artefact == IB_FA_FACTORED_SLOW,
             "the same pair on the direct count calls B's kernels slow (efficiency ratio %g)",
             pa.eff_ratio);

    ib_check(p.verdict == IB_FV_PAYS && p.artefact == IB_FA_NONE && p.saving_lo > 0.45 &&
                 p.saving_hi < 0.55,
             "verdict pays, no artefact (efficiency ratio 0.83), interval [%g, %g]", p.saving_lo,
             p.saving_hi);

    /* B in 0.45 of A's time with 60% of the work: A's kernels at 75% of B's efficiency */
    spread(0.45e-3, b);
    ok = ib_fpair_analyze(&in, &p) == 0;
    ib_check(ok && p.artefact == IB_FA_BASE_SLOW && p.verdict == IB_FV_PAYS,
             "a slow base kernel is flagged as an artefact (efficiency ratio %g)", p.eff_ratio);

    /* B in 0.8 of A's time with 60% of the work: half of the saving realized */
    spread(0.8e-3, b);
    ok = ib_fpair_analyze(&in, &p) == 0;
    ib_check(ok && p.verdict == IB_FV_PAYS && p.artefact == IB_FA_FACTORED_SLOW &&
                 fabs(p.realized - 0.5) < 1e-9,
             "pays, half realized, factored kernels slow: realized %g", p.realized);

    /* the same times: a saving of exactly 0 is negligible, whatever the work saving */
    const ib_fpair_in aa = {a, a, 9, 9, 100e6, 60e6, 100e6, 60e6, 0, 0, 0, NULL, NULL, 0, 0, 0};
    ok = ib_fpair_analyze(&aa, &p) == 0;
    ib_check(ok && p.verdict == IB_FV_NEGLIGIBLE && isnan(p.peak_a) &&
                 !strcmp(ib_fverdict_name(p.verdict), "negligible"),
             "A/A: negligible (interval [%g, %g])", p.saving_lo, p.saving_hi);

    /* B slower: does not pay */
    spread(1.2e-3, b);
    ok = ib_fpair_analyze(&in, &p) == 0;
    ib_check(ok && p.verdict == IB_FV_DOES_NOT_PAY, "B 20%% slower: does not pay");
}

/* The theoretical savings on executed MACs: at grid 8 with 'same' padding, a 5x5's border
 * taps fall in the padding far more often than two 3x3s', so the saving shrinks. */
static void test_executed_theory(void)
{
    static ib_fcase cases[64];
    ib_err e;
    const int n = ib_factor_sweep_cases(1, 0, cases, 64, &e);
    int seen = 0;
    for (int i = 0; i < n; i++) {
        const ib_fcase *c = &cases[i];
        if (c->grid != 8)
            continue;
        if (c->pair == 1) {
            seen |= 1;
            ib_check(fabs(ib_fcase_theory(c) - 0.28) < 1e-9 &&
                         fabs(ib_fcase_theory_exec(c) - 0.163) < 5e-4,
                     "5x5 -> 3x3+3x3 at 8x8: %.4f nominal, %.4f executed (want 0.28, 0.163)",
                     ib_fcase_theory(c), ib_fcase_theory_exec(c));
        }
        if (c->pair == 3) {
            seen |= 2;
            ib_check(fabs(ib_fcase_theory(c) - 5.0 / 7) < 1e-9 &&
                         fabs(ib_fcase_theory_exec(c) - 0.636) < 5e-4,
                     "7x7 -> 1x7+7x1 at 8x8: %.4f nominal, %.4f executed (want 0.714, 0.636)",
                     ib_fcase_theory(c), ib_fcase_theory_exec(c));
        }
    }
    ib_check(n > 0 && seen == 3, "the sweep has 8x8 cases of pairs 1 and 3");
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

/* The fastest-algorithm saving: each form on the algorithm with the lower median, the saving's
 * interval computed on the chosen samples exactly as the direct saving's. */
static void test_fastest(void)
{
    double da[9], db[9], wa[9], wb[9];
    /* direct: A 1 ms, B 0.7 ms (pays); Winograd: A 0.5 ms (the 3x3), B 0.9 ms (slower) */
    spread(1e-3, da);
    spread(0.7e-3, db);
    spread(0.5e-3, wa);
    spread(0.9e-3, wb);
    const ib_fpair_in d = {da,    db, 9, 9,    100e6, 67e6, 100e6, 67e6,
                           400e9, 0,  0, NULL, NULL,  0,    0,     0};
    const ib_fpair_in w = {wa,    wb, 9, 9,    100e6, 67e6, 100e6, 67e6,
                           400e9, 0,  0, NULL, NULL,  0,    0,     0};
    ib_ffast f;
    ib_fpair ref;
    const ib_fpair_in chosen = {wa, db, 9, 9,    100e6, 67e6, 100e6, 67e6,
                                0,  0,  0, NULL, NULL,  0,    0,     0};
    ib_check(ib_ffast_analyze(&d, &w, 1, 1, &f) == 0 && ib_fpair_analyze(&chosen, &ref) == 0 &&
                 f.fast_a == 1 && f.fast_b == 0,
             "fastest: A on Winograd (lower median), B direct (its Winograd is slower)");
    ib_check(fabs(f.p.saving - (1 - 0.7 / 0.5)) < 1e-9 && f.p.saving_lo == ref.saving_lo &&
                 f.p.saving_hi == ref.saving_hi && f.p.saving_hi < -0.3 &&
                 f.p.verdict == IB_FV_DOES_NOT_PAY && isnan(f.p.peak_a),
             "fastest saving %g [%g, %g]: the Moses interval of the chosen samples, 'does not "
             "pay'",
             f.p.saving, f.p.saving_lo, f.p.saving_hi);
    /* a form Winograd does not suit stays direct however its samples compare */
    ib_check(ib_ffast_analyze(&d, &w, 0, 1, &f) == 0 && f.fast_a == 0 && f.fast_b == 0 &&
                 fabs(f.p.saving - 0.3) < 1e-9 && f.p.verdict == IB_FV_PAYS,
             "fastest with no Winograd for A: both direct, saving %g", f.p.saving);
    /* equal medians: direct is kept */
    ib_check(ib_ffast_analyze(&d, &d, 1, 1, &f) == 0 && f.fast_a == 0 && f.fast_b == 0,
             "a tie keeps the direct algorithm");
    const ib_fpair_in empty = {wa, wb, 0, 0,    100e6, 67e6, 100e6, 67e6,
                               0,  0,  0, NULL, NULL,  0,    0,     0};
    ib_check(ib_ffast_analyze(&d, &empty, 1, 1, &f) == 0 && f.fast_a == 0 && f.fast_b == 0,
             "a fast algorithm without samples is not chosen");
}

/* Six rounds of five repetitions: A steady at 1 ms, B at ratio 0.9 times a per-round factor
 * off[r] (the round's buffer placement), each repetition with a +-0.5% within-round spread. */
enum { NR = 6, NPR = 5 };
static void rounds_sample(const double *off, double ratio, double *a, double *b, int *ends)
{
    static const double f[NPR] = {1.000, 0.995, 1.004, 0.998, 1.005};
    for (int r = 0; r < NR; r++) {
        for (int i = 0; i < NPR; i++) {
            a[r * NPR + i] = 1e-3 * f[(i + r) % NPR];
            b[r * NPR + i] = 1e-3 * ratio * off[r] * f[(i + 2 * r + 1) % NPR];
        }
        ends[r] = (r + 1) * NPR;
    }
}

/* A standard normal deviate (Box-Muller on splitmix64). */
static double normal(uint64_t *s)
{
    const double u = ((double)(ib_splitmix64(s) >> 11) + 0.5) / 9007199254740992.0;
    const double v = (double)(ib_splitmix64(s) >> 11) / 9007199254740992.0;
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* The interval over rounds covers what differs between runs: 400 synthetic runs of 6 rounds
 * x 5 repetitions, true ratio 0.9, each round's placement shifting B by a factor of sd 3%
 * and each repetition by sd 0.5%. The interval over rounds holds the true ratio in at least
 * its nominal 95% of runs (6 rounds: 96.9%); the pooled Moses interval, treating the 30
 * repetitions as independent, in far fewer. Then the interval is computed independently. */
static void test_rounds_ci(void)
{
    static const double placed[NR] = {1.06, 1.05, 0.97, 1.04, 0.98, 1.01},
                        none[NR] = {1, 1, 1, 1, 1, 1};
    double a[NR * NPR], b[NR * NPR];
    int ends[NR];
    ib_ratio_ci pooled, rounds, flat;
    enum { RUNS = 400 };
    uint64_t seed = 11;
    int cover_rounds = 0, cover_pooled = 0, ok = 1;
    double wide = 0;
    for (int run = 0; run < RUNS; run++) {
        double off[NR];
        for (int r = 0; r < NR; r++)
            off[r] = exp(0.03 * normal(&seed));
        rounds_sample(off, 0.9, a, b, ends);
        for (int i = 0; i < NR * NPR; i++) {
            a[i] *= exp(0.005 * normal(&seed));
            b[i] *= exp(0.005 * normal(&seed));
        }
        ok &= ib_ratio_ci_compute(a, NR * NPR, b, NR * NPR, 0.95, &pooled) == 0 &&
              ib_ratio_ci_rounds(a, ends, b, ends, NR, 0.95, &rounds) == 0;
        cover_rounds += rounds.lo <= 0.9 && 0.9 <= rounds.hi;
        cover_pooled += pooled.lo <= 0.9 && 0.9 <= pooled.hi;
        wide += log(rounds.hi / rounds.lo) / log(pooled.hi / pooled.lo) / RUNS;
    }
    ib_check(ok && cover_rounds >= 0.94 * RUNS && cover_pooled < 0.70 * RUNS && wide > 2,
             "between-round effect: the interval over rounds holds the true ratio in %d of %d "
             "runs, the pooled one in %d; over rounds %.2fx as wide",
             cover_rounds, RUNS, cover_pooled, wide);
    rounds_sample(placed, 0.9, a, b, ends);
    ok = ib_ratio_ci_rounds(a, ends, b, ends, NR, 0.95, &rounds) == 0;
    /* independently: per round the median of the pairwise log ratios between the 3 fastest
     * of its 5 B's and the 3 fastest of its 5 A's (their Hodges-Lehmann ratio); over rounds
     * the median of their Walsh averages, and at 6 rounds the interval from the smallest to
     * the largest round (P = 1 - 2/64) */
    enum { HALF = (NPR + 1) / 2 };
    double l[NR], tmp[NR * NPR], lmin = INFINITY, lmax = -INFINITY;
    for (int r = 0; r < NR; r++) {
        double sa[NPR], sb[NPR], d[HALF * HALF];
        ib_quantile(a + r * NPR, NPR, 0, sa); /* sorts a copy into sa */
        ib_quantile(b + r * NPR, NPR, 0, sb);
        for (int i = 0; i < HALF; i++)
            for (int j = 0; j < HALF; j++)
                d[i * HALF + j] = log(sb[j] / sa[i]);
        l[r] = ib_median(d, HALF * HALF, tmp);
        lmin = fmin(lmin, l[r]);
        lmax = fmax(lmax, l[r]);
    }
    double walsh[NR * (NR + 1) / 2];
    for (int i = 0, k = 0; i < NR; i++)
        for (int j = i; j < NR; j++)
            walsh[k++] = 0.5 * (l[i] + l[j]);
    const double est = exp(ib_median(walsh, NR * (NR + 1) / 2, tmp));
    ib_check(ok && fabs(rounds.est / est - 1) < 1e-12 && fabs(log(rounds.lo) - lmin) < 1e-12 &&
                 fabs(log(rounds.hi) - lmax) < 1e-12,
             "over rounds: est %g [%g, %g]: the Hodges-Lehmann centre of the rounds' "
             "Hodges-Lehmann ratios, the signed-rank interval",
             rounds.est, rounds.lo, rounds.hi);
    /* five rounds are too few for a 95% interval of their median: refused */
    ib_check(ib_ratio_ci_rounds(a, ends, b, ends, NR - 1, 0.95, &flat) == -1,
             "five rounds: no 95%% interval over rounds");
    /* without a between-round effect it stays narrow and significant */
    rounds_sample(none, 0.9, a, b, ends);
    ok = ib_ratio_ci_rounds(a, ends, b, ends, NR, 0.95, &flat) == 0;
    ib_check(ok && flat.lo > 0.88 && flat.hi < 0.92 && ib_ratio_ci_significant(&flat),
             "no between-round effect: [%g, %g] narrow", flat.lo, flat.hi);
    /* other work slowing a whole round of B by 40%: the estimate moves by one order
     * statistic, and the interval widens to that round only on its own side */
    double slowed[NR * NPR];
    for (int i = 0; i < NR * NPR; i++)
        slowed[i] = b[i] * (i / NPR == 2 ? 1.4 : 1);
    ib_ratio_ci busy;
    ok = ib_ratio_ci_rounds(a, ends, slowed, ends, NR, 0.95, &busy) == 0;
    ib_check(ok && fabs(busy.est / flat.est - 1) < 0.01 && fabs(busy.lo / flat.lo - 1) < 0.01 &&
                 busy.hi > 1.2,
             "one round slowed by other work: est %g (undisturbed %g), interval [%g, %g] "
             "reaching that round on its side only",
             busy.est, flat.est, busy.lo, busy.hi);
    /* bad input refused: one round, an empty round, a zero time */
    int bad_ends[NR] = {5, 5, 15, 20, 25, 30};
    b[3] = 0;
    ib_check(ib_ratio_ci_rounds(a, ends, a, ends, 1, 0.95, &flat) == -1 &&
                 ib_ratio_ci_rounds(a, bad_ends, a, ends, NR, 0.95, &flat) == -1 &&
                 ib_ratio_ci_rounds(a, ends, b, ends, NR, 0.95, &flat) == -1,
             "rounds interval refuses one round, an empty round and a zero time");
}

/* The verdict of a pair with steady rounds (every round the same ratio), saving s, work
 * saving w (work_b = (1 - w) work_a). */
static ib_fverdict steady_verdict(double s, double w)
{
    static const double none[NR] = {1, 1, 1, 1, 1, 1};
    double a[NR * NPR], b[NR * NPR];
    int ends[NR];
    rounds_sample(none, 1 - s, a, b, ends);
    const ib_fpair_in in = {
        a,    b,    NR * NPR, NR * NPR, 100e6, 100e6 * (1 - w), 100e6, 100e6 * (1 - w), 0, 0, 0,
        ends, ends, NR,       0,        0};
    ib_fpair p;
    return ib_fpair_analyze(&in, &p) == 0 ? p.verdict : IB_FV_NONE;
}

/* The 2% line's two sides and its margin (+-1 point), on either side of 0, where a verdict
 * names both sides; a significant saving above it pays whatever part of the work saving it
 * realizes (the realized fraction says how much). */
static void test_line_verdicts(void)
{
    static const struct {
        double s, w;
        ib_fverdict v;
    } cases[] = {
        /* a 40% work saving: pays at 29% as at 35% (realized 0.73, 0.88) */
        {0.29, 0.4, IB_FV_PAYS},
        {0.32, 0.4, IB_FV_PAYS},
        {0.35, 0.4, IB_FV_PAYS},
        /* the 2% line: 1-3% either way */
        {0.005, 0.4, IB_FV_NEGLIGIBLE},
        {-0.009, 0.4, IB_FV_NEGLIGIBLE},
        {0.011, 0.4, IB_FV_LINE_PAYS},
        {0.02, 0.4, IB_FV_LINE_PAYS},
        {0.029, 0.4, IB_FV_LINE_PAYS},
        {0.031, 0.4, IB_FV_PAYS},
        {0.025, 0.02, IB_FV_LINE_PAYS},
        {0.015, 0, IB_FV_LINE_PAYS}, /* no work saved (BN folding) */
        {0.009, 0, IB_FV_NEGLIGIBLE},
        {0.035, 0, IB_FV_PAYS},
        {-0.011, 0.4, IB_FV_LINE_SLOWER},
        {-0.029, 0.4, IB_FV_LINE_SLOWER},
        {-0.031, 0.4, IB_FV_DOES_NOT_PAY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ib_fverdict v = steady_verdict(cases[i].s, cases[i].w);
        ib_check(v == cases[i].v, "saving %+.3f of work saving %.2f: '%s' (want '%s')", cases[i].s,
                 cases[i].w, ib_fverdict_name(v), ib_fverdict_name(cases[i].v));
    }
    ib_check(!strcmp(ib_fverdict_name(IB_FV_LINE_PAYS), "negligible or pays") &&
                 !strcmp(ib_fverdict_name(IB_FV_LINE_SLOWER), "negligible or does not pay here"),
             "a verdict on a line names both of its sides");
}

/* A pair analysed over rounds: a saving of 4% whose rounds disagree by +-5% is 'not
 * significant' (the pooled repetitions would call it significant) and open, so the job gives
 * it more rounds; a significant saving pays whatever part of the work saving it realizes; a
 * saving under 1% is negligible, 1-3% on the 2% line,
 * whether or not its interval holds 0; a realized fraction known to less than +-0.05 keeps
 * the pair open. */
static void test_rounds_verdicts(void)
{
    /* symmetric about 1.01: their centre, by median or Walsh averages */
    static const double placed[NR] = {1.04, 0.98, 1.03, 0.99, 1.01, 1.01};
    static const double wide[NR] = {1.06, 0.96, 1.05, 0.97, 1.01, 1.01};
    static const double none[NR] = {1, 1, 1, 1, 1, 1};
    double a[NR * NPR], b[NR * NPR];
    int ends[NR];
    ib_fpair p, q;
    rounds_sample(wide, 0.95, a, b, ends);
    ib_fpair_in in = {a, b, NR * NPR, NR * NPR, 100e6, 60e6, 100e6, 60e6,
                      0, 0, 0,        ends,     ends,  NR,   0,     0};
    ib_fpair_in pooled = in;
    pooled.rounds = 0;
    int ok = ib_fpair_analyze(&in, &p) == 0 && ib_fpair_analyze(&pooled, &q) == 0;
    ib_check(ok && p.verdict == IB_FV_NOT_SIGNIFICANT && ib_fpair_open(&p) &&
                 q.verdict != IB_FV_NOT_SIGNIFICANT,
             "4%% saving, rounds +-5%%: over rounds %s [%g, %g], pooled %s [%g, %g]",
             ib_fverdict_name(p.verdict), p.saving_lo, p.saving_hi, ib_fverdict_name(q.verdict),
             q.saving_lo, q.saving_hi);
    /* a saving of 29.3% or 34.9% of a 40% work saving, rounds +-5%: pays either way */
    rounds_sample(wide, 0.70, a, b, ends); /* saving 1 - 0.70 x 1.01 = 29.3% */
    ok = ib_fpair_analyze(&in, &p) == 0;
    rounds_sample(wide, 0.645, a, b, ends); /* 34.9% */
    ok &= ib_fpair_analyze(&in, &q) == 0;
    ib_check(ok && p.verdict == IB_FV_PAYS && q.verdict == IB_FV_PAYS,
             "a significant saving pays whatever it realizes: %.3f [%g, %g], %.3f [%g, %g]",
             p.saving, p.saving_lo, p.saving_hi, q.saving, q.saving_lo, q.saving_hi);
    /* 1.5% saving: on the 2% line, whether the interval holds 0 (rounds +-3%) or not */
    rounds_sample(placed, 0.985 / 1.01, a, b, ends);
    ok = ib_fpair_analyze(&in, &p) == 0;
    rounds_sample(none, 0.985, a, b, ends);
    ok &= ib_fpair_analyze(&in, &q) == 0;
    ib_check(ok && p.verdict == IB_FV_LINE_PAYS && q.verdict == IB_FV_LINE_PAYS &&
                 p.saving_lo < 0 && q.saving_lo > 0,
             "1.5%% saving: on the 2%% line with [%g, %g] and with [%g, %g]", p.saving_lo,
             p.saving_hi, q.saving_lo, q.saving_hi);
    /* 0.5% saving: negligible, whether the interval holds 0 or not */
    rounds_sample(placed, 0.995 / 1.01, a, b, ends);
    ok = ib_fpair_analyze(&in, &p) == 0;
    rounds_sample(none, 0.995, a, b, ends);
    ok &= ib_fpair_analyze(&in, &q) == 0;
    ib_check(ok && p.verdict == IB_FV_NEGLIGIBLE && q.verdict == IB_FV_NEGLIGIBLE &&
                 p.saving_lo < 0 && q.saving_lo > 0,
             "0.5%% saving: negligible with [%g, %g] and with [%g, %g]", p.saving_lo, p.saving_hi,
             q.saving_lo, q.saving_hi);
    /* a 10% work saving, 9% saved: rounds +-3% leave the realized fraction open (its interval
     * spans 0.7), steady rounds settle it */
    in.work_b = in.work_nom_b = 90e6;
    rounds_sample(placed, 0.91 / 1.01, a, b, ends);
    ok = ib_fpair_analyze(&in, &p) == 0;
    rounds_sample(none, 0.91, a, b, ends);
    ok &= ib_fpair_analyze(&in, &q) == 0;
    ib_check(ok && p.verdict == IB_FV_PAYS && ib_fpair_open(&p) && q.verdict == IB_FV_PAYS &&
                 !ib_fpair_open(&q),
             "realized %.2f of a 10%% work saving: open with [%g, %g], settled with [%g, %g]",
             p.realized, p.saving_lo, p.saving_hi, q.saving_lo, q.saving_hi);
    /* the precision that settles a realized fraction: an interval spanning 12% of a 40% work
     * saving (realized +-0.06) is open, one spanning 8% (+-0.04) settled */
    for (int i = 0; i < 2; i++) {
        const double half = i == 0 ? 0.024 : 0.016;
        ib_fpair r = {.verdict = IB_FV_PAYS,
                      .work_saving = 0.40,
                      .saving_lo = 0.30 - half,
                      .saving_hi = 0.30 + half};
        ib_check(ib_fpair_open(&r) == (i == 0), "a realized fraction known to +-%.2f is %s",
                 half / 0.40, i == 0 ? "open" : "settled");
    }
    /* rounds that do not account for every sample are refused */
    in.na = NR * NPR - 1;
    ib_check(ib_fpair_analyze(&in, &p) == -1, "round ends past the samples are refused");
}

/* Slow drift (other tenants' load rising through the run) slows A and B alike: 400 synthetic
 * runs of 6 rounds x 10 repetitions, A's and B's alternating in time, the machine slowing by
 * up to 40% from the first repetition to the last (a random slope per run), each round's
 * placement shifting B by sd 1% and each repetition by sd 2%, plus one repetition in ten
 * disturbed (up to +30%, other work only adds time). The interval over rounds still holds
 * the true ratio in at least 94% of runs, and the estimates' root mean square error stays
 * under 1% (what the round effect and the repetitions leave): the ratio of A and B timed side
 * by side cancels what slows both. */
static void test_rounds_drift(void)
{
    enum { R = 6, N = 10, RUNS = 400 };
    double a[R * N], b[R * N];
    int ends[R];
    uint64_t seed = 23;
    int cover = 0, ok = 1;
    double sq = 0;
    for (int run = 0; run < RUNS; run++) {
        const double slope = 0.4 * ((double)(ib_splitmix64(&seed) >> 11) / 9007199254740992.0);
        for (int r = 0; r < R; r++) {
            const double placed = exp(0.01 * normal(&seed));
            for (int i = 0; i < N; i++) {
                const int k = r * N + i;
                const double t0 = (2.0 * k) / (2 * R * N), t1 = (2.0 * k + 1) / (2 * R * N);
                const double da = ib_splitmix64(&seed) % 10 == 0 ? 1.3 : 1;
                const double db = ib_splitmix64(&seed) % 10 == 0 ? 1.3 : 1;
                a[k] = 1e-3 * (1 + slope * t0) * exp(0.02 * normal(&seed)) * da;
                b[k] = 0.9e-3 * placed * (1 + slope * t1) * exp(0.02 * normal(&seed)) * db;
            }
            ends[r] = (r + 1) * N;
        }
        ib_ratio_ci ci;
        ok &= ib_ratio_ci_rounds(a, ends, b, ends, R, 0.95, &ci) == 0;
        cover += ci.lo <= 0.9 && 0.9 <= ci.hi;
        sq += log(ci.est / 0.9) * log(ci.est / 0.9) / RUNS;
    }
    ib_check(ok && cover >= 0.94 * RUNS && sqrt(sq) < 0.01,
             "slow drift, round effect and disturbed repetitions: the interval over rounds holds "
             "the true ratio in %d of %d runs, estimates off by %.2f%% (rms)",
             cover, RUNS, 100 * sqrt(sq));
}

int main(void)
{
    test_rounds_ci();
    test_rounds_drift();
    test_rounds_verdicts();
    test_line_verdicts();
    test_decomposition();
    test_fastest();
    test_executed_theory();
    test_ratio_ci();
    test_median_ci();
    test_geomean_boot();
    return ib_check_done();
}
