/* Instances: one problem bound to one implementation, over native kernels or prepared peers. */
#include "core/impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ib_instance {
    const ib_impl *impl;
    ib_desc d; /* the copy every call sees: it outlives the caller's */
    ib_arg_shapes shapes;
    /* Native: the chosen kernel, packed parameters, data inputs in src_layout (in order,
     * compacted; data inputs are a prefix of the arguments for every op) and outputs. */
    const ib_native *nat;
    void *packed;
    int nsrc;
    float *src[IB_MAX_IN];
    float *dst[IB_MAX_OUT];
    /* Prepared: the implementation's own state. */
    void *prep;
};

/* Allocates a float buffer of elems; NULL with a message on overflow or failure. */
static float *alloc_floats(int64_t elems, const char *what, int idx, ib_status *st, ib_err *e)
{
    int64_t bytes;
    if (elems < 0 || !ib_mul_ok(elems, (int64_t)sizeof(float), &bytes) ||
        (uint64_t)bytes > (uint64_t)SIZE_MAX) {
        *st = ib_fail(e, IB_OVERFLOW, "instance: %s %d size overflows", what, idx);
        return NULL;
    }
    float *p = ib_alloc((size_t)bytes);
    if (!p && bytes > 0)
        *st = ib_fail(e, IB_NOMEM, "instance: cannot allocate %lld bytes for %s %d",
                      (long long)bytes, what, idx);
    return p;
}

static ib_status create_native(ib_instance *x, const ib_args *nchw, ib_err *e)
{
    const ib_impl *impl = x->impl;
    const ib_arg_shapes *s = &x->shapes;
    ib_status st = IB_OK;
    x->nat = impl->native(&x->d);
    if (!x->nat || !x->nat->exec)
        return ib_fail(e, IB_UNSUPPORTED, "%s %s: no native kernel for this problem",
                       ib_op_name(x->d.op), impl->name);
    const ib_native *nat = x->nat;

    size_t pbytes = nat->packed_bytes ? nat->packed_bytes(&x->d) : 0;
    if (pbytes > 0 && !(x->packed = ib_alloc(pbytes)))
        return ib_fail(e, IB_NOMEM, "instance: cannot allocate %zu bytes of packed parameters",
                       pbytes);
    if (nat->pack)
        nat->pack(&x->d, nchw, x->packed);

    for (int i = 0; i < s->nin; i++) {
        if (!s->in_is_data[i])
            continue;
        const ib_dims di = s->in[i];
        if (!nchw->in[i])
            return ib_fail(e, IB_INVALID, "instance: data input %d is NULL", i);
        float *b = alloc_floats(ib_layout_elems(nat->src_layout, di.n, di.c, di.h, di.w), "input",
                                i, &st, e);
        if (!b)
            return st;
        x->src[x->nsrc++] = b;
        ib_reorder(nchw->in[i], IB_LAYOUT_NCHW, b, nat->src_layout, di.n, di.c, di.h, di.w);
    }

    for (int j = 0; j < s->nout; j++) {
        const ib_dims dj = s->out[j];
        const ib_layout l = j == 0 ? nat->dst_layout : IB_LAYOUT_NCHW;
        const int64_t elems = ib_layout_elems(l, dj.n, dj.c, dj.h, dj.w);
        float *b = alloc_floats(elems, "output", j, &st, e);
        if (!b)
            return st;
        x->dst[j] = b;
        /* NaN everywhere: an element the kernel forgets to write fails verification. */
        for (int64_t k = 0; k < elems; k++)
            b[k] = NAN;
    }
    return IB_OK;
}

ib_status ib_instance_create(const ib_impl *impl, const ib_desc *d, const ib_args *nchw,
                             ib_instance **inst, ib_err *e)
{
    const char *why = NULL;
    *inst = NULL;
    if (!impl || !d || !nchw)
        return ib_fail(e, IB_INVALID, "instance: NULL implementation, descriptor or arguments");
    if (impl->op != d->op)
        return ib_fail(e, IB_INVALID, "instance: %s implementation %s given a %s descriptor",
                       ib_op_name(impl->op), impl->name, ib_op_name(d->op));
    if (!ib_isa_usable(impl->isa, &why))
        return ib_fail(e, IB_UNSUPPORTED, "%s %s: %s", ib_op_name(impl->op), impl->name,
                       why ? why : "ISA not usable here");
    if (impl->supports && !impl->supports(d, &why))
        return ib_fail(e, IB_UNSUPPORTED, "%s %s: %s", ib_op_name(impl->op), impl->name,
                       why ? why : "problem not supported");
    if (!impl->native && !(impl->prepare && impl->run))
        return ib_fail(e, IB_UNSUPPORTED, "%s %s: neither a native kernel nor prepare/run",
                       ib_op_name(impl->op), impl->name);

    ib_instance *x = calloc(1, sizeof *x);
    if (!x)
        return ib_fail(e, IB_NOMEM, "instance: cannot allocate the instance");
    x->impl = impl;
    x->d = *d;
    ib_arg_shapes_of(&x->d, &x->shapes);

    ib_status st;
    if (impl->native)
        st = create_native(x, nchw, e);
    else
        st = impl->prepare(&x->d, nchw, &x->prep, e);
    if (st != IB_OK) {
        ib_instance_destroy(x);
        return st;
    }
    *inst = x;
    return IB_OK;
}

const ib_impl *ib_instance_impl(const ib_instance *x)
{
    return x ? x->impl : NULL;
}

ib_status ib_instance_run(ib_instance *x)
{
    if (!x)
        return IB_INVALID;
    if (x->nat) {
        x->nat->exec(&x->d, x->packed, (const float *const *)x->src, x->dst);
        return IB_OK;
    }
    return x->impl->run(x->prep);
}

ib_status ib_instance_fetch(ib_instance *x, const ib_args *nchw)
{
    if (!x || !nchw)
        return IB_INVALID;
    if (!x->nat)
        return x->impl->fetch ? x->impl->fetch(x->prep, nchw) : IB_UNSUPPORTED;
    for (int j = 0; j < x->shapes.nout; j++) {
        const ib_dims dj = x->shapes.out[j];
        if (!nchw->out[j])
            continue;
        const ib_layout l = j == 0 ? x->nat->dst_layout : IB_LAYOUT_NCHW;
        ib_reorder(x->dst[j], l, nchw->out[j], IB_LAYOUT_NCHW, dj.n, dj.c, dj.h, dj.w);
    }
    return IB_OK;
}

void ib_instance_destroy(ib_instance *x)
{
    if (!x)
        return;
    if (x->prep && x->impl->release)
        x->impl->release(x->prep);
    ib_free(x->packed);
    for (int i = 0; i < x->nsrc; i++)
        ib_free(x->src[i]);
    for (int j = 0; j < IB_MAX_OUT; j++)
        ib_free(x->dst[j]);
    free(x);
}
