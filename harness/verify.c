/* Verification for the driver: integer fills, one reference run, comparison with bounds. */
#include "harness/verify.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "ops/op_traits.h"
#include "reference/reference.h"

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

static ib_status vcase_init(ib_vcase *c, const ib_desc *d, uint64_t seed, int reference, ib_err *e)
{
    memset(c, 0, sizeof *c);
    c->desc = *d;
    ib_arg_shapes_of(&c->desc, &c->shapes);
    const ib_op_traits *t = ib_op_traits_of(d->op);
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
            c->in[i][k] = t->fill(&c->desc, i, k, &s);
        c->args.in[i] = c->in[i];
    }
    if (c->shapes.nlabels > 0) {
        c->labels = ib_alloc((size_t)c->shapes.nlabels * sizeof(int32_t));
        if (!c->labels) {
            ib_vcase_free(c);
            return ib_fail(e, IB_NOMEM, "verify: cannot allocate labels");
        }
        for (int64_t k = 0; k < c->shapes.nlabels; k++)
            c->labels[k] = (int32_t)(ib_splitmix64(&s) % (uint64_t)c->shapes.nclasses);
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
    if (reference)
        ib_ref_run(&c->desc, &c->args);
    for (int j = 0; j < c->shapes.nout; j++)
        c->args.out[j] = c->got[j];
    return IB_OK;
}

ib_status ib_vcase_init(ib_vcase *c, const ib_desc *d, uint64_t seed, ib_err *e)
{
    return vcase_init(c, d, seed, 1, e);
}

ib_status ib_vcase_init_inputs(ib_vcase *c, const ib_desc *d, uint64_t seed, ib_err *e)
{
    return vcase_init(c, d, seed, 0, e);
}

int ib_verify_is_exact(ib_op op)
{
    const ib_op_traits *t = ib_op_traits_of(op);
    return t && !t->bound;
}

/* The one place that decides how an output is compared: bit for bit where the op is exact
 * under integer fills, unless the implementation's algorithm rounds differently (bound, per
 * element of out[0], from its error_bound); the op's derived bound for the inexact ops. */
void ib_verify_compare(const ib_vcase *c, const double *bound, ib_verify_result *r)
{
    memset(r, 0, sizeof *r);
    const ib_op_traits *t = ib_op_traits_of(c->desc.op);
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
                ok = fabs((double)g - w) <= (t->bound ? t->bound(&c->desc, &c->args, j, k, w) : 0);
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
