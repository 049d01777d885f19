/* Layer-type traits of ReLU (standalone; convolutions fuse theirs). */
#include "ops/op_common.h"
#include "reference/reference.h"

ib_status ib_relu_validate(ib_eltwise_desc *d, ib_err *e)
{
    return ib_nchw_validate("relu", d, e);
}

IB_OP_WRAPPERS(relu, ib_relu_validate, ib_ref_relu)

static void print(const ib_desc *d, ib_strbuf *b)
{
    ib_put_nchw(b, d->relu.n, d->relu.c, d->relu.h, d->relu.w);
}

static void arg_shapes(const ib_desc *d, ib_arg_shapes *s)
{
    const ib_dims x = ib_dims_of(d->relu.n, d->relu.c, d->relu.h, d->relu.w);
    ib_shapes_unary(s, x, x);
}

static void work(const ib_desc *d, ib_work *w)
{
    ib_work_elementwise(w, d->relu.n * d->relu.c * d->relu.h * d->relu.w, 1);
}

const ib_op_traits ib_op_relu_traits = {
    IB_OP_COMMON_TRAITS(ib_nchw_fields),
    .name = "relu",
    .memory_bound = 1,
    .fill = ib_fill_small_int,
};
