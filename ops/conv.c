/* Layer-type traits of the convolution (NCHW semantics, epilogue bias -> scale/shift -> ReLU). */
#include "core/layout.h"
#include "ops/op_common.h"
#include "reference/reference.h"

ib_status ib_conv_validate(ib_conv_desc *d, ib_err *e)
{
    ib_status st;
    IB_FIELD_POS("conv", d, n);
    IB_FIELD_POS("conv", d, ic);
    IB_FIELD_POS("conv", d, ih);
    IB_FIELD_POS("conv", d, iw);
    IB_FIELD_POS("conv", d, oc);
    IB_FIELD_POS("conv", d, kh);
    IB_FIELD_POS("conv", d, kw);
    IB_FIELD_POS("conv", d, sh);
    IB_FIELD_POS("conv", d, sw);
    IB_FIELD_NONNEG("conv", d, pt);
    IB_FIELD_NONNEG("conv", d, pb);
    IB_FIELD_NONNEG("conv", d, pl);
    IB_FIELD_NONNEG("conv", d, pr);
    /* Input and weights first: their products bound the padded sizes below. */
    if ((st = ib_check_tensor("conv", "src", d->n, d->ic, d->ih, d->iw, e)) ||
        (st = ib_check_tensor("conv", "weights", d->oc, d->ic, d->kh, d->kw, e)))
        return st;
    int64_t oh, ow;
    if ((st = ib_window_axis("conv", "kh", "height", d->ih, d->kh, d->sh, d->pt, "pt", d->pb, "pb",
                             &oh, e)) ||
        (st = ib_window_axis("conv", "kw", "width", d->iw, d->kw, d->sw, d->pl, "pl", d->pr, "pr",
                             &ow, e)))
        return st;
    if ((st = ib_check_tensor("conv", "dst", d->n, d->oc, oh, ow, e)))
        return st;
    int64_t taps, outs;
    if (!ib_mul_ok(d->ic, d->kh, &taps) || !ib_mul_ok(taps, d->kw, &taps) ||
        !ib_mul_ok(d->n, d->oc, &outs) || !ib_mul_ok(outs, oh, &outs) ||
        !ib_mul_ok(outs, ow, &outs))
        return ib_fail(e, IB_OVERFLOW, "conv: operation count overflows");
    if ((st = ib_check_work("conv", outs, taps, 1, 1, e)))
        return st;
    d->oh = oh;
    d->ow = ow;
    return IB_OK;
}

IB_OP_WRAPPERS(conv, ib_conv_validate, ib_ref_conv)

static void window(const ib_desc *d, ib_window *w)
{
    const ib_conv_desc *c = &d->conv;
    *w = (ib_window){c->kh, c->kw, c->sh, c->sw, c->pt, c->pb, c->pl, c->pr};
}

static void print(const ib_desc *d, ib_strbuf *b)
{
    const ib_conv_desc *c = &d->conv;
    ib_window w;
    window(d, &w);
    ib_put_nchw(b, c->n, c->ic, c->ih, c->iw);
    ib_put(b, "oc%" PRId64 "oh%" PRId64 "ow%" PRId64, c->oc, c->oh, c->ow);
    ib_put_window(b, &w);
    ib_put(b, "%s%s%s", c->has_bias ? "_bias" : "", c->has_scale_shift ? "_bn" : "",
           c->relu ? "_relu" : "");
}

static void arg_shapes(const ib_desc *d, ib_arg_shapes *s)
{
    const ib_conv_desc *c = &d->conv;
    ib_shapes_unary(s, ib_dims_of(c->n, c->ic, c->ih, c->iw),
                    ib_dims_of(c->n, c->oc, c->oh, c->ow));
    s->nin = 5;
    s->in[1] = ib_dims_of(c->oc, c->ic, c->kh, c->kw);
    s->in[2] = ib_vec_of(c->has_bias, c->oc);
    s->in[3] = ib_vec_of(c->has_scale_shift, c->oc);
    s->in[4] = ib_vec_of(c->has_scale_shift, c->oc);
}

static void work(const ib_desc *d, ib_work *w)
{
    const ib_conv_desc *c = &d->conv;
    const int64_t outs = c->n * c->oc * c->oh * c->ow;
    const int64_t wts = c->oc * c->ic * c->kh * c->kw;
    const int64_t vh = ib_valid_taps(c->ih, c->oh, c->kh, c->sh, c->pt);
    const int64_t vw = ib_valid_taps(c->iw, c->ow, c->kw, c->sw, c->pl);
    w->macs = outs * c->ic * c->kh * c->kw;
    w->macs_nonpad = c->n * c->oc * c->ic * vh * vw;
    w->flops = 2 * w->macs;
    w->params = wts + (c->has_bias ? c->oc : 0) + (c->has_scale_shift ? 2 * c->oc : 0);
    w->bytes_read = 4 * (c->n * c->ic * c->ih * c->iw + w->params);
    w->bytes_written = 4 * outs;
}

static const ib_field fields[] = {
    IB_FIELD(conv.n, IB_FIELD_I64),
    IB_FIELD(conv.ic, IB_FIELD_I64),
    IB_FIELD(conv.ih, IB_FIELD_I64),
    IB_FIELD(conv.iw, IB_FIELD_I64),
    IB_FIELD(conv.oc, IB_FIELD_I64),
    IB_FIELD(conv.kh, IB_FIELD_I64),
    IB_FIELD(conv.kw, IB_FIELD_I64),
    IB_FIELD(conv.sh, IB_FIELD_I64),
    IB_FIELD(conv.sw, IB_FIELD_I64),
    IB_FIELD(conv.pt, IB_FIELD_I64),
    IB_FIELD(conv.pb, IB_FIELD_I64),
    IB_FIELD(conv.pl, IB_FIELD_I64),
    IB_FIELD(conv.pr, IB_FIELD_I64),
    IB_FIELD(conv.oh, IB_FIELD_I64),
    IB_FIELD(conv.ow, IB_FIELD_I64),
    IB_FIELD(conv.has_bias, IB_FIELD_INT),
    IB_FIELD(conv.has_scale_shift, IB_FIELD_INT),
    IB_FIELD(conv.relu, IB_FIELD_INT),
};

const ib_op_traits ib_op_conv_traits = {
    IB_OP_COMMON_TRAITS(fields), .name = "conv", .fma_bound = 1, .window = window,
    .fill = ib_fill_products,
};
