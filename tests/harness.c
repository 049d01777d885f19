/* The shared layer harness: deterministic fills, reference outputs, comparison with bounds. */
#include "tests/harness.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "kernels/layout.h"
#include "kernels/registry.h"
#include "reference/reference.h"

uint32_t ib_rand_next(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* Integer in [lo, hi]. */
static float rand_int(uint32_t *s, int lo, int hi)
{
    return (float)(lo + (int)(ib_rand_next(s) % (uint32_t)(hi - lo + 1)));
}

/* Uniform in [lo, hi). */
static float rand_real(uint32_t *s, float lo, float hi)
{
    return lo + (hi - lo) * (float)(ib_rand_next(s) >> 8) * (1.0f / 16777216.0f);
}

int ib_op_is_exact(ib_op op)
{
    switch (op) {
    case IB_OP_CONV:
    case IB_OP_RELU:
    case IB_OP_MAXPOOL:
    case IB_OP_AVGPOOL: /* integer window sums, then one division: exact if kernels divide */
    case IB_OP_CONCAT:
    case IB_OP_GAP:
    case IB_OP_FC:
        return 1;
    default:
        return 0;
    }
}

/* Fill of input i. Exact ops use small integers: conv/fc inputs and weights in [-2, 2], so
 * the largest partial sum of Inception-v3 (4032 products of at most 4) stays far below 2^24
 * and every result is exact in fp32 whatever the summation order. */
static void fill_input(const ib_desc *d, int i, float *p, int64_t count, uint32_t *s)
{
    for (int64_t k = 0; k < count; k++) {
        float v;
        switch (d->op) {
        case IB_OP_CONV:
        case IB_OP_FC:
            v = i <= 1 ? rand_int(s, -2, 2) : rand_int(s, -3, 3);
            break;
        case IB_OP_RELU:
        case IB_OP_CONCAT:
        case IB_OP_AVGPOOL:
        case IB_OP_GAP:
            v = rand_int(s, -8, 8);
            break;
        case IB_OP_MAXPOOL:
            v = rand_real(s, -4.0f, 4.0f);
            break;
        case IB_OP_BN:
            /* var (input 4) must be positive */
            v = i == 4 ? rand_real(s, 0.25f, 4.0f) : rand_real(s, -2.0f, 2.0f);
            break;
        case IB_OP_SOFTMAX:
        case IB_OP_LSLOSS:
            v = rand_real(s, -12.0f, 12.0f);
            break;
        default:
            v = rand_real(s, -1.0f, 1.0f);
        }
        p[k] = v;
    }
}

void ib_case_free(ib_case *c)
{
    for (int i = 0; i < IB_MAX_IN; i++)
        ib_free(c->in[i]);
    for (int i = 0; i < IB_MAX_OUT; i++) {
        ib_free(c->ref_out[i]);
        ib_free(c->got_out[i]);
    }
    ib_free(c->labels);
    memset(c, 0, sizeof *c);
}

static float *alloc_floats(int64_t count)
{
    return count > 0 ? ib_alloc((size_t)count * sizeof(float)) : NULL;
}

ib_status ib_case_init(ib_case *c, const ib_desc *d, const char *label, uint32_t seed, ib_err *e)
{
    memset(c, 0, sizeof *c);
    c->desc = *d;
    ib_status st = ib_desc_validate(&c->desc, e);
    if (st != IB_OK)
        return st;
    snprintf(c->label, sizeof c->label, "%s", label);
    ib_arg_shapes_of(&c->desc, &c->shapes);
    uint32_t s = seed ? seed : 1;
    for (int i = 0; i < c->shapes.nin; i++) {
        int64_t count = ib_dims_count(c->shapes.in[i]);
        if (count == 0)
            continue;
        if (!(c->in[i] = alloc_floats(count)))
            goto nomem;
        fill_input(&c->desc, i, c->in[i], count, &s);
        c->args.in[i] = c->in[i];
    }
    if (c->shapes.nlabels > 0) {
        c->labels = ib_alloc((size_t)c->shapes.nlabels * sizeof(int32_t));
        if (!c->labels)
            goto nomem;
        for (int64_t k = 0; k < c->shapes.nlabels; k++)
            c->labels[k] = (int32_t)(ib_rand_next(&s) % (uint32_t)c->desc.lsloss.c);
        c->args.labels = c->labels;
    }
    for (int i = 0; i < c->shapes.nout; i++) {
        int64_t count = ib_dims_count(c->shapes.out[i]);
        c->ref_out[i] = alloc_floats(count);
        c->got_out[i] = alloc_floats(count);
        if (!c->ref_out[i] || !c->got_out[i])
            goto nomem;
    }
    ib_args ref = c->args;
    for (int i = 0; i < c->shapes.nout; i++)
        ref.out[i] = c->ref_out[i];
    ib_ref_run(&c->desc, &ref);
    for (int i = 0; i < c->shapes.nout; i++)
        c->args.out[i] = c->got_out[i];
    return IB_OK;
nomem:
    ib_case_free(c);
    return ib_fail(e, IB_NOMEM, "%s: out of memory for test data", label);
}

/* Bound on |got - expected| for the ops that are not exact, derived from how many roundings
 * lie between the two computations (accumulation length), never a fixed epsilon. */
static double bound_of(const ib_case *c, int out, int64_t k, double expected)
{
    const double eps = FLT_EPSILON;
    switch (c->desc.op) {
    case IB_OP_BN: {
        /* kernels fold into scale/shift: a few roundings on terms of the size of the inputs */
        int64_t hw = c->desc.bn.h * c->desc.bn.w;
        int64_t ch = (k / hw) % c->desc.bn.c;
        double scale = fabs(c->in[1][ch]) / sqrt(c->in[4][ch] + c->desc.bn.eps);
        double mag = (fabs(c->in[0][k]) + fabs(c->in[3][ch])) * scale + fabs(c->in[2][ch]);
        return 8 * eps * mag;
    }
    case IB_OP_SOFTMAX:
        /* exp error (a few ulp) plus the row sum over c terms */
        return (double)(c->desc.softmax.c + 8) * eps * fabs(expected) + FLT_MIN;
    case IB_OP_LSLOSS: {
        double cc = (double)c->desc.lsloss.c;
        if (out == 0) /* loss: log-sum-exp over c terms, mean over n rows */
            return (cc + (double)c->desc.lsloss.n + 16) * eps * (fabs(expected) + 16.0);
        return (cc + 8) * eps * (fabs(expected) + 1.0 / (double)c->desc.lsloss.n);
    }
    default:
        return 0;
    }
}

static int same_float(float a, float b)
{
    return a == b || (isnan(a) && isnan(b));
}

void ib_case_check(ib_case *c, const ib_impl *impl, FILE *out, ib_check_result *r)
{
    memset(r, 0, sizeof *r);
    char shape[160];
    ib_desc_str(&c->desc, shape, sizeof shape);
    const char *why = NULL;
    if (!ib_impl_usable(impl, &why)) {
        r->status = -1;
        snprintf(r->why, sizeof r->why, "%s", why ? why : "not usable here");
        return;
    }
    if (impl->supports && !impl->supports(&c->desc, &why)) {
        r->status = -1;
        snprintf(r->why, sizeof r->why, "unsupported: %s", why ? why : "?");
        return;
    }
    for (int i = 0; i < c->shapes.nout; i++) {
        int64_t count = ib_dims_count(c->shapes.out[i]);
        for (int64_t k = 0; k < count; k++)
            c->got_out[i][k] = NAN; /* poison: an unwritten element cannot pass */
    }
    ib_err e = {{0}};
    ib_instance *inst = NULL;
    ib_status st = ib_instance_create(impl, &c->desc, &c->args, &inst, &e);
    if (st == IB_OK)
        st = ib_instance_run(inst);
    if (st == IB_OK)
        st = ib_instance_fetch(inst, &c->args);
    ib_instance_destroy(inst);
    if (st == IB_UNSUPPORTED) {
        r->status = -1;
        snprintf(r->why, sizeof r->why, "unsupported: %s", e.msg);
        return;
    }
    if (st != IB_OK) {
        r->status = 0;
        snprintf(r->why, sizeof r->why, "%s: %s", ib_status_name(st), e.msg);
        if (out)
            fprintf(out, "FAILED %s %s [%s] %s: %s\n", ib_op_name(c->desc.op), c->label, shape,
                    impl->name, r->why);
        return;
    }
    int exact = ib_op_is_exact(c->desc.op);
    int64_t bad = 0;
    for (int i = 0; i < c->shapes.nout; i++) {
        int64_t count = ib_dims_count(c->shapes.out[i]);
        for (int64_t k = 0; k < count; k++) {
            float got = c->got_out[i][k], want = c->ref_out[i][k];
            double err = fabs((double)got - (double)want);
            int ok;
            if (exact || !isfinite(want))
                ok = same_float(got, want);
            else
                ok = err <= bound_of(c, i, k, want);
            if (isnan(err))
                err = INFINITY;
            if (err > r->max_abs_err)
                r->max_abs_err = err;
            if (want != 0 && err / fabs(want) > r->max_rel_err)
                r->max_rel_err = err / fabs(want);
            if (!ok && bad++ == 0) {
                snprintf(r->why, sizeof r->why, "out[%d] index %lld: got %.9g expected %.9g", i,
                         (long long)k, got, want);
                if (out)
                    fprintf(out, "FAILED %s %s [%s] %s: first mismatch %s\n",
                            ib_op_name(c->desc.op), c->label, shape, impl->name, r->why);
            }
        }
    }
    r->status = bad == 0;
    if (bad && out)
        fprintf(out, "       %lld mismatching elements\n", (long long)bad);
}
