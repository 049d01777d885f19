/* Descriptor helpers: op names, argument shapes, and the one-line text of a descriptor. */
#include "kernels/desc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const op_names[IB_OP_COUNT] = {
    [IB_OP_CONV] = "conv",       [IB_OP_BN] = "bn",           [IB_OP_RELU] = "relu",
    [IB_OP_MAXPOOL] = "maxpool", [IB_OP_AVGPOOL] = "avgpool", [IB_OP_CONCAT] = "concat",
    [IB_OP_GAP] = "gap",         [IB_OP_FC] = "fc",           [IB_OP_SOFTMAX] = "softmax",
    [IB_OP_LSLOSS] = "lsloss",
};

const char *ib_op_name(ib_op op)
{
    return (unsigned)op < IB_OP_COUNT ? op_names[op] : "unknown";
}

int ib_op_from_name(const char *name, ib_op *op)
{
    for (int i = 0; name && i < IB_OP_COUNT; i++) {
        if (strcmp(name, op_names[i]) == 0) {
            *op = (ib_op)i;
            return 1;
        }
    }
    return 0;
}

int64_t ib_dims_count(ib_dims d)
{
    return d.n * d.c * d.h * d.w;
}

static ib_dims dims(int64_t n, int64_t c, int64_t h, int64_t w)
{
    return (ib_dims){n, c, h, w};
}

/* A per-channel vector (bias, scale, gamma, ...), or absent. */
static ib_dims vec(int present, int64_t c)
{
    return present ? dims(1, c, 1, 1) : dims(0, 0, 0, 0);
}

void ib_arg_shapes_of(const ib_desc *d, ib_arg_shapes *s)
{
    memset(s, 0, sizeof *s);
    s->nout = 1;
    switch (d->op) {
    case IB_OP_CONV: {
        const ib_conv_desc *c = &d->conv;
        s->nin = 5;
        s->in[0] = dims(c->n, c->ic, c->ih, c->iw);
        s->in_is_data[0] = 1;
        s->in[1] = dims(c->oc, c->ic, c->kh, c->kw);
        s->in[2] = vec(c->has_bias, c->oc);
        s->in[3] = vec(c->has_scale_shift, c->oc);
        s->in[4] = vec(c->has_scale_shift, c->oc);
        s->out[0] = dims(c->n, c->oc, c->oh, c->ow);
        break;
    }
    case IB_OP_BN: {
        const ib_bn_desc *b = &d->bn;
        s->nin = 5;
        s->in[0] = dims(b->n, b->c, b->h, b->w);
        s->in_is_data[0] = 1;
        for (int i = 1; i < 5; i++)
            s->in[i] = vec(1, b->c);
        s->out[0] = s->in[0];
        break;
    }
    case IB_OP_RELU:
        s->nin = 1;
        s->in[0] = dims(d->relu.n, d->relu.c, d->relu.h, d->relu.w);
        s->in_is_data[0] = 1;
        s->out[0] = s->in[0];
        break;
    case IB_OP_MAXPOOL:
    case IB_OP_AVGPOOL: {
        const ib_pool_desc *p = &d->pool;
        s->nin = 1;
        s->in[0] = dims(p->n, p->c, p->ih, p->iw);
        s->in_is_data[0] = 1;
        s->out[0] = dims(p->n, p->c, p->oh, p->ow);
        break;
    }
    case IB_OP_CONCAT: {
        const ib_concat_desc *c = &d->concat;
        s->nin = c->ninputs;
        for (int i = 0; i < c->ninputs && i < IB_CONCAT_MAX; i++) {
            s->in[i] = dims(c->n, c->in[i].c, c->in[i].h, c->in[i].w);
            s->in_is_data[i] = 1;
        }
        s->out[0] = dims(c->n, c->oc, c->oh, c->ow);
        break;
    }
    case IB_OP_GAP:
        s->nin = 1;
        s->in[0] = dims(d->gap.n, d->gap.c, d->gap.h, d->gap.w);
        s->in_is_data[0] = 1;
        s->out[0] = dims(d->gap.n, d->gap.c, 1, 1);
        break;
    case IB_OP_FC: {
        const ib_fc_desc *f = &d->fc;
        s->nin = 3;
        s->in[0] = dims(f->n, f->ic, 1, 1);
        s->in_is_data[0] = 1;
        s->in[1] = dims(f->oc, f->ic, 1, 1);
        s->in[2] = vec(f->has_bias, f->oc);
        s->out[0] = dims(f->n, f->oc, 1, 1);
        break;
    }
    case IB_OP_SOFTMAX:
        s->nin = 1;
        s->in[0] = dims(d->softmax.n, d->softmax.c, 1, 1);
        s->in_is_data[0] = 1;
        s->out[0] = s->in[0];
        break;
    case IB_OP_LSLOSS:
        s->nin = 1;
        s->in[0] = dims(d->lsloss.n, d->lsloss.c, 1, 1);
        s->in_is_data[0] = 1;
        s->nlabels = d->lsloss.n;
        s->nout = 2;
        s->out[0] = dims(1, 1, 1, 1);
        s->out[1] = s->in[0];
        break;
    default:
        s->nout = 0;
        break;
    }
}

/* Appends to buf without overflowing it; the text is cut when it does not fit. */
typedef struct strbuf {
    char *p;
    int len, used;
} strbuf;

static void put(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(strbuf *b, const char *fmt, ...)
{
    if (b->used >= b->len - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->p + b->used, (size_t)(b->len - b->used), fmt, ap);
    va_end(ap);
    if (k > 0)
        b->used = b->used + k < b->len - 1 ? b->used + k : b->len - 1;
}

static void put_window(strbuf *b, int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t pt,
                       int64_t pb, int64_t pl, int64_t pr)
{
    put(b, "kh%" PRId64 "kw%" PRId64 "sh%" PRId64 "sw%" PRId64, kh, kw, sh, sw);
    put(b, "pt%" PRId64 "pb%" PRId64 "pl%" PRId64 "pr%" PRId64, pt, pb, pl, pr);
}

static void put_nchw(strbuf *b, int64_t n, int64_t c, int64_t h, int64_t w)
{
    put(b, "mb%" PRId64 "ic%" PRId64 "ih%" PRId64 "iw%" PRId64, n, c, h, w);
}

const char *ib_desc_str(const ib_desc *d, char *buf, int len)
{
    strbuf b = {buf, len, 0};
    if (!buf || len <= 0)
        return buf;
    buf[0] = '\0';
    switch (d->op) {
    case IB_OP_CONV: {
        const ib_conv_desc *c = &d->conv;
        put_nchw(&b, c->n, c->ic, c->ih, c->iw);
        put(&b, "oc%" PRId64 "oh%" PRId64 "ow%" PRId64, c->oc, c->oh, c->ow);
        put_window(&b, c->kh, c->kw, c->sh, c->sw, c->pt, c->pb, c->pl, c->pr);
        put(&b, "%s%s%s", c->has_bias ? "_bias" : "", c->has_scale_shift ? "_bn" : "",
            c->relu ? "_relu" : "");
        break;
    }
    case IB_OP_MAXPOOL:
    case IB_OP_AVGPOOL: {
        const ib_pool_desc *p = &d->pool;
        put_nchw(&b, p->n, p->c, p->ih, p->iw);
        put(&b, "oh%" PRId64 "ow%" PRId64, p->oh, p->ow);
        put_window(&b, p->kh, p->kw, p->sh, p->sw, p->pt, p->pb, p->pl, p->pr);
        if (d->op == IB_OP_AVGPOOL && !p->count_include_pad)
            put(&b, "_excl");
        break;
    }
    case IB_OP_BN:
        put_nchw(&b, d->bn.n, d->bn.c, d->bn.h, d->bn.w);
        put(&b, "_eps%g", (double)d->bn.eps);
        break;
    case IB_OP_RELU:
        put_nchw(&b, d->relu.n, d->relu.c, d->relu.h, d->relu.w);
        break;
    case IB_OP_GAP:
        put_nchw(&b, d->gap.n, d->gap.c, d->gap.h, d->gap.w);
        break;
    case IB_OP_CONCAT: {
        const ib_concat_desc *c = &d->concat;
        put(&b, "mb%" PRId64 "ic", c->n);
        for (int i = 0; i < c->ninputs && i < IB_CONCAT_MAX; i++)
            put(&b, "%s%" PRId64, i ? ":" : "", c->in[i].c);
        put(&b, "ih%" PRId64 "iw%" PRId64 "oc%" PRId64, c->oh, c->ow, c->oc);
        break;
    }
    case IB_OP_FC:
        put(&b, "mb%" PRId64 "ic%" PRId64 "oc%" PRId64 "%s", d->fc.n, d->fc.ic, d->fc.oc,
            d->fc.has_bias ? "_bias" : "");
        break;
    case IB_OP_SOFTMAX:
        put(&b, "mb%" PRId64 "ic%" PRId64, d->softmax.n, d->softmax.c);
        break;
    case IB_OP_LSLOSS:
        put(&b, "mb%" PRId64 "ic%" PRId64 "_eps%g", d->lsloss.n, d->lsloss.c,
            (double)d->lsloss.eps);
        break;
    default:
        put(&b, "unknown-op%d", (int)d->op);
        break;
    }
    return buf;
}
