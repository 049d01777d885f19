/* The table of layer-type traits and the core's entry points over it: names, validation,
 * argument shapes, work, the text of a descriptor and the reference, all by d->op. */
#include <string.h>

#include "ops/op_traits.h"
#include "reference/reference.h"

static const ib_op_traits *const table[IB_OP_COUNT] = {
#define IB_OP_ENTRY(ID, name) [IB_OP_##ID] = &ib_op_##name##_traits,
#include "ops/ops.inc"
#undef IB_OP_ENTRY
};

const ib_op_traits *ib_op_traits_of(ib_op op)
{
    return (unsigned)op < IB_OP_COUNT ? table[op] : NULL;
}

const char *ib_op_name(ib_op op)
{
    const ib_op_traits *t = ib_op_traits_of(op);
    return t ? t->name : "unknown";
}

int ib_op_from_name(const char *name, ib_op *op)
{
    for (int i = 0; name && i < IB_OP_COUNT; i++) {
        if (strcmp(name, table[i]->name) == 0) {
            *op = (ib_op)i;
            return 1;
        }
    }
    return 0;
}

ib_status ib_desc_validate(ib_desc *d, ib_err *e)
{
    const ib_op_traits *t = ib_op_traits_of(d->op);
    return t ? t->validate(d, e) : ib_fail(e, IB_INVALID, "desc: unknown op %d", (int)d->op);
}

int64_t ib_dims_count(ib_dims d)
{
    return d.n * d.c * d.h * d.w;
}

void ib_arg_shapes_of(const ib_desc *d, ib_arg_shapes *s)
{
    const ib_op_traits *t = ib_op_traits_of(d->op);
    memset(s, 0, sizeof *s);
    s->nout = 1;
    if (t)
        t->arg_shapes(d, s);
    else
        s->nout = 0;
}

void ib_desc_work(const ib_desc *d, ib_work *w)
{
    const ib_op_traits *t = ib_op_traits_of(d->op);
    memset(w, 0, sizeof *w);
    if (t)
        t->work(d, w);
    w->flops_exec = w->macs > 0 ? 2 * w->macs_nonpad : w->flops;
}

const char *ib_desc_str(const ib_desc *d, char *buf, int len)
{
    ib_strbuf b = {buf, len, 0};
    if (!buf || len <= 0)
        return buf;
    buf[0] = '\0';
    const ib_op_traits *t = ib_op_traits_of(d->op);
    if (t)
        t->print(d, &b);
    else
        ib_put(&b, "unknown-op%d", (int)d->op);
    return buf;
}

void ib_ref_run(const ib_desc *d, const ib_args *a)
{
    const ib_op_traits *t = ib_op_traits_of(d->op);
    if (t) /* a validated descriptor always has one */
        t->reference(d, a);
}
