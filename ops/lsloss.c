/* Layer-type traits of the label-smoothing cross-entropy over n rows of c logits. */
#include <float.h>
#include <math.h>

#include "ops/op_common.h"
#include "reference/reference.h"

ib_status ib_lsloss_validate(ib_lsloss_desc *d, ib_err *e)
{
    IB_FIELD_POS("lsloss", d, n);
    IB_FIELD_POS("lsloss", d, c);
    if (!isfinite(d->eps) || d->eps < 0.0f || d->eps > 1.0f)
        return ib_fail(e, IB_INVALID, "lsloss: eps must be in [0, 1] (got %g)", (double)d->eps);
    return ib_check_tensor("lsloss", "logits", d->n, d->c, 1, 1, e);
}

IB_OP_WRAPPERS(lsloss, ib_lsloss_validate, ib_ref_lsloss)

static void print(const ib_desc *d, ib_strbuf *b)
{
    ib_put(b, "mb%" PRId64 "ic%" PRId64 "_eps%g", d->lsloss.n, d->lsloss.c, (double)d->lsloss.eps);
}

static void arg_shapes(const ib_desc *d, ib_arg_shapes *s)
{
    const ib_dims x = ib_dims_of(d->lsloss.n, d->lsloss.c, 1, 1);
    ib_shapes_unary(s, x, ib_dims_of(1, 1, 1, 1));
    s->nlabels = d->lsloss.n;
    s->nclasses = d->lsloss.c;
    s->nout = 2;
    s->out[1] = x;
}

static void work(const ib_desc *d, ib_work *w)
{
    const int64_t el = d->lsloss.n * d->lsloss.c;
    w->flops = 8 * el; /* softmax (4), target mix and loss (2), gradient (2) */
    w->bytes_read = 4 * el + 4 * d->lsloss.n; /* logits and int32 labels */
    w->bytes_written = 4 + 4 * el;
}

static double bound(const ib_desc *d, const ib_args *a, int j, int64_t k, double want)
{
    const double eps = FLT_EPSILON;
    const int64_t n = d->lsloss.n, cc = d->lsloss.c;
    const double le = d->lsloss.eps;
    if (j == 0) {
        double xmax = 0;
        for (int64_t i = 0; i < n * cc; i++)
            xmax = fmax(xmax, fabs(a->in[0][i]));
        return (cc + 16) * eps * (fabs(want) + 2 * xmax + log((double)cc));
    }
    /* grad = (softmax - q) / n: the error scales with softmax + q <= n|grad| + 2q. */
    double q = le / (double)cc + (a->labels[k / cc] == k % cc ? 1.0 - le : 0.0);
    return (cc + 16) * eps * (fabs(want) + 2 * q / (double)n) + FLT_MIN;
}

static const ib_field fields[] = {
    IB_FIELD(lsloss.n, IB_FIELD_I64),
    IB_FIELD(lsloss.c, IB_FIELD_I64),
    IB_FIELD(lsloss.eps, IB_FIELD_F32),
};

const ib_op_traits ib_op_lsloss_traits = {
    IB_OP_COMMON_TRAITS(fields),
    .name = "lsloss",
    .fill = ib_fill_logits,
    .bound = bound,
};
