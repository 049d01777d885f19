/* Work of a validated descriptor: MACs (nominal and outside the padding), FLOPs, bytes, params. */
#include "kernels/desc.h"

#include <string.h>

/* Sum over the o output positions of the window taps that fall inside an input of size i. */
static int64_t valid_taps(int64_t i, int64_t o, int64_t k, int64_t s, int64_t p)
{
    int64_t sum = 0;
    for (int64_t y = 0; y < o; y++) {
        int64_t lo = y * s - p, hi = lo + k; /* taps cover [lo, hi) */
        if (lo < 0)
            lo = 0;
        if (hi > i)
            hi = i;
        if (hi > lo)
            sum += hi - lo;
    }
    return sum;
}

static void conv_work(const ib_conv_desc *c, ib_work *w)
{
    const int64_t outs = c->n * c->oc * c->oh * c->ow;
    const int64_t wts = c->oc * c->ic * c->kh * c->kw;
    const int64_t vh = valid_taps(c->ih, c->oh, c->kh, c->sh, c->pt);
    const int64_t vw = valid_taps(c->iw, c->ow, c->kw, c->sw, c->pl);
    w->macs = outs * c->ic * c->kh * c->kw;
    w->macs_nonpad = c->n * c->oc * c->ic * vh * vw;
    w->flops = 2 * w->macs;
    w->params = wts + (c->has_bias ? c->oc : 0) + (c->has_scale_shift ? 2 * c->oc : 0);
    w->bytes_read = 4 * (c->n * c->ic * c->ih * c->iw + w->params);
    w->bytes_written = 4 * outs;
}

static void pool_work(ib_op op, const ib_pool_desc *p, ib_work *w)
{
    const int64_t outs = p->n * p->c * p->oh * p->ow;
    const int64_t taps = p->n * p->c * valid_taps(p->ih, p->oh, p->kh, p->sh, p->pt) *
                         valid_taps(p->iw, p->ow, p->kw, p->sw, p->pl);
    /* One compare or add per tap inside the input; average adds one divide per output. */
    w->flops = taps + (op == IB_OP_AVGPOOL ? outs : 0);
    w->bytes_read = 4 * p->n * p->c * p->ih * p->iw;
    w->bytes_written = 4 * outs;
}

void ib_desc_work(const ib_desc *d, ib_work *w)
{
    memset(w, 0, sizeof *w);
    switch (d->op) {
    case IB_OP_CONV:
        conv_work(&d->conv, w);
        break;
    case IB_OP_MAXPOOL:
    case IB_OP_AVGPOOL:
        pool_work(d->op, &d->pool, w);
        break;
    case IB_OP_BN: {
        const int64_t el = d->bn.n * d->bn.c * d->bn.h * d->bn.w;
        w->flops = 2 * el;       /* x * scale + shift once folded */
        w->params = 2 * d->bn.c; /* gamma, beta; running mean and var are buffers */
        w->bytes_read = 4 * (el + 4 * d->bn.c);
        w->bytes_written = 4 * el;
        break;
    }
    case IB_OP_RELU: {
        const int64_t el = d->relu.n * d->relu.c * d->relu.h * d->relu.w;
        w->flops = el;
        w->bytes_read = 4 * el;
        w->bytes_written = 4 * el;
        break;
    }
    case IB_OP_CONCAT: {
        const ib_concat_desc *c = &d->concat;
        const int64_t el = c->n * c->oc * c->oh * c->ow;
        w->bytes_read = 4 * el;
        w->bytes_written = 4 * el;
        break;
    }
    case IB_OP_GAP: {
        const int64_t el = d->gap.n * d->gap.c * d->gap.h * d->gap.w;
        w->flops = el + d->gap.n * d->gap.c; /* adds, then one scale per output */
        w->bytes_read = 4 * el;
        w->bytes_written = 4 * d->gap.n * d->gap.c;
        break;
    }
    case IB_OP_FC: {
        const ib_fc_desc *f = &d->fc;
        w->macs = f->n * f->ic * f->oc;
        w->macs_nonpad = w->macs;
        w->flops = 2 * w->macs;
        w->params = f->oc * f->ic + (f->has_bias ? f->oc : 0);
        w->bytes_read = 4 * (f->n * f->ic + w->params);
        w->bytes_written = 4 * f->n * f->oc;
        break;
    }
    case IB_OP_SOFTMAX: {
        const int64_t el = d->softmax.n * d->softmax.c;
        w->flops = 4 * el; /* max, subtract+exp, sum, scale */
        w->bytes_read = 4 * el;
        w->bytes_written = 4 * el;
        break;
    }
    case IB_OP_LSLOSS: {
        const int64_t el = d->lsloss.n * d->lsloss.c;
        w->flops = 8 * el; /* softmax (4), target mix and loss (2), gradient (2) */
        w->bytes_read = 4 * el + 4 * d->lsloss.n; /* logits and int32 labels */
        w->bytes_written = 4 + 4 * el;
        break;
    }
    default:
        break;
    }
    w->flops_exec = w->macs > 0 ? 2 * w->macs_nonpad : w->flops;
}
