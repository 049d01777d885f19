/* Verification for the driver: integer fills, one reference run, comparison with bounds. */
#include "bench/verify.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench/rng.h"
#include "reference/reference.h"

static float rand_int(uint64_t *s, int lo, int hi)
{
    return (float)(lo + (int)(ib_splitmix64(s) % (uint64_t)(hi - lo + 1)));
}

/* Powers of two keep (acc + bias) * scale + shift exact. */
static float rand_pow2(uint64_t *s)
{
    static const float v[] = {0.25f, 0.5f, 1.0f, 2.0f, -0.5f, -1.0f};
    return v[ib_splitmix64(s) % (sizeof v / sizeof v[0])];
}

/* Value ranges: conv/fc sums of up to a few thousand products of [-2,2] x [-2,2] stay far
 * below 2^24, so every partial sum is exact in fp32 whatever the order. */
static float fill_value(ib_op op, int i, uint64_t *s)
{
    switch (op) {
    case IB_OP_CONV:
    case IB_OP_FC:
        if (i <= 1)
            return rand_int(s, -2, 2);
        return i == 3 ? rand_pow2(s) : rand_int(s, -4, 4);
    case IB_OP_SOFTMAX:
    case IB_OP_LSLOSS: /* they exponentiate: real values, checked within a derived bound */
        return ib_rng_uniform(s, -12.0f, 12.0f);
    case IB_OP_BN:
        switch (i) {
        case 0:
            return ib_rng_uniform(s, -4.0f, 4.0f);
        case 1:
            return rand_pow2(s);
        case 4:
            return rand_int(s, 1, 4); /* variance > 0 */
        default:
            return rand_int(s, -2, 2);
        }
    default:
        return rand_int(s, -8, 8);
    }
}

/* Softmax and the loss must subtract the row maximum: every other row is lifted by 100, where
 * exp() without the subtraction overflows, so a kernel that skips it fails. x - max stays
 * exact, so correct kernels are unaffected. */
static float logit_shift(const ib_desc *d, int i, int64_t k)
{
    if (i != 0 || (d->op != IB_OP_SOFTMAX && d->op != IB_OP_LSLOSS))
        return 0.0f;
    int64_t c = d->op == IB_OP_SOFTMAX ? d->softmax.c : d->lsloss.c;
    return (k / c) % 2 == 0 ? 100.0f : 0.0f;
}

void ib_vcase_free(ib_vcase *c)
{
    for (int i = 0; i < IB_MAX_IN; i++)
        ib_free(c->in[i]);
    for (int j = 0; j < IB_MAX_OUT; j++) {
        ib_free(c->want[j]);
        ib_free(c->got[j]);
    }
    ib_free(c->labels);
    memset(c, 0, sizeof *c);
}

static float *alloc_floats(int64_t n)
{
    return n > 0 && (uint64_t)n <= SIZE_MAX / sizeof(float) ? ib_alloc((size_t)n * sizeof(float))
                                                            : NULL;
}

ib_status ib_vcase_init(ib_vcase *c, const ib_desc *d, uint64_t seed, ib_err *e)
{
    memset(c, 0, sizeof *c);
    c->desc = *d;
    ib_arg_shapes_of(&c->desc, &c->shapes);
    uint64_t s = seed;
    for (int i = 0; i < c->shapes.nin; i++) {
        int64_t n = ib_dims_count(c->shapes.in[i]);
        if (n == 0)
            continue; /* absent optional argument */
        if (!(c->in[i] = alloc_floats(n))) {
            ib_vcase_free(c);
            return ib_fail(e, IB_NOMEM, "verify: cannot allocate input %d (%lld floats)", i,
                           (long long)n);
        }
        for (int64_t k = 0; k < n; k++)
            c->in[i][k] = fill_value(d->op, i, &s) + logit_shift(d, i, k);
        c->args.in[i] = c->in[i];
    }
    if (c->shapes.nlabels > 0) {
        c->labels = ib_alloc((size_t)c->shapes.nlabels * sizeof(int32_t));
        if (!c->labels) {
            ib_vcase_free(c);
            return ib_fail(e, IB_NOMEM, "verify: cannot allocate labels");
        }
        for (int64_t k = 0; k < c->shapes.nlabels; k++)
            c->labels[k] = (int32_t)(ib_splitmix64(&s) % (uint64_t)d->lsloss.c);
        c->args.labels = c->labels;
    }
    for (int j = 0; j < c->shapes.nout; j++) {
        int64_t n = ib_dims_count(c->shapes.out[j]);
        if (!(c->want[j] = alloc_floats(n)) || !(c->got[j] = alloc_floats(n))) {
            ib_vcase_free(c);
            return ib_fail(e, IB_NOMEM, "verify: cannot allocate output %d (%lld floats)", j,
                           (long long)n);
        }
        c->args.out[j] = c->want[j];
    }
    ib_ref_run(&c->desc, &c->args);
    for (int j = 0; j < c->shapes.nout; j++)
        c->args.out[j] = c->got[j];
    return IB_OK;
}

int ib_verify_is_exact(ib_op op)
{
    switch (op) {
    case IB_OP_CONV:
    case IB_OP_FC:
    case IB_OP_RELU:
    case IB_OP_MAXPOOL:
    case IB_OP_AVGPOOL: /* integer window sums, then one division */
    case IB_OP_CONCAT:
        return 1;
    default:
        return 0;
    }
}

/* Bound on |got - want| of element k of output j for the inexact ops, from the number of
 * roundings each result goes through (eps = FLT_EPSILON, one ulp at 1.0). */
static double bound_of(const ib_vcase *c, int j, int64_t k, double want)
{
    const double eps = FLT_EPSILON;
    const ib_desc *d = &c->desc;
    switch (d->op) {
    case IB_OP_GAP: /* exact integer sum, then a division or a reciprocal multiply */
        return 2 * eps * fabs(want);
    case IB_OP_BN: {
        /* (x - mean) * gamma / sqrt(var + eps) + beta: a handful of roundings of each term. */
        int64_t hw = d->bn.h * d->bn.w, ch = (k / hw) % d->bn.c;
        double t =
            fabs(c->in[0][k] - c->in[3][ch]) * fabs(c->in[1][ch]) / sqrt(c->in[4][ch] + d->bn.eps);
        return 8 * eps * (t + fabs(c->in[2][ch])) + FLT_MIN;
    }
    case IB_OP_SOFTMAX: /* a c-term sum of exponentials, then one division */
        return (d->softmax.c + 8) * eps * fabs(want) + FLT_MIN;
    case IB_OP_LSLOSS: {
        const int64_t n = d->lsloss.n, cc = d->lsloss.c;
        const double le = d->lsloss.eps;
        if (j == 0) {
            double xmax = 0;
            for (int64_t i = 0; i < n * cc; i++)
                xmax = fmax(xmax, fabs(c->in[0][i]));
            return (cc + 16) * eps * (fabs(want) + 2 * xmax + log((double)cc));
        }
        /* grad = (softmax - q) / n: the error scales with softmax + q <= n|grad| + 2q. */
        double q = le / (double)cc + (c->labels[k / cc] == k % cc ? 1.0 - le : 0.0);
        return (cc + 16) * eps * (fabs(want) + 2 * q / (double)n) + FLT_MIN;
    }
    default:
        return 0;
    }
}

/* The one place that decides how an output is compared: bit for bit where the op is exact
 * under integer fills, unless the implementation's algorithm rounds differently (bound, per
 * element of out[0], from its error_bound); the op's derived bound for the inexact ops. */
void ib_verify_compare(const ib_vcase *c, const double *bound, ib_verify_result *r)
{
    memset(r, 0, sizeof *r);
    r->exact = ib_verify_is_exact(c->desc.op) && !bound;
    double max_want = 0;
    for (int j = 0; j < c->shapes.nout; j++) {
        const ib_dims dj = c->shapes.out[j];
        const int64_t n = ib_dims_count(dj);
        for (int64_t k = 0; k < n; k++) {
            const float g = c->got[j][k], w = c->want[j][k];
            int ok;
            if (isnan(w) || isnan(g))
                ok = isnan(w) && isnan(g);
            else if (!isfinite(w))
                ok = g == w;
            else if (bound && j == 0)
                ok = fabs((double)g - w) <= bound[k];
            else if (r->exact)
                ok = g == w;
            else
                ok = fabs((double)g - w) <= bound_of(c, j, k, w);
            if (!isnan(g) && !isnan(w) && isfinite(g) && isfinite(w)) {
                const double err = fabs((double)g - w);
                r->max_abs = fmax(r->max_abs, err);
                max_want = fmax(max_want, fabs((double)w));
                if (bound && j == 0 && bound[k] > 0)
                    r->max_bound_use = fmax(r->max_bound_use, err / bound[k]);
            }
            if (ok)
                continue;
            if (r->bad++ == 0) {
                const int64_t hw = dj.h * dj.w, chw = dj.c * hw;
                snprintf(r->msg, sizeof r->msg,
                         "output %d [%lld] (n=%lld c=%lld h=%lld w=%lld): got %.9g, want %.9g%s", j,
                         (long long)k, (long long)(k / chw), (long long)(k % chw / hw),
                         (long long)(k % hw / dj.w), (long long)(k % dj.w), g, w,
                         bound && j == 0 ? " (outside the algorithm's error bound)" : "");
            }
        }
    }
    r->max_rel = max_want > 0 ? r->max_abs / max_want : r->max_abs;
    r->ok = r->bad == 0;
}

/* The implementation's bound on out[0], or NULL when it has none; *st says when it had one
 * that could not be allocated. */
static double *bound_for(const ib_vcase *c, const ib_impl *impl, ib_status *st, ib_err *e)
{
    *st = IB_OK;
    if (!impl || !impl->error_bound)
        return NULL;
    const int64_t n = ib_dims_count(c->shapes.out[0]);
    double *b = n > 0 && (uint64_t)n <= SIZE_MAX / sizeof(double)
                    ? ib_alloc((size_t)n * sizeof(double))
                    : NULL;
    if (!b) {
        *st = ib_fail(e, IB_NOMEM, "verify: cannot allocate the error bound (%lld doubles)",
                      (long long)n);
        return NULL;
    }
    impl->error_bound(&c->desc, &c->args, b);
    return b;
}

ib_status ib_vcase_check(ib_vcase *c, ib_instance *inst, ib_verify_result *r, ib_err *e)
{
    memset(r, 0, sizeof *r);
    for (int j = 0; j < c->shapes.nout; j++) {
        const int64_t n = ib_dims_count(c->shapes.out[j]);
        for (int64_t k = 0; k < n; k++)
            c->got[j][k] = NAN; /* an element nobody writes fails */
    }
    ib_status st = ib_instance_run(inst);
    if (st != IB_OK)
        return ib_fail(e, st, "verify: run failed: %s", ib_status_name(st));
    if ((st = ib_instance_fetch(inst, &c->args)) != IB_OK)
        return ib_fail(e, st, "verify: fetch failed: %s", ib_status_name(st));
    double *bound = bound_for(c, ib_instance_impl(inst), &st, e);
    if (st != IB_OK)
        return st;
    ib_verify_compare(c, bound, r);
    ib_free(bound);
    return IB_OK;
}

ib_status ib_vcase_verify_impl(ib_vcase *c, const ib_impl *impl, ib_instance **inst,
                               ib_verify_result *r, ib_err *e)
{
    ib_instance *x = NULL;
    if (inst)
        *inst = NULL;
    memset(r, 0, sizeof *r);
    ib_status st = ib_instance_create(impl, &c->desc, &c->args, &x, e);
    if (st == IB_OK)
        st = ib_vcase_check(c, x, r, e);
    if (st == IB_OK && inst)
        *inst = x;
    else
        ib_instance_destroy(x);
    return st;
}
