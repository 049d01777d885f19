/* incbench regress's verdict logic: samples from Google Benchmark JSON, per-benchmark
 * comparison and verdicts, the run's power, the report, merging processes, and the CPU key. */
#include "regress/regress.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/stats.h"
#include "regress/regress_power.h"
#include "regress/regress_speed.h"

/* ---- samples ---------------------------------------------------------------------------- */

void ib_rg_set_free(ib_rg_set *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->b[i].name);
        free(s->b[i].ns);
        free(s->b[i].proc);
    }
    free(s->b);
    memset(s, 0, sizeof *s);
}

static ib_rg_bench *find_or_add(ib_rg_set *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->b[i].name, name) == 0)
            return &s->b[i];
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 16;
        ib_rg_bench *b = realloc(s->b, (size_t)cap * sizeof *b);
        if (!b)
            return NULL;
        s->b = b;
        s->cap = cap;
    }
    ib_rg_bench *b = &s->b[s->n];
    memset(b, 0, sizeof *b);
    if (!(b->name = strdup(name)))
        return NULL;
    s->n++;
    return b;
}

static int push(ib_rg_bench *b, double v, int proc)
{
    if (b->n == b->cap) {
        int cap = b->cap ? 2 * b->cap : 16;
        double *ns = realloc(b->ns, (size_t)cap * sizeof *ns);
        if (ns)
            b->ns = ns;
        int *pr = ns ? realloc(b->proc, (size_t)cap * sizeof *pr) : NULL;
        if (!pr)
            return 0;
        b->proc = pr;
        b->cap = cap;
    }
    b->proc[b->n] = proc;
    b->ns[b->n++] = v;
    return 1;
}

static double unit_ns(const char *unit)
{
    static const struct {
        const char *name;
        double ns;
    } units[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    for (size_t i = 0; unit && i < sizeof units / sizeof units[0]; i++)
        if (strcmp(unit, units[i].name) == 0)
            return units[i].ns;
    return 0;
}

/* Marks b unusable with the first problem found. */
static void problem(ib_rg_bench *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(ib_rg_bench *b, const char *fmt, ...)
{
    if (b->problem[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->problem, sizeof b->problem, fmt, ap);
    va_end(ap);
}

ib_status ib_rg_samples(const ib_json *doc, int use_real_time, ib_rg_set *s, ib_err *e)
{
    memset(s, 0, sizeof *s);
    const ib_json *list = ib_json_get(doc, "benchmarks");
    if (!doc || doc->type != IB_JSON_OBJECT)
        return ib_fail(e, IB_INVALID, "not a Google Benchmark report: not a JSON object");
    if (!list || list->type != IB_JSON_ARRAY)
        return ib_fail(e, IB_INVALID, "not a Google Benchmark report: no \"benchmarks\" array");
    const char *field = use_real_time ? "real_time" : "cpu_time";
    for (int i = 0; i < list->count; i++) {
        const ib_json *it = list->items[i];
        const char *name = ib_json_get_str(it, "run_name");
        if (!name)
            name = ib_json_get_str(it, "name");
        if (!name) {
            ib_rg_set_free(s);
            return ib_fail(e, IB_INVALID, "benchmarks[%d]: no \"name\" string", i);
        }
        ib_rg_bench *b = find_or_add(s, name);
        if (!b) {
            ib_rg_set_free(s);
            return ib_fail(e, IB_NOMEM, "regress: out of memory");
        }
        const char *type = ib_json_get_str(it, "run_type");
        if (type && strcmp(type, "iteration") != 0)
            continue; /* aggregates (mean, median, stddev, cv) are recomputed from the runs */
        const ib_json *err = ib_json_get(it, "error_occurred");
        if (err && err->type == IB_JSON_BOOL && err->boolean) {
            const char *msg = ib_json_get_str(it, "error_message");
            problem(b, "failed: %s", msg ? msg : "error_occurred");
            continue;
        }
        const ib_json *t = ib_json_get(it, field);
        const double scale = unit_ns(ib_json_get_str(it, "time_unit"));
        if (!t || t->type != IB_JSON_NUMBER) {
            problem(b, "no number \"%s\" in repetition %d", field, b->n);
            continue;
        }
        if (scale == 0) {
            problem(b, "unknown or no \"time_unit\" in repetition %d", b->n);
            continue;
        }
        if (!isfinite(t->number) || t->number < 0) {
            problem(b, "%s time in repetition %d",
                    isnan(t->number) ? "NaN" : "negative or infinite", b->n);
            continue;
        }
        const double proc = ib_json_get_num(it, "incbench_process", 0);
        if (!(proc >= 0 && proc < 1e6)) {
            problem(b, "bad \"incbench_process\" in repetition %d", b->n);
            continue;
        }
        if (!push(b, t->number * scale, (int)proc)) {
            ib_rg_set_free(s);
            return ib_fail(e, IB_NOMEM, "regress: out of memory");
        }
    }
    return IB_OK;
}

/* ---- comparison ------------------------------------------------------------------------- */

const char *ib_rg_verdict_name(ib_rg_verdict v)
{
    static const char *const names[IB_RG_NVERDICTS] = {"same", "faster",  "SLOWER",
                                                       "new",  "MISSING", "INVALID"};
    return (unsigned)v < IB_RG_NVERDICTS ? names[v] : "?";
}

void ib_rg_report_free(ib_rg_report *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->rows[i].name);
    free(r->rows);
    memset(r, 0, sizeof *r);
}

const ib_rg_bench *ib_rg_find(const ib_rg_set *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->b[i].name, name) == 0)
            return &s->b[i];
    return NULL;
}

/* The typical distance of one repetition from the median, relative to it: MAD / median.
 * tmp holds 2n doubles. */
static double rel_mad(const double *x, int n, double *tmp)
{
    const double med = ib_median(x, n, tmp);
    double *dev = tmp + n;
    for (int i = 0; i < n; i++)
        dev[i] = fabs(x[i] - med);
    const double mad = ib_median(dev, n, tmp);
    return med > 0 ? mad / med : INFINITY;
}

/* How far the processes of one side disagree: the sum of squared deviations of the
 * per-process medians, each divided by its process's common speed (regress/regress_speed.h),
 * from their mean, relative to the median of all repetitions squared; *procs gets the number
 * of processes. One process never samples what changes from one process to the next for this
 * benchmark alone (memory layout, page placement, the state of caches at its start), and a
 * check made in other processes than the baseline carries that change. With speeds taken over
 * B benchmarks the sum is raised by B / (B - 1), what fitting one speed per process takes
 * out of it. tmp holds 3 b->n doubles. */
static double process_ss(const ib_rg_bench *b, const ib_rg_speed *sp, int *procs, double *tmp)
{
    double *med = tmp + 2 * b->n, sum = 0, sum2 = 0;
    ib_rg_process_medians(b, sp, NULL, med, procs, tmp);
    for (int i = 0; i < *procs; i++) {
        sum += med[i];
        sum2 += med[i] * med[i];
    }
    const double all = ib_median(b->ns, b->n, tmp), ss = sum2 - sum * sum / *procs;
    const double fit = sp->nbench > 1 ? (double)sp->nbench / (sp->nbench - 1) : 1;
    return all > 0 && ss > 0 ? fit * ss / (all * all) : 0;
}

/* P(|T| < t) for Student's t with df degrees of freedom, in closed form for integer df
 * (Abramowitz and Stegun 26.7.3-4): a finite series in cos(theta), theta = atan(t/sqrt(df)). */
static double t_central(double t, int df)
{
    const double th = atan(t / sqrt((double)df)), c2 = cos(th) * cos(th);
    double sum = 1, term = 1;
    if (df % 2) { /* odd: (2/pi) (theta + sin cos (1 + 2/3 cos^2 + 2.4/3.5 cos^4 ...)) */
        if (df == 1)
            return 2 * th / M_PI;
        for (int k = 2; k <= df - 3; k += 2)
            term *= c2 * k / (k + 1), sum += term;
        return 2 / M_PI * (th + sin(th) * cos(th) * sum);
    }
    for (int k = 1; k <= df - 3; k += 2) /* even: sin (1 + 1/2 cos^2 + 1.3/2.4 cos^4 ...) */
        term *= c2 * k / (k + 1), sum += term;
    return sin(th) * sum;
}

/* The t with P(|T| > t) = p, by bisection (p in (0, 1)). */
static double t_two_sided(int df, double p)
{
    double lo = 0, hi = 1e7;
    for (int i = 0; i < 200; i++) {
        const double mid = 0.5 * (lo + hi);
        if (1 - t_central(mid, df) > p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The between-process part of the noise: the change that process-to-process variation
 * alone explains, the two-sample t bound on the process medians,
 * t * sd * sqrt(1/kb + 1/kc), sd pooled over the sides' processes, t the two-sided quantile
 * at alpha/m for the m benchmarks compared (Bonferroni, as Holm's bound for the U test: the
 * repetitions inside one process are not independent of where that process's buffers landed,
 * so across processes only the process medians count, and m benchmarks each given a 5%
 * chance would give m/20 false alarms a run). With 3 baseline processes, 2 checking, alpha
 * 0.05 and 6 benchmarks it is 6.3 sd (2.9 sd at 95% for one). NaN when no side ran in 2 or
 * more processes. */
static double between_noise(const ib_rg_bench *b, const ib_rg_bench *c, const ib_rg_speed *sp,
                            double alpha, int m, double *tmp)
{
    int kb, kc;
    const double ss = process_ss(b, &sp[0], &kb, tmp) + process_ss(c, &sp[1], &kc, tmp);
    const int df = kb + kc - 2;
    if (df < 1 || (kb < 2 && kc < 2))
        return NAN;
    return t_two_sided(df, alpha / (m > 1 ? m : 1)) * sqrt(ss / df) * sqrt(1.0 / kb + 1.0 / kc);
}

/* The verdict for a benchmark present on both sides. */
static void judge(const ib_rg_bench *b, const ib_rg_bench *c, const ib_rg_speed *sp,
                  const ib_rg_opts *o, int m, ib_rg_row *row, double *tmp)
{
    row->n_base = b->n;
    row->n_new = c->n;
    row->verdict = IB_RG_INVALID;
    if (b->problem[0] || c->problem[0]) {
        snprintf(row->note, sizeof row->note, "%s: %s", b->problem[0] ? "baseline" : "this run",
                 b->problem[0] ? b->problem : c->problem);
        return;
    }
    if (b->n == 0 || c->n == 0) {
        snprintf(row->note, sizeof row->note, "no repetitions in %s",
                 b->n == 0 ? "the baseline" : "this run");
        return;
    }
    row->med_base = ib_median(b->ns, b->n, tmp);
    row->med_new = ib_median(c->ns, c->n, tmp);
    const double min_p = ib_mwu_min_p(b->n, c->n);
    if (min_p >= o->alpha) {
        snprintf(row->note, sizeof row->note,
                 "too few repetitions (%d and %d): the U test cannot reach p < %g", b->n, c->n,
                 o->alpha);
        return;
    }
    if (!(row->med_base > 0)) {
        snprintf(row->note, sizeof row->note, "baseline median time is 0");
        return;
    }
    ib_mwu t;
    if (ib_mwu_test(b->ns, b->n, c->ns, c->n, &t) != 0) {
        snprintf(row->note, sizeof row->note, "U test failed (out of memory)");
        return;
    }
    row->p = t.p;
    row->change = row->med_new / row->med_base - 1;
    const double nb = rel_mad(b->ns, b->n, tmp), nc = rel_mad(c->ns, c->n, tmp);
    row->spread_proc = between_noise(b, c, sp, o->alpha, m, tmp);
    row->noise = fmax(nb, nc);
    if (row->spread_proc > row->noise)
        row->noise = row->spread_proc;
    const double mag = fabs(row->change);
    row->verdict = IB_RG_SAME;
    if (t.p >= o->alpha)
        snprintf(row->note, sizeof row->note, "not significant (p >= %g)", o->alpha);
    else if (mag <= o->threshold)
        snprintf(row->note, sizeof row->note, "within threshold %.1f%%", 100 * o->threshold);
    else if (mag <= row->noise)
        snprintf(row->note, sizeof row->note, "within noise %.1f%%", 100 * row->noise);
    else
        row->verdict = row->change > 0 ? IB_RG_SLOWER : IB_RG_FASTER;
}

/* Holm's step-down correction over the m benchmarks tested in one run: testing each of m at
 * alpha would flag about alpha*m of them by chance alone, so the k-th smallest p (0-based)
 * must lie below alpha/(m-k), and the first that does not ends the rejections. Keeps the
 * family-wise false-alarm rate at alpha however many benchmarks run. */
static int by_p(const void *a, const void *b)
{
    const ib_rg_row *x = *(ib_rg_row *const *)a, *y = *(ib_rg_row *const *)b;
    return (x->p > y->p) - (x->p < y->p);
}

static int holm(ib_rg_report *r, double alpha)
{
    ib_rg_row **tested = malloc((size_t)(r->n > 0 ? r->n : 1) * sizeof *tested);
    int m = 0;
    for (int i = 0; tested && i < r->n; i++)
        if (isfinite(r->rows[i].p))
            tested[m++] = &r->rows[i];
    if (!tested)
        return m; /* out of memory: the uncorrected verdicts stand */
    qsort(tested, (size_t)m, sizeof *tested, by_p);
    int rejecting = 1;
    for (int k = 0; k < m; k++) {
        ib_rg_row *row = tested[k];
        const double bound = alpha / (m - k);
        rejecting = rejecting && row->p < bound;
        if (!rejecting && (row->verdict == IB_RG_SLOWER || row->verdict == IB_RG_FASTER)) {
            row->verdict = IB_RG_SAME;
            snprintf(row->note, sizeof row->note,
                     "not significant over %d benchmarks (Holm: p >= %.2g)", m, bound);
        }
    }
    free(tested);
    return m;
}

/* The run's power over its m tested benchmarks: a row whose repetition counts cannot give
 * p < alpha/m can never be flagged, whatever it measured, so it is INVALID rather than a
 * silent "same"; when no row can, the whole run is refused. The others get their minimum
 * detectable slowdown. tmp holds as many doubles as the largest sample. */
static void power(ib_rg_report *r, const ib_rg_set *base, const ib_rg_set *cur, const ib_rg_opts *o,
                  double *tmp)
{
    double best = INFINITY;
    int able = 0;
    for (int i = 0; i < r->n; i++) {
        ib_rg_row *row = &r->rows[i];
        if (!isfinite(row->p))
            continue;
        const double min_p = ib_mwu_min_p(row->n_base, row->n_new);
        if (min_p < best) {
            best = min_p;
            r->reps_base = row->n_base;
            r->reps_new = row->n_new;
        }
        if (min_p < o->alpha / r->m) {
            const ib_rg_bench *b = ib_rg_find(base, row->name), *c = ib_rg_find(cur, row->name);
            row->mds = ib_rg_min_detectable(b->ns, b->n, c->ns, c->n, r->m, o->alpha,
                                            fmax(o->threshold, row->noise), tmp);
            able++;
            continue;
        }
        row->verdict = IB_RG_INVALID;
        row->mds = INFINITY;
        snprintf(row->note, sizeof row->note,
                 "too few repetitions (%d and %d): the U test's smallest p, %.2g, is not below "
                 "alpha/m = %.2g",
                 row->n_base, row->n_new, min_p, o->alpha / r->m);
    }
    r->refused = r->m > 0 && able == 0;
}

static int is_compared(const ib_rg_row *row)
{
    return (row->verdict == IB_RG_SAME || row->verdict == IB_RG_SLOWER ||
            row->verdict == IB_RG_FASTER) &&
           isfinite(row->change);
}

/* The common change of the compared rows (ib_rg_report.drift): the median of log(1 + change),
 * and the flags it explains taken back. tmp holds 2 r->n doubles. */
static void common_drift(ib_rg_report *r, const ib_rg_opts *o, double *tmp)
{
    double *logs = tmp + r->n, *noise = tmp + 2 * r->n;
    int n = 0;
    for (int i = 0; i < r->n; i++)
        if (is_compared(&r->rows[i])) {
            logs[n] = log1p(r->rows[i].change);
            noise[n++] = r->rows[i].noise;
        }
    r->drift = NAN;
    r->shift = 0;
    if (n < IB_RG_DRIFT_MIN)
        return;
    r->drift = expm1(ib_median(logs, n, tmp));
    const double typical = ib_median(noise, n, tmp);
    if (fabs(r->drift) > o->threshold && fabs(r->drift) > typical &&
        !(fabs(r->drift) <= r->drift_noise))
        r->shift = r->drift > 0 ? 1 : -1;
    for (int i = 0; i < r->n; i++) {
        ib_rg_row *row = &r->rows[i];
        if (row->verdict != IB_RG_SLOWER && row->verdict != IB_RG_FASTER)
            continue;
        const double own = (1 + row->change) / (1 + r->drift) - 1;
        if ((own > 0) == (row->change > 0) && fabs(own) > o->threshold && fabs(own) > row->noise)
            continue;
        row->verdict = IB_RG_SAME;
        snprintf(row->note, sizeof row->note,
                 "moved with the others: %+.1f%% beside their common %+.1f%%", 100 * own,
                 100 * r->drift);
    }
}

static ib_rg_row *add_row(ib_rg_report *r, const char *name, int cap)
{
    ib_rg_row *row = &r->rows[r->n];
    memset(row, 0, sizeof *row);
    row->med_base = row->med_new = row->change = row->p = row->noise = NAN;
    row->spread_proc = row->mds = NAN;
    if (r->n >= cap || !(row->name = strdup(name)))
        return NULL;
    r->n++;
    return row;
}

ib_status ib_rg_compare(const ib_rg_set *base, const ib_rg_set *cur, const ib_rg_opts *o,
                        ib_rg_report *r, ib_err *e)
{
    memset(r, 0, sizeof *r);
    if (!(o->alpha > 0 && o->alpha < 1) || !(o->threshold >= 0))
        return ib_fail(e, IB_INVALID, "regress: alpha must lie in (0, 1) and threshold >= 0");
    int maxn = 1;
    for (int i = 0; i < base->n; i++)
        maxn = base->b[i].n > maxn ? base->b[i].n : maxn;
    for (int i = 0; i < cur->n; i++)
        maxn = cur->b[i].n > maxn ? cur->b[i].n : maxn;
    const int cap = base->n + cur->n;
    r->rows = calloc((size_t)cap + 1, sizeof *r->rows);
    const size_t ntmp = 3 * (size_t)(maxn > cap ? maxn : cap);
    double *tmp = malloc(ntmp * sizeof *tmp);
    ib_status st = IB_OK;
    if (!r->rows || !tmp)
        st = ib_fail(e, IB_NOMEM, "regress: out of memory");
    ib_rg_speed speed[2] = {{0}}; /* each process's common speed, baseline and this run */
    if (st == IB_OK && (ib_rg_speed_of(base, cur, &speed[0], e) != IB_OK ||
                        ib_rg_speed_of(cur, base, &speed[1], e) != IB_OK))
        st = IB_NOMEM;
    r->speed_bench = speed[0].nbench < speed[1].nbench ? speed[0].nbench : speed[1].nbench;
    r->drift_noise = NAN;
    if (st == IB_OK && r->speed_bench > 0 && speed[0].k > 0 && speed[1].k > 0 &&
        speed[0].k + speed[1].k > 2) {
        const int kb = speed[0].k, kc = speed[1].k, df = kb + kc - 2;
        const double sd = sqrt((speed[0].ss + speed[1].ss) / df);
        r->drift_noise = expm1(t_two_sided(df, o->alpha) * sd * sqrt(1.0 / kb + 1.0 / kc));
    }
    int m_both = 0; /* the benchmarks compared: the family of the run's tests */
    for (int i = 0; i < base->n; i++)
        m_both += ib_rg_find(cur, base->b[i].name) != NULL;
    for (int i = 0; st == IB_OK && i < base->n; i++) {
        const ib_rg_bench *b = &base->b[i], *c = ib_rg_find(cur, b->name);
        if (!c && o->subset)
            continue;
        ib_rg_row *row = add_row(r, b->name, cap);
        if (!row) {
            st = ib_fail(e, IB_NOMEM, "regress: out of memory");
        } else if (!c) {
            row->verdict = IB_RG_MISSING;
            row->n_base = b->n;
            snprintf(row->note, sizeof row->note, "in the baseline, not in this run");
        } else {
            judge(b, c, speed, o, m_both, row, tmp);
        }
    }
    for (int i = 0; st == IB_OK && i < cur->n; i++) {
        const ib_rg_bench *c = &cur->b[i];
        if (ib_rg_find(base, c->name))
            continue;
        ib_rg_row *row = add_row(r, c->name, cap);
        if (!row) {
            st = ib_fail(e, IB_NOMEM, "regress: out of memory");
        } else {
            row->verdict = IB_RG_NEW;
            row->n_new = c->n;
            if (c->n > 0 && !c->problem[0])
                row->med_new = ib_median(c->ns, c->n, tmp);
            snprintf(row->note, sizeof row->note, "not in the baseline%s%s",
                     c->problem[0] ? ": " : "", c->problem);
        }
    }
    ib_rg_speed_free(&speed[0]);
    ib_rg_speed_free(&speed[1]);
    if (st != IB_OK) {
        free(tmp);
        ib_rg_report_free(r);
        return st;
    }
    r->alpha = o->alpha;
    r->m = holm(r, o->alpha);
    power(r, base, cur, o, tmp);
    common_drift(r, o, tmp);
    free(tmp);
    r->mds_max = NAN;
    for (int i = 0; i < r->n; i++) {
        const ib_rg_row *row = &r->rows[i];
        r->count[row->verdict]++;
        if ((row->verdict == IB_RG_SAME || row->verdict == IB_RG_FASTER) &&
            !(row->mds <= r->mds_max))
            r->mds_max = row->mds;
    }
    return IB_OK;
}

int ib_rg_exit_status(const ib_rg_report *r)
{
    if (r->count[IB_RG_SLOWER] || r->shift > 0)
        return 1;
    if (r->refused)
        return 2;
    const int compared = r->count[IB_RG_SAME] + r->count[IB_RG_FASTER];
    if (r->count[IB_RG_MISSING] || r->count[IB_RG_INVALID] || compared == 0)
        return 2;
    return 0;
}

void ib_rg_verdict_line(const ib_rg_report *r, char *buf, int len)
{
    const int *k = r->count;
    const int compared = k[IB_RG_SAME] + k[IB_RG_FASTER] + k[IB_RG_SLOWER];
    int w;
    if (k[IB_RG_SLOWER]) {
        w = snprintf(buf, (size_t)len, "REGRESSION: %d of %d benchmarks slower:", k[IB_RG_SLOWER],
                     compared);
        int shown = 0;
        for (int i = 0; i < r->n && w > 0 && w < len; i++) {
            const ib_rg_row *row = &r->rows[i];
            if (row->verdict != IB_RG_SLOWER)
                continue;
            if (shown++ == 3) {
                w += snprintf(buf + w, (size_t)(len - w), " ...");
                break;
            }
            w += snprintf(buf + w, (size_t)(len - w), "%s %s %+.1f%%", shown > 1 ? "," : "",
                          row->name, 100 * row->change);
        }
        if (isfinite(r->mds_max) && w > 0 && w < len) /* what the rest could have hidden */
            w += snprintf(buf + w, (size_t)(len - w), "; no other regression larger than %.1f%%",
                          100 * r->mds_max);
        if (isfinite(r->drift) && w > 0 && w < len)
            snprintf(buf + w, (size_t)(len - w),
                     "; the common change of all benchmarks, %+.1f%%, is taken out of each",
                     100 * r->drift);
    } else if (r->shift > 0) {
        snprintf(buf, (size_t)len,
                 "REGRESSION: all %d benchmarks slower together, by a median %+.1f%% (beyond "
                 "the threshold and their typical noise): the machine is slower now than when "
                 "the baseline was recorded (load, clock, a neighbour), or a change slows "
                 "everything (compiler, flags); repeat both on a quiet machine to tell which",
                 compared, 100 * r->drift);
    } else if (r->refused) {
        char why[400];
        ib_rg_power_refusal(r->reps_base, r->reps_new, r->m, r->alpha, 0, why, sizeof why);
        int more = r->reps_new; /* this run's repetitions that would do against this baseline */
        while (more < 100000 && !ib_rg_can_detect(r->reps_base, more, r->m, r->alpha))
            more++;
        if (more < 100000)
            snprintf(buf, (size_t)len,
                     "REFUSED: %s; it needs %d repetitions in this run against the baseline's "
                     "%d, or fewer benchmarks",
                     why, more, r->reps_base);
        else
            snprintf(buf, (size_t)len, "REFUSED: %s; record a baseline with more repetitions", why);
    } else if (ib_rg_exit_status(r) == 2) {
        snprintf(buf, (size_t)len,
                 "ERROR: %d benchmark%s could not be compared (%d missing, %d invalid); "
                 "%d compared, none slower",
                 k[IB_RG_MISSING] + k[IB_RG_INVALID],
                 k[IB_RG_MISSING] + k[IB_RG_INVALID] == 1 ? "" : "s", k[IB_RG_MISSING],
                 k[IB_RG_INVALID], compared);
    } else {
        w = snprintf(buf, (size_t)len,
                     "NO REGRESSION larger than %.1f%% (the largest minimum detectable slowdown): "
                     "%d benchmarks compared: %d same, %d faster%s",
                     100 * r->mds_max, compared, k[IB_RG_SAME], k[IB_RG_FASTER],
                     k[IB_RG_NEW] ? " (and some new ones, not in the baseline)" : "");
        if (isfinite(r->drift) && w > 0 && w < len)
            snprintf(buf + w, (size_t)(len - w), "; common change of all benchmarks %+.1f%%%s",
                     100 * r->drift, r->shift < 0 ? " (all faster together)" : "");
    }
}

static void fmt_time(char *buf, size_t len, double ns)
{
    if (!isfinite(ns))
        snprintf(buf, len, "-");
    else if (ns >= 1e9)
        snprintf(buf, len, "%.3f s", ns * 1e-9);
    else if (ns >= 1e6)
        snprintf(buf, len, "%.3f ms", ns * 1e-6);
    else if (ns >= 1e3)
        snprintf(buf, len, "%.3f us", ns * 1e-3);
    else
        snprintf(buf, len, "%.1f ns", ns);
}

void ib_rg_print(FILE *f, const ib_rg_report *r, const ib_rg_opts *o)
{
    int w = 9;
    for (int i = 0; i < r->n; i++) {
        int l = (int)strlen(r->rows[i].name);
        w = l > w ? l : w;
    }
    fprintf(f, "%-*s %7s %12s %12s %8s %9s %7s %7s  %s\n", w, "benchmark", "reps", "baseline",
            "now", "change", "p", "noise", "detect", "verdict");
    for (int i = 0; i < r->n; i++) {
        const ib_rg_row *row = &r->rows[i];
        char reps[24], tb[24], tn[24], ch[16] = "-", p[16] = "-", nz[16] = "-", md[16] = "-";
        snprintf(reps, sizeof reps, "%d/%d", row->n_base, row->n_new);
        fmt_time(tb, sizeof tb, row->med_base);
        fmt_time(tn, sizeof tn, row->med_new);
        if (isfinite(row->change))
            snprintf(ch, sizeof ch, "%+.1f%%", 100 * row->change);
        if (isfinite(row->p))
            snprintf(p, sizeof p, "%.2g", row->p);
        if (isfinite(row->noise))
            snprintf(nz, sizeof nz, "%.1f%%", 100 * row->noise);
        if (isinf(row->mds))
            snprintf(md, sizeof md, "none");
        else if (isfinite(row->mds))
            snprintf(md, sizeof md, "%.1f%%", 100 * row->mds);
        fprintf(f, "%-*s %7s %12s %12s %8s %9s %7s %7s  %-7s %s\n", w, row->name, reps, tb, tn, ch,
                p, nz, md, ib_rg_verdict_name(row->verdict),
                row->verdict == IB_RG_SLOWER || row->verdict == IB_RG_FASTER ? "" : row->note);
    }
    char line[512];
    ib_rg_verdict_line(r, line, sizeof line);
    fprintf(f,
            "(%s time, medians; slower/faster needs p below Holm's bound (alpha %g over %d "
            "benchmarks: %.2g for the smallest p), |change| > %.1f%% and > noise, also beyond the "
            "common change of all benchmarks; detect: the smallest slowdown this comparison "
            "could flag)\n",
            o->use_real_time ? "real" : "CPU", o->alpha, r->m, o->alpha / (r->m > 0 ? r->m : 1),
            100 * o->threshold);
    if (r->speed_bench > 0)
        fprintf(f,
                "(noise: the larger of each side's spread of repetitions and the spread between "
                "processes once each process's common speed, its median over %d benchmarks, is "
                "divided out; the common change itself has a process-to-process noise of "
                "%.1f%%)\n",
                r->speed_bench, 100 * r->drift_noise);
    fprintf(f, "%s\n", line);
}

/* ---- merging processes ----------------------------------------------------------------- */

ib_status ib_rg_merge(ib_json **dst, ib_json *src, int proc, ib_err *e)
{
    ib_json *list = (ib_json *)ib_json_get(src, "benchmarks");
    if (!src || src->type != IB_JSON_OBJECT || !list || list->type != IB_JSON_ARRAY) {
        ib_json_free(src);
        return ib_fail(e, IB_INVALID, "not a Google Benchmark report: no \"benchmarks\" array");
    }
    int k = 0;
    ib_status st = IB_OK;
    for (int i = 0; i < list->count; i++) {
        ib_json *it = list->items[i];
        const char *type = ib_json_get_str(it, "run_type");
        if ((type && strcmp(type, "iteration") != 0) || st != IB_OK) {
            ib_json_free(it);
            continue;
        }
        st = ib_json_set_num(it, "incbench_process", proc, e);
        list->items[k++] = it;
    }
    list->count = k;
    if (st != IB_OK || !*dst) {
        if (st != IB_OK)
            ib_json_free(src);
        else
            *dst = src;
        return st;
    }
    ib_json *to = (ib_json *)ib_json_get(*dst, "benchmarks");
    ib_json **items = to && to->type == IB_JSON_ARRAY
                          ? realloc(to->items, (size_t)(to->count + k + 1) * sizeof *items)
                          : NULL;
    if (!items) {
        ib_json_free(src);
        return ib_fail(e, to ? IB_NOMEM : IB_INVALID, "regress: cannot merge the reports");
    }
    to->items = items;
    to->cap = to->count + k + 1;
    memcpy(to->items + to->count, list->items, (size_t)k * sizeof *items);
    to->count += k;
    list->count = 0;
    ib_json_free(src);
    return IB_OK;
}

/* ---- CPU key ---------------------------------------------------------------------------- */

void ib_rg_cpu_identity(const ib_cpu *c, char *buf, int len)
{
    char features[128];
    ib_cpu_features(c, features, (int)sizeof features);
    snprintf(buf, (size_t)len,
             "arch=%s;vendor=%s;model=%s;isa=%s;cores=%d;l1d=%lld;l2=%lld;l3=%lld", c->arch,
             c->vendor, c->model, features, c->cores, (long long)c->l1d, (long long)c->l2,
             (long long)c->l3);
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

/* Lower-case words of s joined by '-', without trademarks, the vendor's name, filler words and
 * the "@ 2.60GHz" tail; at most max characters. */
static void slug(const char *s, char *out, int max)
{
    static const char *const drop[] = {"r",    "tm",           "c",
                                       "cpu",  "processor",    "intel",
                                       "amd",  "genuineintel", "authenticamd",
                                       "with", "radeon",       "graphics"};
    int n = 0;
    while (*s && *s != '@') {
        char word[64];
        int k = 0;
        while (*s && *s != '@' && !isalnum((unsigned char)*s))
            s++;
        while (*s && (isalnum((unsigned char)*s) || *s == '+' || *s == '-') &&
               k < (int)sizeof word - 1)
            word[k++] = (char)tolower((unsigned char)*s++);
        while (*s && (isalnum((unsigned char)*s) || *s == '+' || *s == '-'))
            s++; /* a word longer than 63 characters: the rest is dropped */
        while (k > 0 && word[k - 1] == '-')
            k--;
        word[k] = '\0';
        int skip = k == 0 || (k > 5 && !strcmp(word + k - 5, "-core")); /* "64-Core" */
        for (size_t i = 0; !skip && i < sizeof drop / sizeof drop[0]; i++)
            skip = !strcmp(word, drop[i]);
        for (int i = 0; i < k; i++)
            if (word[i] == '+')
                word[i] = 'p'; /* "8480+" -> "8480p": keys stay file-name safe */
        if (skip || n + (n > 0) + k > max)
            continue;
        n += snprintf(out + n, (size_t)(max + 1 - n), "%s%s", n > 0 ? "-" : "", word);
    }
    out[n] = '\0';
}

void ib_rg_cpu_key(const ib_cpu *c, char *buf, int len)
{
    char id[512], vendor[24], model[40];
    ib_rg_cpu_identity(c, id, sizeof id);
    if (!strcmp(c->vendor, "GenuineIntel"))
        snprintf(vendor, sizeof vendor, "intel");
    else if (!strcmp(c->vendor, "AuthenticAMD"))
        snprintf(vendor, sizeof vendor, "amd");
    else
        slug(c->vendor[0] ? c->vendor : "unknown", vendor, 16);
    slug(c->model, model, 32);
    snprintf(buf, (size_t)len, "%s-%s%s%s-%dc-%08x", vendor[0] ? vendor : "unknown", model,
             model[0] ? "-" : "", ib_isa_name(c->best), c->cores, (unsigned)fnv1a(id));
}
