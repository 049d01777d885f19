/* Layer-type traits of the fully connected layer: dst[n][oc] = sum_ic src[n][ic] * w[oc][ic]
 * (+ bias[oc]). */
#include "ops/op_common.h"
#include "reference/reference.h"

ib_status ib_fc_validate(ib_fc_desc *d, ib_err *e)
{
    ib_status st;
    IB_FIELD_POS("fc", d, n);
    IB_FIELD_POS("fc", d, ic);
    IB_FIELD_POS("fc", d, oc);
    if ((st = ib_check_tensor("fc", "src", d->n, d->ic, 1, 1, e)) ||
        (st = ib_check_tensor("fc", "weights", d->oc, d->ic, 1, 1, e)) ||
        (st = ib_check_tensor("fc", "dst", d->n, d->oc, 1, 1, e)) ||
        (st = ib_check_work("fc", d->n, d->ic, d->oc, 1, e)))
        return st;
    return IB_OK;
}

IB_OP_WRAPPERS(fc, ib_fc_validate, ib_ref_fc)

static void print(const ib_desc *d, ib_strbuf *b)
{
    ib_put(b, "mb%" PRId64 "ic%" PRId64 "oc%" PRId64 "%s", d->fc.n, d->fc.ic, d->fc.oc,
           d->fc.has_bias ? "_bias" : "");
}

static void arg_shapes(const ib_desc *d, ib_arg_shapes *s)
{
    const ib_fc_desc *f = &d->fc;
    ib_shapes_unary(s, ib_dims_of(f->n, f->ic, 1, 1), ib_dims_of(f->n, f->oc, 1, 1));
    s->nin = 3;
    s->in[1] = ib_dims_of(f->oc, f->ic, 1, 1);
    s->in[2] = ib_vec_of(f->has_bias, f->oc);
}

static void work(const ib_desc *d, ib_work *w)
{
    const ib_fc_desc *f = &d->fc;
    w->macs = f->n * f->ic * f->oc;
    w->macs_nonpad = w->macs;
    w->flops = 2 * w->macs;
    w->params = f->oc * f->ic + (f->has_bias ? f->oc : 0);
    w->bytes_read = 4 * (f->n * f->ic + w->params);
    w->bytes_written = 4 * f->n * f->oc;
}

static const ib_field fields[] = {
    IB_FIELD(fc.n, IB_FIELD_I64),
    IB_FIELD(fc.ic, IB_FIELD_I64),
    IB_FIELD(fc.oc, IB_FIELD_I64),
    IB_FIELD(fc.has_bias, IB_FIELD_INT),
};

/* Multiply-adds, but at batch 1 each weight is used once: memory-bound too. */
const ib_op_traits ib_op_fc_traits = {
    IB_OP_COMMON_TRAITS(fields), .name = "fc", .fma_bound = 1, .memory_bound = 1,
    .fill = ib_fill_products,
};
