/* Layer-type traits of standalone batch-norm inference. */
#include <float.h>
#include <math.h>

#include "core/rng.h"
#include "ops/op_common.h"
#include "reference/reference.h"

ib_status ib_bn_validate(ib_bn_desc *d, ib_err *e)
{
    IB_FIELD_POS("bn", d, n);
    IB_FIELD_POS("bn", d, c);
    IB_FIELD_POS("bn", d, h);
    IB_FIELD_POS("bn", d, w);
    if (!isfinite(d->eps) || d->eps < 0.0f)
        return ib_fail(e, IB_INVALID, "bn: eps must be finite and >= 0 (got %g)", (double)d->eps);
    return ib_check_tensor("bn", "src", d->n, d->c, d->h, d->w, e);
}

IB_OP_WRAPPERS(bn, ib_bn_validate, ib_ref_bn)

static void print(const ib_desc *d, ib_strbuf *b)
{
    ib_put_nchw(b, d->bn.n, d->bn.c, d->bn.h, d->bn.w);
    ib_put(b, "_eps%g", (double)d->bn.eps);
}

static void arg_shapes(const ib_desc *d, ib_arg_shapes *s)
{
    const ib_dims x = ib_dims_of(d->bn.n, d->bn.c, d->bn.h, d->bn.w);
    ib_shapes_unary(s, x, x);
    s->nin = 5; /* gamma, beta, mean, var */
    for (int i = 1; i < 5; i++)
        s->in[i] = ib_vec_of(1, d->bn.c);
}

static void work(const ib_desc *d, ib_work *w)
{
    const int64_t el = d->bn.n * d->bn.c * d->bn.h * d->bn.w;
    ib_work_elementwise(w, el, 2); /* x * scale + shift once folded */
    w->params = 2 * d->bn.c;       /* gamma, beta; running mean and var are buffers */
    w->bytes_read += 4 * 4 * d->bn.c;
}

static float fill(const ib_desc *d, int arg, int64_t k, uint64_t *rng)
{
    (void)d;
    (void)k;
    switch (arg) {
    case 0:
        return ib_rng_uniform(rng, -4.0f, 4.0f);
    case 1:
        return ib_fill_pow2(rng);
    case 4:
        return ib_fill_int(rng, 1, 4); /* variance > 0 */
    default:
        return ib_fill_int(rng, -2, 2);
    }
}

/* (x - mean) * gamma / sqrt(var + eps) + beta: a handful of roundings of each term. */
static double bound(const ib_desc *d, const ib_args *a, int j, int64_t k, double want)
{
    (void)j;
    (void)want;
    const double eps = FLT_EPSILON;
    int64_t hw = d->bn.h * d->bn.w, ch = (k / hw) % d->bn.c;
    double t =
        fabs(a->in[0][k] - a->in[3][ch]) * fabs(a->in[1][ch]) / sqrt(a->in[4][ch] + d->bn.eps);
    return 8 * eps * (t + fabs(a->in[2][ch])) + FLT_MIN;
}

static const ib_field fields[] = {
    IB_FIELD(bn.n, IB_FIELD_I64), IB_FIELD(bn.c, IB_FIELD_I64),   IB_FIELD(bn.h, IB_FIELD_I64),
    IB_FIELD(bn.w, IB_FIELD_I64), IB_FIELD(bn.eps, IB_FIELD_F32),
};

const ib_op_traits ib_op_bn_traits = {
    IB_OP_COMMON_TRAITS(fields), .name = "bn", .memory_bound = 1, .fill = fill, .bound = bound,
};
