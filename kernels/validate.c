/* Descriptor validation: ranges, overflow-checked sizes, and the derived output sizes. */
#include "kernels/desc.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>

#include "kernels/layout.h"

/* Largest tensor accepted, in bytes. Anything beyond is refused as "too large" so that every
 * later product (blocked layouts, MAC and byte counts) stays far from int64/size_t limits. */
#define IB_MAX_TENSOR_BYTES ((int64_t)1 << 40)

#define FIELD_POS(op, d, f)                                                                        \
    do {                                                                                           \
        if ((d)->f <= 0)                                                                           \
            return ib_fail(e, IB_INVALID, "%s: " #f " must be > 0 (got %" PRId64 ")", op,          \
                           (int64_t)(d)->f);                                                       \
    } while (0)

#define FIELD_NONNEG(op, d, f)                                                                     \
    do {                                                                                           \
        if ((d)->f < 0)                                                                            \
            return ib_fail(e, IB_INVALID, "%s: " #f " must be >= 0 (got %" PRId64 ")", op,         \
                           (int64_t)(d)->f);                                                       \
    } while (0)

/* Checks that a tensor of n*c*h*w fp32 elements has a countable size that fits in memory. */
static ib_status check_tensor(const char *op, const char *what, int64_t n, int64_t c, int64_t h,
                              int64_t w, ib_err *e)
{
    int64_t r;
    if (!ib_mul_ok(n, c, &r) || !ib_mul_ok(r, h, &r) || !ib_mul_ok(r, w, &r) ||
        !ib_mul_ok(r, (int64_t)sizeof(float), &r))
        return ib_fail(e, IB_OVERFLOW,
                       "%s: %s size %" PRId64 "x%" PRId64 "x%" PRId64 "x%" PRId64 " overflows", op,
                       what, n, c, h, w);
    if (r > IB_MAX_TENSOR_BYTES || (uint64_t)r > (uint64_t)SIZE_MAX)
        return ib_fail(e, IB_OVERFLOW,
                       "%s: %s too large (%" PRId64 "x%" PRId64 "x%" PRId64 "x%" PRId64
                       " floats = %" PRId64 " bytes, limit %" PRId64 ")",
                       op, what, n, c, h, w, r, IB_MAX_TENSOR_BYTES);
    return IB_OK;
}

/* 2 * a * b * c * d must fit in int64 (the FLOP count of a MAC count). */
static ib_status check_work(const char *op, int64_t a, int64_t b, int64_t c, int64_t d, ib_err *e)
{
    int64_t r;
    if (!ib_mul_ok(a, b, &r) || !ib_mul_ok(r, c, &r) || !ib_mul_ok(r, d, &r) ||
        !ib_mul_ok(r, 2, &r))
        return ib_fail(e, IB_OVERFLOW, "%s: operation count overflows", op);
    return IB_OK;
}

/* One spatial axis of a sliding window: kernel k, stride s, pads p0/p1 over input i. */
static ib_status window_axis(const char *op, const char *kname, const char *iname, int64_t i,
                             int64_t k, int64_t s, int64_t p0, const char *p0name, int64_t p1,
                             const char *p1name, int64_t *o, ib_err *e)
{
    int64_t padded;
    if (!ib_add_ok(i, p0, &padded) || !ib_add_ok(padded, p1, &padded))
        return ib_fail(e, IB_OVERFLOW, "%s: padded input %s overflows", op, iname);
    if (k > padded)
        return ib_fail(e, IB_INVALID,
                       "%s: %s=%" PRId64 " larger than padded input %s %" PRId64 " (%s %" PRId64
                       " + %s %" PRId64 " + %s %" PRId64 ")",
                       op, kname, k, iname, padded, iname[0] == 'h' ? "ih" : "iw", i, p0name, p0,
                       p1name, p1);
    *o = (padded - k) / s + 1;
    if (*o < 1)
        return ib_fail(e, IB_INVALID, "%s: output %s would be %" PRId64 " (< 1)", op, iname, *o);
    return IB_OK;
}

ib_status ib_conv_validate(ib_conv_desc *d, ib_err *e)
{
    ib_status st;
    FIELD_POS("conv", d, n);
    FIELD_POS("conv", d, ic);
    FIELD_POS("conv", d, ih);
    FIELD_POS("conv", d, iw);
    FIELD_POS("conv", d, oc);
    FIELD_POS("conv", d, kh);
    FIELD_POS("conv", d, kw);
    FIELD_POS("conv", d, sh);
    FIELD_POS("conv", d, sw);
    FIELD_NONNEG("conv", d, pt);
    FIELD_NONNEG("conv", d, pb);
    FIELD_NONNEG("conv", d, pl);
    FIELD_NONNEG("conv", d, pr);
    /* Input and weights first: their products bound the padded sizes below. */
    if ((st = check_tensor("conv", "src", d->n, d->ic, d->ih, d->iw, e)) ||
        (st = check_tensor("conv", "weights", d->oc, d->ic, d->kh, d->kw, e)))
        return st;
    int64_t oh, ow;
    if ((st = window_axis("conv", "kh", "height", d->ih, d->kh, d->sh, d->pt, "pt", d->pb, "pb",
                          &oh, e)) ||
        (st = window_axis("conv", "kw", "width", d->iw, d->kw, d->sw, d->pl, "pl", d->pr, "pr", &ow,
                          e)))
        return st;
    if ((st = check_tensor("conv", "dst", d->n, d->oc, oh, ow, e)))
        return st;
    int64_t taps, outs;
    if (!ib_mul_ok(d->ic, d->kh, &taps) || !ib_mul_ok(taps, d->kw, &taps) ||
        !ib_mul_ok(d->n, d->oc, &outs) || !ib_mul_ok(outs, oh, &outs) ||
        !ib_mul_ok(outs, ow, &outs))
        return ib_fail(e, IB_OVERFLOW, "conv: operation count overflows");
    if ((st = check_work("conv", outs, taps, 1, 1, e)))
        return st;
    d->oh = oh;
    d->ow = ow;
    return IB_OK;
}

/* op names the layer in messages ("maxpool", "avgpool", or "pool" when not known). */
static ib_status pool_validate(const char *op, ib_pool_desc *d, ib_err *e)
{
    ib_status st;
    FIELD_POS(op, d, n);
    FIELD_POS(op, d, c);
    FIELD_POS(op, d, ih);
    FIELD_POS(op, d, iw);
    FIELD_POS(op, d, kh);
    FIELD_POS(op, d, kw);
    FIELD_POS(op, d, sh);
    FIELD_POS(op, d, sw);
    FIELD_NONNEG(op, d, pt);
    FIELD_NONNEG(op, d, pb);
    FIELD_NONNEG(op, d, pl);
    FIELD_NONNEG(op, d, pr);
    /* A pad >= the window puts a whole window in the padding: max would have no tap and an
     * excluding average would divide by zero. With every pad < window, each window reaches
     * at least one input row and column. */
    const struct {
        const char *name;
        int64_t pad, k;
        const char *kname;
    } pads[4] = {{"pt", d->pt, d->kh, "kh"},
                 {"pb", d->pb, d->kh, "kh"},
                 {"pl", d->pl, d->kw, "kw"},
                 {"pr", d->pr, d->kw, "kw"}};
    for (int i = 0; i < 4; i++)
        if (pads[i].pad >= pads[i].k)
            return ib_fail(e, IB_INVALID,
                           "%s: %s=%" PRId64 " must be < %s=%" PRId64
                           " (a window would lie entirely in the padding)",
                           op, pads[i].name, pads[i].pad, pads[i].kname, pads[i].k);
    if ((st = check_tensor(op, "src", d->n, d->c, d->ih, d->iw, e)))
        return st;
    int64_t oh, ow;
    if ((st = window_axis(op, "kh", "height", d->ih, d->kh, d->sh, d->pt, "pt", d->pb, "pb", &oh,
                          e)) ||
        (st =
             window_axis(op, "kw", "width", d->iw, d->kw, d->sw, d->pl, "pl", d->pr, "pr", &ow, e)))
        return st;
    if ((st = check_tensor(op, "dst", d->n, d->c, oh, ow, e)) ||
        (st = check_work(op, d->n * d->c, oh * ow, d->kh, d->kw, e)))
        return st;
    d->oh = oh;
    d->ow = ow;
    return IB_OK;
}

ib_status ib_pool_validate(ib_pool_desc *d, ib_err *e)
{
    return pool_validate("pool", d, e);
}

ib_status ib_bn_validate(ib_bn_desc *d, ib_err *e)
{
    FIELD_POS("bn", d, n);
    FIELD_POS("bn", d, c);
    FIELD_POS("bn", d, h);
    FIELD_POS("bn", d, w);
    if (!isfinite(d->eps) || d->eps < 0.0f)
        return ib_fail(e, IB_INVALID, "bn: eps must be finite and >= 0 (got %g)", (double)d->eps);
    return check_tensor("bn", "src", d->n, d->c, d->h, d->w, e);
}

static ib_status eltwise_validate(const char *op, ib_eltwise_desc *d, ib_err *e)
{
    if (d->n <= 0)
        return ib_fail(e, IB_INVALID, "%s: n must be > 0 (got %" PRId64 ")", op, d->n);
    if (d->c <= 0)
        return ib_fail(e, IB_INVALID, "%s: c must be > 0 (got %" PRId64 ")", op, d->c);
    if (d->h <= 0)
        return ib_fail(e, IB_INVALID, "%s: h must be > 0 (got %" PRId64 ")", op, d->h);
    if (d->w <= 0)
        return ib_fail(e, IB_INVALID, "%s: w must be > 0 (got %" PRId64 ")", op, d->w);
    return check_tensor(op, "src", d->n, d->c, d->h, d->w, e);
}

ib_status ib_relu_validate(ib_eltwise_desc *d, ib_err *e)
{
    return eltwise_validate("relu", d, e);
}

ib_status ib_gap_validate(ib_eltwise_desc *d, ib_err *e)
{
    return eltwise_validate("gap", d, e);
}

ib_status ib_concat_validate(ib_concat_desc *d, ib_err *e)
{
    ib_status st;
    FIELD_POS("concat", d, n);
    if (d->ninputs < 1 || d->ninputs > IB_CONCAT_MAX)
        return ib_fail(e, IB_INVALID, "concat: ninputs must be in 1..%d (got %d)", IB_CONCAT_MAX,
                       d->ninputs);
    int64_t oc = 0;
    for (int i = 0; i < d->ninputs; i++) {
        const ib_concat_input *in = &d->in[i];
        if (in->c <= 0 || in->h <= 0 || in->w <= 0) {
            const char *f = in->c <= 0 ? "c" : in->h <= 0 ? "h" : "w";
            int64_t v = in->c <= 0 ? in->c : in->h <= 0 ? in->h : in->w;
            return ib_fail(e, IB_INVALID, "concat: input %d %s must be > 0 (got %" PRId64 ")", i, f,
                           v);
        }
        if (in->h != d->in[0].h)
            return ib_fail(e, IB_INVALID,
                           "concat: input %d height %" PRId64
                           " differs from input 0 height %" PRId64,
                           i, in->h, d->in[0].h);
        if (in->w != d->in[0].w)
            return ib_fail(e, IB_INVALID,
                           "concat: input %d width %" PRId64 " differs from input 0 width %" PRId64,
                           i, in->w, d->in[0].w);
        if ((st = check_tensor("concat", "input", d->n, in->c, in->h, in->w, e)))
            return st;
        if (!ib_add_ok(oc, in->c, &oc))
            return ib_fail(e, IB_OVERFLOW, "concat: total channels overflow");
    }
    if ((st = check_tensor("concat", "dst", d->n, oc, d->in[0].h, d->in[0].w, e)))
        return st;
    d->oc = oc;
    d->oh = d->in[0].h;
    d->ow = d->in[0].w;
    return IB_OK;
}

ib_status ib_fc_validate(ib_fc_desc *d, ib_err *e)
{
    ib_status st;
    FIELD_POS("fc", d, n);
    FIELD_POS("fc", d, ic);
    FIELD_POS("fc", d, oc);
    if ((st = check_tensor("fc", "src", d->n, d->ic, 1, 1, e)) ||
        (st = check_tensor("fc", "weights", d->oc, d->ic, 1, 1, e)) ||
        (st = check_tensor("fc", "dst", d->n, d->oc, 1, 1, e)) ||
        (st = check_work("fc", d->n, d->ic, d->oc, 1, e)))
        return st;
    return IB_OK;
}

ib_status ib_softmax_validate(ib_softmax_desc *d, ib_err *e)
{
    FIELD_POS("softmax", d, n);
    FIELD_POS("softmax", d, c);
    return check_tensor("softmax", "src", d->n, d->c, 1, 1, e);
}

ib_status ib_lsloss_validate(ib_lsloss_desc *d, ib_err *e)
{
    FIELD_POS("lsloss", d, n);
    FIELD_POS("lsloss", d, c);
    if (!isfinite(d->eps) || d->eps < 0.0f || d->eps > 1.0f)
        return ib_fail(e, IB_INVALID, "lsloss: eps must be in [0, 1] (got %g)", (double)d->eps);
    return check_tensor("lsloss", "logits", d->n, d->c, 1, 1, e);
}

ib_status ib_desc_validate(ib_desc *d, ib_err *e)
{
    switch (d->op) {
    case IB_OP_CONV:
        return ib_conv_validate(&d->conv, e);
    case IB_OP_BN:
        return ib_bn_validate(&d->bn, e);
    case IB_OP_RELU:
        return ib_relu_validate(&d->relu, e);
    case IB_OP_MAXPOOL:
        return pool_validate("maxpool", &d->pool, e);
    case IB_OP_AVGPOOL:
        return pool_validate("avgpool", &d->pool, e);
    case IB_OP_CONCAT:
        return ib_concat_validate(&d->concat, e);
    case IB_OP_GAP:
        return ib_gap_validate(&d->gap, e);
    case IB_OP_FC:
        return ib_fc_validate(&d->fc, e);
    case IB_OP_SOFTMAX:
        return ib_softmax_validate(&d->softmax, e);
    case IB_OP_LSLOSS:
        return ib_lsloss_validate(&d->lsloss, e);
    default:
        break;
    }
    return ib_fail(e, IB_INVALID, "desc: unknown op %d", (int)d->op);
}
