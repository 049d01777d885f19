/* Layer-type traits of the softmax over the c values of each of n rows. */
#include <float.h>
#include <math.h>

#include "ops/op_common.h"
#include "reference/reference.h"

ib_status ib_softmax_validate(ib_softmax_desc *d, ib_err *e)
{
    IB_FIELD_POS("softmax", d, n);
    IB_FIELD_POS("softmax", d, c);
    return ib_check_tensor("softmax", "src", d->n, d->c, 1, 1, e);
}

IB_OP_WRAPPERS(softmax, ib_softmax_validate, ib_ref_softmax)

static void print(const ib_desc *d, ib_strbuf *b)
{
    ib_put(b, "mb%" PRId64 "ic%" PRId64, d->softmax.n, d->softmax.c);
}

static void arg_shapes(const ib_desc *d, ib_arg_shapes *s)
{
    const ib_dims x = ib_dims_of(d->softmax.n, d->softmax.c, 1, 1);
    ib_shapes_unary(s, x, x);
}

static void work(const ib_desc *d, ib_work *w)
{
    ib_work_elementwise(w, d->softmax.n * d->softmax.c, 4); /* max, subtract+exp, sum, scale */
}

/* A c-term sum of exponentials, then one division. */
static double bound(const ib_desc *d, const ib_args *a, int j, int64_t k, double want)
{
    (void)a;
    (void)j;
    (void)k;
    return (d->softmax.c + 8) * FLT_EPSILON * fabs(want) + FLT_MIN;
}

static const ib_field fields[] = {
    IB_FIELD(softmax.n, IB_FIELD_I64),
    IB_FIELD(softmax.c, IB_FIELD_I64),
};

const ib_op_traits ib_op_softmax_traits = {
    IB_OP_COMMON_TRAITS(fields),
    .name = "softmax",
    .fill = ib_fill_logits,
    .bound = bound,
};
