/* Layer-type traits of global average pooling (output n x c x 1 x 1). */
#include <float.h>
#include <math.h>

#include "ops/op_common.h"
#include "reference/reference.h"

ib_status ib_gap_validate(ib_eltwise_desc *d, ib_err *e)
{
    return ib_nchw_validate("gap", d, e);
}

IB_OP_WRAPPERS(gap, ib_gap_validate, ib_ref_gap)

static void print(const ib_desc *d, ib_strbuf *b)
{
    ib_put_nchw(b, d->gap.n, d->gap.c, d->gap.h, d->gap.w);
}

static void arg_shapes(const ib_desc *d, ib_arg_shapes *s)
{
    const ib_eltwise_desc *g = &d->gap;
    ib_shapes_unary(s, ib_dims_of(g->n, g->c, g->h, g->w), ib_dims_of(g->n, g->c, 1, 1));
}

static void work(const ib_desc *d, ib_work *w)
{
    const int64_t el = d->gap.n * d->gap.c * d->gap.h * d->gap.w;
    w->flops = el + d->gap.n * d->gap.c; /* adds, then one scale per output */
    w->bytes_read = 4 * el;
    w->bytes_written = 4 * d->gap.n * d->gap.c;
}

/* An exact integer sum, then a division or a reciprocal multiply. */
static double bound(const ib_desc *d, const ib_args *a, int j, int64_t k, double want)
{
    (void)d;
    (void)a;
    (void)j;
    (void)k;
    return 2 * FLT_EPSILON * fabs(want);
}

const ib_op_traits ib_op_gap_traits = {
    IB_OP_COMMON_TRAITS(ib_nchw_fields), .name = "gap",  .memory_bound = 1,
    .fill = ib_fill_small_int,           .bound = bound,
};
