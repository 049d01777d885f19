/* The planted slowdown: the reference global average pooling, then the same pooling again over
 * the first pct% of the channels (same results, so it still verifies exactly). GAP is a chain
 * of dependent adds with no data-dependent branches, so pct% more work is pct% more time; the
 * reference ReLU, whose time depends on predicting the sign of random data, is not. */
#include "tests/planted_slowdown.h"

#include <stdio.h>

#include "kernels/registry.h"
#include "reference/reference.h"

static int extra_pct = 20;

void ib_planted_set_extra_pct(int pct)
{
    extra_pct = pct < 0 ? 0 : pct > 100 ? 100 : pct;
}

static void slow_exec(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst)
{
    (void)packed;
    const ib_eltwise_desc *g = &d->gap;
    ib_args a = {.in = {src[0]}, .out = {dst[0]}};
    ib_ref_gap(g, &a);
    ib_eltwise_desc part = {1, (g->n * g->c * extra_pct + 50) / 100, g->h, g->w};
    ib_ref_gap(&part, &a);
}

static const ib_native slow_native = {
    .kernel = "ref_gap_plus_extra",
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .exec = slow_exec,
};

static int slow_supports(const ib_desc *d, const char **why)
{
    (void)d;
    (void)why;
    return 1;
}

static const ib_native *slow_choose(const ib_desc *d)
{
    (void)d;
    return &slow_native;
}

const ib_impl ib_planted_slow_gap_impl = {
    .name = IB_PLANTED_NAME,
    .op = IB_OP_GAP,
    .isa = IB_ISA_SCALAR,
    .test_only = 1,
    .supports = slow_supports,
    .native = slow_choose,
};

void ib_planted_register(void)
{
    ib_err e = {{0}};
    if (ib_registry_add(&ib_planted_slow_gap_impl, &e) != IB_OK)
        fprintf(stderr, "planted slowdown: %s\n", e.msg);
}
