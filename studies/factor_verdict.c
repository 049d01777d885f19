/* The analysis of one factorization pair's timings: intervals, decomposition, verdict. */
#include "studies/factor_verdict.h"

#include <math.h>
#include <stdlib.h>

#include "harness/stats.h"

enum {
    ARTEFACT_PCT = 80,
    NEGLIGIBLE_PERMIL = 20, /* a saving under 2% of the time, either way, is negligible */
    NEGLIGIBLE_MARGIN = 10  /* on that line within +-1 point: the BN-folding pairs moved by
                               1.3 points between runs (1.1%, 1.5%, 2.4%) */
};

const char *ib_fverdict_name(ib_fverdict v)
{
    switch (v) {
    case IB_FV_PAYS:
        return "pays";
    case IB_FV_DOES_NOT_PAY:
        return "does not pay here";
    case IB_FV_NOT_SIGNIFICANT:
        return "not significant";
    case IB_FV_NEGLIGIBLE:
        return "negligible";
    case IB_FV_LINE_PAYS:
        return "negligible or pays";
    case IB_FV_LINE_SLOWER:
        return "negligible or does not pay here";
    default:
        return "n/a";
    }
}

int ib_fpair_open(const ib_fpair *p)
{
    if (p->verdict == IB_FV_NOT_SIGNIFICANT)
        return 1;
    return fabs(p->work_saving) > 1e-9 &&
           (p->saving_hi - p->saving_lo) * 100 > IB_FPAIR_PRECISION_PCT * fabs(p->work_saving);
}

/* The ratio time(B)/time(A) with its interval: over rounds when there are enough of them
 * for a 95% interval of their centre (6), else the Moses interval of the pooled repetitions. */
static int saving_ratio(const ib_fpair_in *in, ib_ratio_ci *ci)
{
    if (in->rounds >= 2 && in->ends_a && in->ends_b) {
        if (in->ends_a[in->rounds - 1] != in->na || in->ends_b[in->rounds - 1] != in->nb)
            return -1;
        if (ib_ratio_ci_rounds(in->ta, in->ends_a, in->tb, in->ends_b, in->rounds, 0.95, ci) == 0)
            return 0;
    }
    return ib_ratio_ci_compute(in->ta, in->na, in->tb, in->nb, 0.95, ci);
}

/* The interval decides whether there is a difference; the estimate, which moves between
 * runs far less than the interval's ends, decides which side of the 2% line it falls on, and
 * within that line's margin the verdict names both sides. A verdict taken on an end of the
 * interval flips from run to run whenever that end sits near the line, and one taken on the
 * estimate alone flips when the true saving sits on the line: in three runs in a row, 4 of 36
 * verdicts flipped so, 5 when the interval's straddling a line made the verdict "on the
 * line"; the margins left 1. A margin moves a line, it does not remove it: estimates drift
 * across a margin's edge too, which is why the verdict cuts nothing from the realized
 * fraction (factor_verdict.h). */
static ib_fverdict verdict_of(double s, int significant)
{
    const double a = fabs(s) * 1000;
    if (a < NEGLIGIBLE_PERMIL - NEGLIGIBLE_MARGIN)
        return IB_FV_NEGLIGIBLE;
    if (a < NEGLIGIBLE_PERMIL + NEGLIGIBLE_MARGIN)
        return s < 0 ? IB_FV_LINE_SLOWER : IB_FV_LINE_PAYS;
    if (!significant)
        return IB_FV_NOT_SIGNIFICANT;
    return s < 0 ? IB_FV_DOES_NOT_PAY : IB_FV_PAYS;
}

int ib_fpair_analyze(const ib_fpair_in *in, ib_fpair *r)
{
    *r = (ib_fpair){.verdict = IB_FV_NONE};
    const int nmax = in->na > in->nb ? in->na : in->nb;
    double *tmp = nmax > 0 ? malloc((size_t)nmax * sizeof *tmp) : NULL;
    ib_ratio_ci ci;
    if (!tmp || saving_ratio(in, &ci) != 0) {
        free(tmp);
        return -1;
    }
    r->med_a = ib_median(in->ta, in->na, tmp);
    ib_median_ci(in->ta, in->na, 0.95, &r->lo_a, &r->hi_a, tmp);
    r->med_b = ib_median(in->tb, in->nb, tmp);
    ib_median_ci(in->tb, in->nb, 0.95, &r->lo_b, &r->hi_b, tmp);
    free(tmp);

    r->peak_a = r->peak_b = NAN;
    if (in->peak > 0) {
        r->peak_a =
            2.0 * (in->peak_work_a > 0 ? in->peak_work_a : in->work_a) / r->med_a / in->peak;
        r->peak_b =
            2.0 * (in->peak_work_b > 0 ? in->peak_work_b : in->work_b) / r->med_b / in->peak;
    }
    /* the work each form's algorithms execute: a form on Winograd does a fraction of the
     * direct count's multiply-adds, and counting the direct ones would call its kernels
     * efficient and the other form's slow */
    const double wa = in->algo_work_a > 0 ? in->algo_work_a : in->work_a;
    const double wb = in->algo_work_b > 0 ? in->algo_work_b : in->work_b;
    r->work_on_algo = wa != in->work_a || wb != in->work_b;
    r->work_saving = wa > 0 ? 1.0 - wb / wa : NAN;
    r->work_saving_nom = in->work_nom_a > 0 ? 1.0 - in->work_nom_b / in->work_nom_a : NAN;
    /* time(B)/time(A) = (work_B/eff_B) / (work_A/eff_A) = (1 - w) x eff_A/eff_B */
    r->saving = 1.0 - ci.est;
    r->saving_lo = 1.0 - ci.hi;
    r->saving_hi = 1.0 - ci.lo;
    r->eff_ratio = wa > 0 && wb > 0 ? ci.est / (1.0 - r->work_saving) : NAN;
    r->realized = fabs(r->work_saving) > 1e-9 ? r->saving / r->work_saving : NAN;

    if (isfinite(r->eff_ratio)) {
        if (r->eff_ratio * 100 < ARTEFACT_PCT)
            r->artefact = IB_FA_BASE_SLOW;
        else if (100 < ARTEFACT_PCT * r->eff_ratio)
            r->artefact = IB_FA_FACTORED_SLOW;
    }
    r->verdict = verdict_of(r->saving, ib_ratio_ci_significant(&ci));
    return 0;
}

/* 1 when the samples y have a lower median than x (both usable), else 0. */
static int median_below(const double *y, int ny, const double *x, int nx)
{
    const int nmax = nx > ny ? nx : ny;
    double *tmp = nmax > 0 ? malloc((size_t)nmax * sizeof *tmp) : NULL;
    if (!tmp || ny < 1 || nx < 1) {
        free(tmp);
        return 0;
    }
    const double my = ib_median(y, ny, tmp), mx = ib_median(x, nx, tmp);
    free(tmp);
    return my < mx;
}

int ib_ffast_analyze(const ib_fpair_in *direct, const ib_fpair_in *fast, int fast_ok_a,
                     int fast_ok_b, ib_ffast *r)
{
    *r = (ib_ffast){0};
    r->fast_a = fast_ok_a && median_below(fast->ta, fast->na, direct->ta, direct->na);
    r->fast_b = fast_ok_b && median_below(fast->tb, fast->nb, direct->tb, direct->nb);
    ib_fpair_in in = *direct;
    if (r->fast_a) {
        in.ta = fast->ta;
        in.na = fast->na;
        in.ends_a = fast->ends_a;
    }
    if (r->fast_b) {
        in.tb = fast->tb;
        in.nb = fast->nb;
        in.ends_b = fast->ends_b;
    }
    in.rounds = direct->rounds < fast->rounds ? direct->rounds : fast->rounds;
    in.peak = 0;
    in.algo_work_a = in.algo_work_b = 0; /* the direct counts: the theory both run against */
    return ib_fpair_analyze(&in, &r->p);
}
