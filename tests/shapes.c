/* Test shapes: the suite's Inception-v3 cases of each type, then hand-picked edge cases. */
#include "tests/shapes.h"

#include <stdio.h>
#include <string.h>

#include "bench/cases.h"

static ib_desc conv(int64_t n, int64_t ic, int64_t ih, int64_t iw, int64_t oc, int64_t kh,
                    int64_t kw, int64_t s, int64_t pt, int64_t pb, int64_t pl, int64_t pr,
                    int epilogue)
{
    ib_desc d = {.op = IB_OP_CONV};
    d.conv = (ib_conv_desc){.n = n,
                            .ic = ic,
                            .ih = ih,
                            .iw = iw,
                            .oc = oc,
                            .kh = kh,
                            .kw = kw,
                            .sh = s,
                            .sw = s,
                            .pt = pt,
                            .pb = pb,
                            .pl = pl,
                            .pr = pr};
    d.conv.has_bias = (epilogue & 1) != 0;
    d.conv.has_scale_shift = (epilogue & 2) != 0;
    d.conv.relu = (epilogue & 4) != 0;
    return d;
}

static ib_desc pool(ib_op op, int64_t n, int64_t c, int64_t ih, int64_t iw, int64_t k, int64_t s,
                    int64_t pt, int64_t pb, int64_t pl, int64_t pr, int include_pad)
{
    ib_desc d = {.op = op};
    d.pool = (ib_pool_desc){.n = n,
                            .c = c,
                            .ih = ih,
                            .iw = iw,
                            .kh = k,
                            .kw = k,
                            .sh = s,
                            .sw = s,
                            .pt = pt,
                            .pb = pb,
                            .pl = pl,
                            .pr = pr,
                            .count_include_pad = include_pad};
    return d;
}

static ib_desc eltwise(ib_op op, int64_t n, int64_t c, int64_t h, int64_t w)
{
    ib_desc d = {.op = op};
    if (op == IB_OP_BN)
        d.bn = (ib_bn_desc){.n = n, .c = c, .h = h, .w = w, .eps = 0.001f};
    else if (op == IB_OP_RELU)
        d.relu = (ib_eltwise_desc){.n = n, .c = c, .h = h, .w = w};
    else
        d.gap = (ib_eltwise_desc){.n = n, .c = c, .h = h, .w = w};
    return d;
}

static ib_desc concat(int64_t n, int64_t h, int64_t w, int k, const int64_t *c)
{
    ib_desc d = {.op = IB_OP_CONCAT};
    d.concat.n = n;
    d.concat.ninputs = k;
    for (int i = 0; i < k; i++)
        d.concat.in[i] = (ib_concat_input){.c = c[i], .h = h, .w = w};
    return d;
}

static ib_desc fc(int64_t n, int64_t ic, int64_t oc, int bias)
{
    ib_desc d = {.op = IB_OP_FC};
    d.fc = (ib_fc_desc){.n = n, .ic = ic, .oc = oc, .has_bias = bias};
    return d;
}

static ib_desc rows(ib_op op, int64_t n, int64_t c)
{
    ib_desc d = {.op = op};
    if (op == IB_OP_SOFTMAX)
        d.softmax = (ib_softmax_desc){.n = n, .c = c};
    else
        d.lsloss = (ib_lsloss_desc){.n = n, .c = c, .eps = IB_LSLOSS_DEFAULT_EPS};
    return d;
}

typedef struct list {
    ib_test_shape *out;
    int n, max;
    ib_op op;
} list;

/* Adds d unless an identical descriptor is already listed. */
static void add(list *l, const char *label, ib_desc d)
{
    if (d.op != l->op)
        return;
    ib_err e;
    if (ib_desc_validate(&d, &e) != IB_OK) {
        fprintf(stderr, "tests/shapes.c: bad edge shape %s: %s\n", label, e.msg);
        return;
    }
    char a[160], b[160];
    ib_desc_str(&d, a, sizeof a);
    for (int i = 0; i < l->n; i++)
        if (l->out[i].desc.op == d.op && !strcmp(a, ib_desc_str(&l->out[i].desc, b, sizeof b)))
            return;
    if (l->n < l->max) {
        snprintf(l->out[l->n].label, sizeof l->out[l->n].label, "%s", label);
        l->out[l->n++].desc = d;
    }
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* The emulators' cut-down copy of a network layer: same kernel geometry, fewer channels and a
 * smaller grid (at least the kernel, so every padding case remains). */
static ib_desc reduce(ib_desc d)
{
    switch (d.op) {
    case IB_OP_CONV: {
        ib_conv_desc *c = &d.conv;
        if (c->ic > 3)
            c->ic = min64(c->ic, 24);
        c->oc = min64(c->oc, 40);
        int64_t g = c->sh > 1 ? 13 : 9;
        c->ih = min64(c->ih, g > c->kh ? g : c->kh);
        c->iw = min64(c->iw, g > c->kw ? g : c->kw);
        break;
    }
    case IB_OP_MAXPOOL:
    case IB_OP_AVGPOOL:
        d.pool.c = min64(d.pool.c, 24);
        d.pool.ih = min64(d.pool.ih, 17);
        d.pool.iw = min64(d.pool.iw, 17);
        break;
    case IB_OP_CONCAT:
        for (int i = 0; i < d.concat.ninputs; i++) {
            d.concat.in[i].c = min64(d.concat.in[i].c, 24 + i);
            d.concat.in[i].h = min64(d.concat.in[i].h, 9);
            d.concat.in[i].w = min64(d.concat.in[i].w, 9);
        }
        break;
    case IB_OP_BN:
    case IB_OP_RELU:
    case IB_OP_GAP:
        d.bn.c = min64(d.bn.c, 40);
        break;
    case IB_OP_FC:
        d.fc.ic = min64(d.fc.ic, 256);
        break;
    default:
        break;
    }
    return d;
}

/* The suite's Inception-v3 cases (bench/cases.h), cut down when reduced. */
static int add_network(list *l, int reduced, ib_err *e)
{
    static ib_case cases[IB_MAX_CASES];
    const int n = ib_inception_cases(1, cases, IB_MAX_CASES, e);
    for (int i = 0; i < n; i++)
        add(l, cases[i].layer, reduced ? reduce(cases[i].desc) : cases[i].desc);
    return n < 0 ? -1 : 0;
}

static void add_edges(list *l)
{
    /* conv: channel tails, odd widths, each padding side alone, stride 2, 1x1 outputs,
     * kernels covering the whole input, batch 2, every epilogue combination */
    add(l, "edge.tail_ic3_oc5", conv(1, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 7));
    add(l, "edge.tail_ic5_oc13", conv(1, 5, 6, 11, 13, 3, 3, 1, 0, 0, 0, 0, 7));
    add(l, "edge.tail_ic13_oc17", conv(1, 13, 5, 7, 17, 1, 1, 1, 0, 0, 0, 0, 7));
    add(l, "edge.tail_ic17_oc9", conv(1, 17, 9, 5, 9, 3, 3, 2, 1, 1, 1, 1, 3));
    add(l, "edge.ic1_oc1", conv(1, 1, 4, 4, 1, 2, 2, 1, 0, 0, 0, 0, 0));
    add(l, "edge.pad_top", conv(1, 8, 6, 6, 8, 3, 3, 1, 1, 0, 0, 0, 0));
    add(l, "edge.pad_bottom", conv(1, 8, 6, 6, 8, 3, 3, 1, 0, 1, 0, 0, 0));
    add(l, "edge.pad_left", conv(1, 8, 6, 6, 8, 3, 3, 1, 0, 0, 1, 0, 0));
    add(l, "edge.pad_right", conv(1, 8, 6, 6, 8, 3, 3, 1, 0, 0, 0, 1, 0));
    add(l, "edge.pad_big_5x5", conv(1, 16, 5, 5, 16, 5, 5, 1, 2, 2, 2, 2, 4));
    add(l, "edge.pad_asym_7", conv(1, 16, 9, 11, 24, 7, 7, 1, 3, 2, 1, 3, 6));
    add(l, "edge.1x7_odd_w", conv(1, 24, 5, 13, 32, 1, 7, 1, 0, 0, 3, 3, 6));
    add(l, "edge.7x1_odd_h", conv(1, 24, 13, 5, 32, 7, 1, 1, 3, 3, 0, 0, 6));
    add(l, "edge.1x3_w1", conv(1, 16, 4, 1, 16, 1, 3, 1, 0, 0, 1, 1, 6));
    add(l, "edge.3x1_h1", conv(1, 16, 1, 4, 16, 3, 1, 1, 1, 1, 0, 0, 6));
    add(l, "edge.stride2_odd", conv(1, 16, 15, 13, 24, 3, 3, 2, 0, 0, 0, 0, 6));
    add(l, "edge.stride2_pad", conv(1, 16, 10, 10, 16, 3, 3, 2, 1, 1, 1, 1, 7));
    add(l, "edge.stride2_1x1", conv(1, 32, 9, 9, 16, 1, 1, 2, 0, 0, 0, 0, 6));
    add(l, "edge.out_1x1", conv(1, 16, 3, 3, 24, 3, 3, 1, 0, 0, 0, 0, 6));
    add(l, "edge.out_1x1_5x5", conv(1, 8, 5, 5, 768, 5, 5, 1, 0, 0, 0, 0, 6));
    add(l, "edge.batch2", conv(2, 16, 9, 9, 24, 3, 3, 1, 1, 1, 1, 1, 6));
    add(l, "edge.batch2_stem", conv(2, 3, 17, 17, 32, 3, 3, 2, 0, 0, 0, 0, 6));
    add(l, "edge.wide_tile_tail", conv(1, 8, 1, 37, 40, 1, 1, 1, 0, 0, 0, 0, 1));
    add(l, "edge.epilogue_bias_only", conv(1, 16, 6, 6, 16, 3, 3, 1, 1, 1, 1, 1, 1));
    add(l, "edge.epilogue_relu_only", conv(1, 16, 6, 6, 16, 3, 3, 1, 1, 1, 1, 1, 4));
    add(l, "edge.2x2", conv(1, 16, 8, 8, 16, 2, 2, 1, 0, 1, 0, 1, 6));

    /* pooling */
    for (int op = IB_OP_MAXPOOL; op <= IB_OP_AVGPOOL; op++) {
        add(l, "edge.tail_c5", pool((ib_op)op, 1, 5, 7, 7, 3, 2, 0, 0, 0, 0, 1));
        add(l, "edge.tail_c13_pad", pool((ib_op)op, 1, 13, 8, 9, 3, 1, 1, 1, 1, 1, 1));
        add(l, "edge.pad_top", pool((ib_op)op, 1, 8, 6, 6, 3, 1, 1, 0, 0, 0, 1));
        add(l, "edge.pad_bottom", pool((ib_op)op, 1, 8, 6, 6, 3, 1, 0, 1, 0, 0, 1));
        add(l, "edge.pad_left", pool((ib_op)op, 1, 8, 6, 6, 3, 1, 0, 0, 1, 0, 1));
        add(l, "edge.pad_right", pool((ib_op)op, 1, 8, 6, 6, 3, 1, 0, 0, 0, 1, 1));
        add(l, "edge.stride2_pad", pool((ib_op)op, 2, 17, 9, 10, 3, 2, 1, 1, 1, 1, 1));
        add(l, "edge.out_1x1", pool((ib_op)op, 1, 24, 5, 5, 5, 3, 0, 0, 0, 0, 1));
        add(l, "edge.batch2", pool((ib_op)op, 2, 16, 17, 17, 3, 2, 0, 0, 0, 0, 1));
    }
    add(l, "edge.exclude_pad", pool(IB_OP_AVGPOOL, 1, 16, 8, 8, 3, 1, 1, 1, 1, 1, 0));
    add(l, "edge.exclude_pad_tail", pool(IB_OP_AVGPOOL, 2, 11, 7, 5, 3, 2, 1, 1, 1, 1, 0));
    add(l, "edge.exclude_pad_35", pool(IB_OP_AVGPOOL, 1, 192, 35, 35, 3, 1, 1, 1, 1, 1, 0));

    /* elementwise and reductions */
    static const int64_t tails[] = {1, 3, 5, 13, 17};
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "edge.tail_c%lld", (long long)tails[i]);
        add(l, name, eltwise(IB_OP_BN, 1, tails[i], 3, 5));
        add(l, name, eltwise(IB_OP_RELU, 1, tails[i], 3, 5));
        add(l, name, eltwise(IB_OP_GAP, 1, tails[i], 3, 5));
    }
    add(l, "edge.batch2", eltwise(IB_OP_BN, 2, 24, 7, 7));
    add(l, "edge.batch2", eltwise(IB_OP_RELU, 2, 24, 7, 7));
    add(l, "edge.batch2", eltwise(IB_OP_GAP, 2, 40, 8, 8));

    static const int64_t c_tail[] = {3, 13, 5}, c_mixed[] = {16, 7, 24, 9};
    static const int64_t c_8x[] = {64, 64, 96, 32};
    add(l, "edge.tails", concat(1, 5, 7, 3, c_tail));
    add(l, "edge.mixed_tails", concat(2, 4, 3, 4, c_mixed));
    add(l, "edge.blocks", concat(2, 5, 5, 4, c_8x));
    add(l, "edge.single", concat(1, 3, 3, 1, c_tail));

    add(l, "edge.n1_small", fc(1, 7, 5, 1));
    add(l, "edge.n3_tails", fc(3, 13, 17, 1));
    add(l, "edge.n2_nobias", fc(2, 64, 40, 0));
    add(l, "edge.batch4", fc(4, 2048, 1000, 1));
    add(l, "edge.n1", rows(IB_OP_SOFTMAX, 1, 7));
    add(l, "edge.n3_tail", rows(IB_OP_SOFTMAX, 3, 1001));
    add(l, "edge.n1", rows(IB_OP_LSLOSS, 1, 7));
    add(l, "edge.n4", rows(IB_OP_LSLOSS, 4, 1000));
    add(l, "edge.n3_tail", rows(IB_OP_LSLOSS, 3, 13));
}

int ib_test_shapes(ib_op op, int reduced, ib_test_shape *out, int max, ib_err *e)
{
    list l = {.out = out, .max = max, .op = op};
    if (add_network(&l, reduced, e) != 0)
        return -1;
    add_edges(&l);
    return l.n;
}
