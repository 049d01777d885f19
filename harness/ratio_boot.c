/* Geometric mean of Hodges-Lehmann ratios with its percentile bootstrap interval. */
#include "harness/ratio_boot.h"

#include <math.h>
#include <stdlib.h>

#include "core/rng.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void resample(const double *v, int n, double *out, uint64_t *s)
{
    for (int i = 0; i < n; i++)
        out[i] = v[ib_splitmix64(s) % (uint64_t)n];
}

int ib_geomean_ratio_boot(const ib_ratio_pair *p, int k, double conf, int nboot, uint64_t seed,
                          ib_ratio_ci *r)
{
    r->est = r->lo = r->hi = NAN;
    r->conf = conf;
    if (k < 1 || nboot < 1 || !(conf > 0 && conf < 1))
        return -1;
    int maxn = 1, maxp = 1, boot = 1;
    for (int i = 0; i < k; i++) {
        if (p[i].nx < 1 || p[i].ny < 1)
            return -1;
        for (int j = 0; j < p[i].nx + p[i].ny; j++) {
            const double v = j < p[i].nx ? p[i].x[j] : p[i].y[j - p[i].nx];
            if (!(v > 0) || !isfinite(v))
                return -1;
        }
        maxn = p[i].nx > maxn ? p[i].nx : maxn;
        maxn = p[i].ny > maxn ? p[i].ny : maxn;
        maxp = p[i].nx * p[i].ny > maxp ? p[i].nx * p[i].ny : maxp;
        boot = boot && p[i].nx > 1 && p[i].ny > 1; /* one value resamples to itself */
    }
    double *tmp = malloc((size_t)maxp * sizeof *tmp);
    double *bx = malloc((size_t)maxn * sizeof *bx), *by = malloc((size_t)maxn * sizeof *by);
    double *g = malloc((size_t)nboot * sizeof *g);
    int rc = -1;
    if (tmp && bx && by && g) {
        double sum = 0;
        for (int i = 0; i < k; i++)
            sum += log(ib_hl_ratio(p[i].x, p[i].nx, p[i].y, p[i].ny, tmp));
        r->est = exp(sum / k);
        if (boot) {
            uint64_t s = seed;
            for (int b = 0; b < nboot; b++) {
                double lsum = 0;
                for (int i = 0; i < k; i++) {
                    resample(p[i].x, p[i].nx, bx, &s);
                    resample(p[i].y, p[i].ny, by, &s);
                    lsum += log(ib_hl_ratio(bx, p[i].nx, by, p[i].ny, tmp));
                }
                g[b] = lsum / k;
            }
            qsort(g, (size_t)nboot, sizeof *g, cmp_double);
            /* percentile interval: the (1-conf)/2 and (1+conf)/2 quantiles of the replicates,
             * interpolated between order statistics */
            const double q[2] = {(1 - conf) / 2, (1 + conf) / 2};
            double v[2];
            for (int e = 0; e < 2; e++) {
                const double pos = q[e] * (nboot - 1);
                const int lo = (int)floor(pos);
                v[e] = lo >= nboot - 1 ? g[nboot - 1] : g[lo] + (pos - lo) * (g[lo + 1] - g[lo]);
            }
            r->lo = exp(v[0]);
            r->hi = exp(v[1]);
        }
        rc = 0;
    }
    free(tmp);
    free(bx);
    free(by);
    free(g);
    return rc;
}
