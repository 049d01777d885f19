/* Order statistics and the two-sided Mann-Whitney U test (exact or normal approximation). */
#include "harness/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_N = 100000 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double ib_quantile(const double *x, int n, double q, double *tmp)
{
    if (n < 1)
        return NAN;
    memcpy(tmp, x, (size_t)n * sizeof *tmp);
    qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
    double pos = q * (n - 1);
    int lo = (int)floor(pos);
    if (lo >= n - 1)
        return tmp[n - 1];
    return tmp[lo] + (pos - lo) * (tmp[lo + 1] - tmp[lo]);
}

double ib_median_sorted(const double *s, int n)
{
    if (n < 1)
        return NAN;
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

double ib_median(const double *x, int n, double *tmp)
{
    if (n < 1)
        return NAN;
    memcpy(tmp, x, (size_t)n * sizeof *tmp);
    qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
    return ib_median_sorted(tmp, n);
}

void ib_median_ci(const double *x, int n, double conf, double *lo, double *hi, double *tmp)
{
    *lo = *hi = NAN;
    if (n < 1 || !(conf > 0 && conf < 1))
        return;
    /* cumulative binomial(n, 1/2) probabilities, P(B <= j), until they pass the tail */
    const double tail = (1 - conf) / 2;
    double pj = pow(0.5, n), cum = 0;
    int k = 0; /* P(B < k) <= tail */
    for (int j = 0; j < n; j++) {
        cum += pj;
        if (cum > tail)
            break;
        k = j + 1;
        pj *= (double)(n - j) / (j + 1);
    }
    if (k < 1 || k > n + 1 - k)
        return;
    memcpy(tmp, x, (size_t)n * sizeof *tmp);
    qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
    *lo = tmp[k - 1];
    *hi = tmp[n - k];
}

/* Number of arrangements with each value of U for sizes (m, n): the coefficients of the
 * Gaussian binomial prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), built one factor at a time.
 * c has m*n + 1 entries. Every intermediate is an integer polynomial, so the division is
 * exact. */
static void u_counts(int m, int n, double *c)
{
    const int top = m * n;
    memset(c, 0, (size_t)(top + 1) * sizeof *c);
    c[0] = 1;
    for (int i = 1; i <= m; i++) {
        for (int k = top; k >= n + i; k--) /* times (1 - q^(n+i)) */
            c[k] -= c[k - (n + i)];
        for (int k = i; k <= top; k++) /* divided by (1 - q^i) */
            c[k] += c[k - i];
    }
}

/* P(U >= u) under the null hypothesis; u is an integer (no ties). */
static double exact_sf(int m, int n, double u)
{
    if (m > n) { /* the distribution is symmetric in (m, n); keep the product small */
        int t = m;
        m = n;
        n = t;
    }
    const int top = m * n;
    double *c = malloc((size_t)(top + 1) * sizeof *c);
    if (!c)
        return NAN;
    u_counts(m, n, c);
    double total = 0, tail = 0;
    for (int k = 0; k <= top; k++) {
        total += c[k];
        if (k >= u)
            tail += c[k];
    }
    free(c);
    return tail / total;
}

double ib_mwu_min_p(int nx, int ny)
{
    if (nx < 1 || ny < 1 || nx > MAX_N || ny > MAX_N)
        return 1;
    double *v = malloc((size_t)(nx + ny) * sizeof *v);
    if (!v)
        return 1;
    for (int i = 0; i < nx + ny; i++)
        v[i] = i; /* x below y, all distinct: the largest U the sizes allow */
    ib_mwu t;
    const double p = ib_mwu_test(v, nx, v + nx, ny, &t) == 0 ? t.p : 1;
    free(v);
    return p;
}

typedef struct tagged {
    double v;
    int from_x;
} tagged;

static int cmp_tagged(const void *a, const void *b)
{
    return cmp_double(&((const tagged *)a)->v, &((const tagged *)b)->v);
}

int ib_mwu_test(const double *x, int nx, const double *y, int ny, ib_mwu *r)
{
    if (nx < 1 || ny < 1 || nx > MAX_N || ny > MAX_N)
        return -1;
    const int n = nx + ny;
    tagged *all = malloc((size_t)n * sizeof *all);
    if (!all)
        return -1;
    for (int i = 0; i < n; i++) {
        all[i].v = i < nx ? x[i] : y[i - nx];
        all[i].from_x = i < nx;
        if (!isfinite(all[i].v)) {
            free(all);
            return -1;
        }
    }
    qsort(all, (size_t)n, sizeof *all, cmp_tagged);
    /* Rank sum of x with average ranks for ties; the tie term sum(t^3 - t) for the variance. */
    double rank_x = 0, tie_term = 0;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && all[j].v == all[i].v)
            j++;
        const double t = j - i, avg = (i + 1 + j) / 2.0;
        for (int k = i; k < j; k++)
            if (all[k].from_x)
                rank_x += avg;
        tie_term += t * t * t - t;
        i = j;
    }
    free(all);
    const double u1 = rank_x - nx * (nx + 1.0) / 2.0, u2 = (double)nx * ny - u1;
    const double u = u1 > u2 ? u1 : u2;
    double p;
    r->u = u1;
    r->exact = !(nx > 8 && ny > 8) && tie_term == 0;
    if (r->exact) {
        p = 2 * exact_sf(nx, ny, u);
    } else {
        const double mu = nx * (double)ny / 2.0;
        const double s =
            sqrt(nx * (double)ny / 12.0 * ((n + 1.0) - tie_term / ((double)n * (n - 1))));
        if (s == 0) {
            p = 1; /* every value equal: no evidence of a difference */
        } else {
            const double z = (u - mu - 0.5) / s;
            p = 2 * 0.5 * erfc(z / sqrt(2.0));
        }
    }
    if (isnan(p))
        return -1;
    r->p = p > 1 ? 1 : p < 0 ? 0 : p;
    return 0;
}

/* The largest c with P(S <= c) <= tail, for a statistic S on 0..top whose null distribution
 * has the counts c[0..top]; -1 when even P(S = 0) passes tail. */
static int lower_critical(const double *c, int top, double tail)
{
    double total = 0, cum = 0;
    for (int k = 0; k <= top; k++)
        total += c[k];
    int crit = -1;
    for (int k = 0; k <= top; k++) {
        cum += c[k];
        if (cum / total > tail)
            break;
        crit = k;
    }
    return crit;
}

/* The largest c with P(U <= c) <= tail under the null for sizes (m, n); -1 when even U = 0
 * is more likely than tail (too few samples). */
static int u_critical(int m, int n, double tail)
{
    const double mn = (double)m * n;
    if (m <= 100 && n <= 100) {
        double *c = malloc((size_t)(m * n + 1) * sizeof *c);
        if (!c)
            return -2;
        u_counts(m, n, c);
        const int crit = lower_critical(c, m * n, tail);
        free(c);
        return crit;
    }
    /* normal approximation: z from the tail by bisection on erfc */
    double lo = 0, hi = 40;
    for (int i = 0; i < 200; i++) {
        double z = 0.5 * (lo + hi);
        if (0.5 * erfc(z / sqrt(2.0)) > tail)
            lo = z;
        else
            hi = z;
    }
    const double c = floor(mn / 2 - hi * sqrt(mn * (m + n + 1) / 12.0) - 0.5);
    return c < 0 ? -1 : (int)c;
}

/* The nx*ny pairwise log ratios log(y_j / x_i) into d, sorted; returns the Hodges-Lehmann
 * estimate, the exponentiated median of them. */
static double sorted_log_ratios(const double *x, int nx, const double *y, int ny, double *d)
{
    const int np = nx * ny;
    for (int i = 0; i < nx; i++)
        for (int j = 0; j < ny; j++)
            d[i * ny + j] = log(y[j]) - log(x[i]);
    qsort(d, (size_t)np, sizeof *d, cmp_double);
    return exp(ib_median_sorted(d, np));
}

double ib_hl_ratio(const double *x, int nx, const double *y, int ny, double *tmp)
{
    return sorted_log_ratios(x, nx, y, ny, tmp);
}

int ib_ratio_ci_compute(const double *x, int nx, const double *y, int ny, double conf,
                        ib_ratio_ci *r)
{
    r->est = r->lo = r->hi = NAN;
    r->conf = conf;
    if (nx < 1 || ny < 1 || (double)nx * ny > MAX_N || !(conf > 0 && conf < 1))
        return -1;
    for (int i = 0; i < nx + ny; i++) {
        const double v = i < nx ? x[i] : y[i - nx];
        if (!(v > 0) || !isfinite(v))
            return -1;
    }
    const int np = nx * ny;
    double *d = malloc((size_t)np * sizeof *d);
    if (!d)
        return -1;
    r->est = sorted_log_ratios(x, nx, y, ny, d);
    const int c = u_critical(nx, ny, (1 - conf) / 2);
    if (c == -2) {
        free(d);
        return -1;
    }
    if (c >= 0 && c < np - 1 - c) {
        r->lo = exp(d[c]);
        r->hi = exp(d[np - 1 - c]);
    }
    free(d);
    return 0;
}

int ib_ratio_ci_significant(const ib_ratio_ci *r)
{
    return isfinite(r->lo) && isfinite(r->hi) && (r->lo > 1 || r->hi < 1);
}

const char *ib_ratio_ci_verdict(const ib_ratio_ci *r)
{
    if (!isfinite(r->lo) || !isfinite(r->hi))
        return NULL;
    return !ib_ratio_ci_significant(r) ? "not significant" : r->hi < 1 ? "faster" : "slower";
}

/* The largest c with P(T <= c) <= tail for the Wilcoxon signed-rank statistic T of n values
 * under the null (counts of the subsets of {1..n} by their sum); -1 when even T = 0 is more
 * likely than tail (too few values), -2 without memory. */
static int signed_rank_critical(int n, double tail)
{
    const int top = n * (n + 1) / 2;
    double *c = calloc((size_t)top + 1, sizeof *c);
    if (!c)
        return -2;
    c[0] = 1;
    for (int i = 1; i <= n; i++)
        for (int k = top; k >= i; k--)
            c[k] += c[k - i];
    const int crit = lower_critical(c, top, tail);
    free(c);
    return crit;
}

/* The centre of n values from a symmetric distribution, distribution-free: the one-sample
 * Hodges-Lehmann estimate (median of the n(n+1)/2 Walsh averages (v_i + v_j) / 2, i <= j)
 * and its Wilcoxon signed-rank interval, from the (c+1)-th smallest to the (c+1)-th largest
 * Walsh average. 0, or -1 when n is too small for conf or memory runs out. */
static int walsh_center(const double *v, int n, double conf, double *est, double *lo, double *hi)
{
    const int m = n * (n + 1) / 2;
    const int c = signed_rank_critical(n, (1 - conf) / 2);
    if (c < 0 || c >= m - 1 - c)
        return -1;
    double *w = malloc((size_t)m * sizeof *w);
    if (!w)
        return -1;
    for (int i = 0, k = 0; i < n; i++)
        for (int j = i; j < n; j++)
            w[k++] = 0.5 * (v[i] + v[j]);
    qsort(w, (size_t)m, sizeof *w, cmp_double);
    *est = ib_median_sorted(w, m);
    *lo = w[c];
    *hi = w[m - 1 - c];
    free(w);
    return 0;
}

/* The faster half of the n values v (the ceil(n/2) smallest) sorted into out; returns how
 * many. */
static int faster_half(const double *v, int n, double *out)
{
    memcpy(out, v, (size_t)n * sizeof *out);
    qsort(out, (size_t)n, sizeof *out, cmp_double);
    return (n + 1) / 2;
}

double ib_faster_half_median(const double *x, int n, double *tmp)
{
    return n < 1 ? NAN : ib_median_sorted(tmp, faster_half(x, n, tmp));
}

double ib_round_log_ratio(const double *x, int nx, const double *y, int ny)
{
    if (nx < 1 || ny < 1 || (double)nx * ny > MAX_N)
        return NAN;
    for (int i = 0; i < nx + ny; i++) {
        const double v = i < nx ? x[i] : y[i - nx];
        if (!(v > 0) || !isfinite(v))
            return NAN;
    }
    double *f = malloc((size_t)(nx + ny) * sizeof *f);
    double *pairs = malloc((size_t)nx * (size_t)ny * sizeof *pairs);
    double l = NAN;
    if (f && pairs) {
        const int hx = faster_half(x, nx, f);
        const int hy = faster_half(y, ny, f + nx);
        l = log(ib_hl_ratio(f, hx, f + nx, hy, pairs));
    }
    free(f);
    free(pairs);
    return l;
}

int ib_ratio_ci_of_logs(const double *l, int n, double conf, ib_ratio_ci *r)
{
    r->est = r->lo = r->hi = NAN;
    r->conf = conf;
    if (n < 2 || !(conf > 0 && conf < 1))
        return -1;
    for (int i = 0; i < n; i++)
        if (!isfinite(l[i]))
            return -1;
    /* the rounds' centre and its distribution-free interval: a disturbed round moves the
     * Walsh averages it is part of, never the estimate or an end by its size */
    double mid, lo, hi;
    if (walsh_center(l, n, conf, &mid, &lo, &hi) != 0)
        return -1;
    r->est = exp(mid);
    r->lo = exp(lo);
    r->hi = exp(hi);
    return 0;
}

int ib_ratio_ci_rounds(const double *x, const int *xend, const double *y, const int *yend,
                       int nrounds, double conf, ib_ratio_ci *r)
{
    r->est = r->lo = r->hi = NAN;
    r->conf = conf;
    if (nrounds < 2)
        return -1;
    double *l = malloc((size_t)nrounds * sizeof *l);
    if (!l)
        return -1;
    for (int i = 0; i < nrounds; i++) {
        const int x0 = i ? xend[i - 1] : 0, y0 = i ? yend[i - 1] : 0;
        l[i] = ib_round_log_ratio(x + x0, xend[i] - x0, y + y0, yend[i] - y0);
    }
    const int rc = ib_ratio_ci_of_logs(l, nrounds, conf, r);
    free(l);
    return rc;
}
