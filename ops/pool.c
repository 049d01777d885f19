/* Layer-type traits of max and average pooling (one descriptor, two layer types). */
#include "ops/op_common.h"
#include "reference/reference.h"

/* op names the layer in messages ("maxpool", "avgpool", or "pool" when not known). */
static ib_status pool_validate(const char *op, ib_pool_desc *d, ib_err *e)
{
    ib_status st;
    IB_FIELD_POS(op, d, n);
    IB_FIELD_POS(op, d, c);
    IB_FIELD_POS(op, d, ih);
    IB_FIELD_POS(op, d, iw);
    IB_FIELD_POS(op, d, kh);
    IB_FIELD_POS(op, d, kw);
    IB_FIELD_POS(op, d, sh);
    IB_FIELD_POS(op, d, sw);
    IB_FIELD_NONNEG(op, d, pt);
    IB_FIELD_NONNEG(op, d, pb);
    IB_FIELD_NONNEG(op, d, pl);
    IB_FIELD_NONNEG(op, d, pr);
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
    if ((st = ib_check_tensor(op, "src", d->n, d->c, d->ih, d->iw, e)))
        return st;
    int64_t oh, ow;
    if ((st = ib_window_axis(op, "kh", "height", d->ih, d->kh, d->sh, d->pt, "pt", d->pb, "pb", &oh,
                             e)) ||
        (st = ib_window_axis(op, "kw", "width", d->iw, d->kw, d->sw, d->pl, "pl", d->pr, "pr", &ow,
                             e)))
        return st;
    if ((st = ib_check_tensor(op, "dst", d->n, d->c, oh, ow, e)) ||
        (st = ib_check_work(op, d->n * d->c, oh * ow, d->kh, d->kw, e)))
        return st;
    d->oh = oh;
    d->ow = ow;
    return IB_OK;
}

ib_status ib_pool_validate(ib_pool_desc *d, ib_err *e)
{
    return pool_validate("pool", d, e);
}

static ib_status validate(ib_desc *d, ib_err *e)
{
    return pool_validate(ib_op_name(d->op), &d->pool, e);
}

static void window(const ib_desc *d, ib_window *w)
{
    const ib_pool_desc *p = &d->pool;
    *w = (ib_window){p->kh, p->kw, p->sh, p->sw, p->pt, p->pb, p->pl, p->pr};
}

static void print(const ib_desc *d, ib_strbuf *b)
{
    const ib_pool_desc *p = &d->pool;
    ib_window w;
    window(d, &w);
    ib_put_nchw(b, p->n, p->c, p->ih, p->iw);
    ib_put(b, "oh%" PRId64 "ow%" PRId64, p->oh, p->ow);
    ib_put_window(b, &w);
    if (d->op == IB_OP_AVGPOOL && !p->count_include_pad)
        ib_put(b, "_excl");
}

static void arg_shapes(const ib_desc *d, ib_arg_shapes *s)
{
    const ib_pool_desc *p = &d->pool;
    ib_shapes_unary(s, ib_dims_of(p->n, p->c, p->ih, p->iw), ib_dims_of(p->n, p->c, p->oh, p->ow));
}

static void work(const ib_desc *d, ib_work *w)
{
    const ib_pool_desc *p = &d->pool;
    const int64_t outs = p->n * p->c * p->oh * p->ow;
    const int64_t taps = p->n * p->c * ib_valid_taps(p->ih, p->oh, p->kh, p->sh, p->pt) *
                         ib_valid_taps(p->iw, p->ow, p->kw, p->sw, p->pl);
    /* One compare or add per tap inside the input; average adds one divide per output. */
    w->flops = taps + (d->op == IB_OP_AVGPOOL ? outs : 0);
    w->bytes_read = 4 * p->n * p->c * p->ih * p->iw;
    w->bytes_written = 4 * outs;
}

static void reference(const ib_desc *d, const ib_args *a)
{
    if (d->op == IB_OP_MAXPOOL)
        ib_ref_maxpool(&d->pool, a);
    else
        ib_ref_avgpool(&d->pool, a);
}

static const ib_field fields[] = {
    IB_FIELD(pool.n, IB_FIELD_I64),
    IB_FIELD(pool.c, IB_FIELD_I64),
    IB_FIELD(pool.ih, IB_FIELD_I64),
    IB_FIELD(pool.iw, IB_FIELD_I64),
    IB_FIELD(pool.kh, IB_FIELD_I64),
    IB_FIELD(pool.kw, IB_FIELD_I64),
    IB_FIELD(pool.sh, IB_FIELD_I64),
    IB_FIELD(pool.sw, IB_FIELD_I64),
    IB_FIELD(pool.pt, IB_FIELD_I64),
    IB_FIELD(pool.pb, IB_FIELD_I64),
    IB_FIELD(pool.pl, IB_FIELD_I64),
    IB_FIELD(pool.pr, IB_FIELD_I64),
    IB_FIELD(pool.oh, IB_FIELD_I64),
    IB_FIELD(pool.ow, IB_FIELD_I64),
    IB_FIELD(pool.count_include_pad, IB_FIELD_INT),
};

/* Both poolings are exact: integer window sums, then (average) one division. */
#define POOL_TRAITS(NAME)                                                                          \
    {                                                                                              \
        IB_OP_COMMON_TRAITS(fields), .name = NAME, .memory_bound = 1, .window = window,            \
                                     .fill = ib_fill_small_int,                                    \
    }
const ib_op_traits ib_op_maxpool_traits = POOL_TRAITS("maxpool");
const ib_op_traits ib_op_avgpool_traits = POOL_TRAITS("avgpool");
