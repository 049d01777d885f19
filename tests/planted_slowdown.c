/* The planted slowdown: a real implementation's kernel called pct% more often. Each call runs
 * it once, and every call that brings the accumulated extra to 100% runs it again on the same
 * data. The results are the real kernel's (it verifies exactly), and over the thousands of
 * calls of one repetition the time is pct% more of the very same work, whatever the layer
 * type, its data layout or its cache behaviour. */
#include "tests/planted_slowdown.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/registry.h"

static const char *inner_name = "ref";
static int extra_pct = 20;

void ib_planted_set(const char *inner, int pct)
{
    inner_name = inner;
    extra_pct = pct < 0 ? 0 : pct > 100 ? 100 : pct;
}

typedef struct planted {
    ib_instance *inner;
    int pct, credit; /* the extra of this instance, and what it has accumulated */
} planted;

static const ib_impl *inner_of(const ib_desc *d)
{
    const ib_impl *im = ib_registry_lookup(d->op, inner_name);
    return im && !im->test_only ? im : NULL;
}

static int slow_supports(const ib_desc *d, const char **why)
{
    const ib_impl *im = inner_of(d);
    if (!im) {
        *why = "the wrapped implementation does not exist";
        return 0;
    }
    return !im->supports || im->supports(d, why);
}

static ib_status slow_prepare(const ib_desc *d, const ib_args *nchw, void **inst, ib_err *e)
{
    const ib_impl *im = inner_of(d);
    if (!im)
        return ib_fail(e, IB_UNSUPPORTED, "planted slowdown: no %s implementation %s",
                       ib_op_name(d->op), inner_name);
    planted *p = calloc(1, sizeof *p);
    if (!p)
        return ib_fail(e, IB_NOMEM, "planted slowdown: out of memory");
    p->pct = extra_pct;
    ib_status st = ib_instance_create(im, d, nchw, &p->inner, e);
    if (st != IB_OK) {
        free(p);
        return st;
    }
    *inst = p;
    return IB_OK;
}

static ib_status slow_run(void *inst)
{
    planted *p = inst;
    ib_status st = ib_instance_run(p->inner);
    p->credit += p->pct;
    if (st == IB_OK && p->credit >= 100) {
        p->credit -= 100;
        st = ib_instance_run(p->inner);
    }
    return st;
}

static ib_status slow_fetch(void *inst, const ib_args *nchw)
{
    return ib_instance_fetch(((planted *)inst)->inner, nchw);
}

static void slow_release(void *inst)
{
    planted *p = inst;
    if (p)
        ib_instance_destroy(p->inner);
    free(p);
}

/* Only the layer type the A/B check plants it in: the test programs that run every
 * implementation (test_layers, test_numerics) would otherwise run each wrapped kernel again. */
static ib_impl planted_impl = {
    .name = IB_PLANTED_NAME,
    .op = IB_PLANTED_OP,
    .isa = IB_ISA_SCALAR, /* the wrapped implementation's own ISA is checked by name */
    .test_only = 1,
    .supports = slow_supports,
    .prepare = slow_prepare,
    .run = slow_run,
    .fetch = slow_fetch,
    .release = slow_release,
};

void ib_planted_register(void)
{
    ib_err e = {{0}};
    if (ib_registry_add(&planted_impl, &e) != IB_OK)
        fprintf(stderr, "planted slowdown: %s\n", e.msg);
}
