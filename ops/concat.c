/* Layer-type traits of the channel concatenation. */
#include "core/layout.h"
#include "ops/op_common.h"
#include "reference/reference.h"

ib_status ib_concat_validate(ib_concat_desc *d, ib_err *e)
{
    ib_status st;
    IB_FIELD_POS("concat", d, n);
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
        if ((st = ib_check_tensor("concat", "input", d->n, in->c, in->h, in->w, e)))
            return st;
        if (!ib_add_ok(oc, in->c, &oc))
            return ib_fail(e, IB_OVERFLOW, "concat: total channels overflow");
    }
    if ((st = ib_check_tensor("concat", "dst", d->n, oc, d->in[0].h, d->in[0].w, e)))
        return st;
    d->oc = oc;
    d->oh = d->in[0].h;
    d->ow = d->in[0].w;
    return IB_OK;
}

IB_OP_WRAPPERS(concat, ib_concat_validate, ib_ref_concat)

static void print(const ib_desc *d, ib_strbuf *b)
{
    const ib_concat_desc *c = &d->concat;
    ib_put(b, "mb%" PRId64 "ic", c->n);
    for (int i = 0; i < c->ninputs && i < IB_CONCAT_MAX; i++)
        ib_put(b, "%s%" PRId64, i ? ":" : "", c->in[i].c);
    ib_put(b, "ih%" PRId64 "iw%" PRId64 "oc%" PRId64, c->oh, c->ow, c->oc);
}

static void arg_shapes(const ib_desc *d, ib_arg_shapes *s)
{
    const ib_concat_desc *c = &d->concat;
    s->nin = c->ninputs;
    for (int i = 0; i < c->ninputs && i < IB_CONCAT_MAX; i++) {
        s->in[i] = ib_dims_of(c->n, c->in[i].c, c->in[i].h, c->in[i].w);
        s->in_is_data[i] = 1;
    }
    s->out[0] = ib_dims_of(c->n, c->oc, c->oh, c->ow);
}

static void work(const ib_desc *d, ib_work *w)
{
    const ib_concat_desc *c = &d->concat;
    ib_work_elementwise(w, c->n * c->oc * c->oh * c->ow, 0); /* copies only */
}

#define INPUT_FIELDS(i)                                                                            \
    IB_FIELD(concat.in[i].c, IB_FIELD_I64), IB_FIELD(concat.in[i].h, IB_FIELD_I64),                \
        IB_FIELD(concat.in[i].w, IB_FIELD_I64)
static const ib_field fields[] = {
    IB_FIELD(concat.n, IB_FIELD_I64),
    IB_FIELD(concat.ninputs, IB_FIELD_INT),
    INPUT_FIELDS(0),
    INPUT_FIELDS(1),
    INPUT_FIELDS(2),
    INPUT_FIELDS(3),
    INPUT_FIELDS(4),
    INPUT_FIELDS(5),
    INPUT_FIELDS(6),
    INPUT_FIELDS(7),
};
_Static_assert(IB_CONCAT_MAX == 8, "fields lists every concat input");

const ib_op_traits ib_op_concat_traits = {
    IB_OP_COMMON_TRAITS(fields),
    .name = "concat",
    .memory_bound = 1,
    .fill = ib_fill_small_int,
};
