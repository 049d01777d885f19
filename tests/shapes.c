/* Test shapes: the suite's Inception-v3 cases of each type, then hand-picked edge cases. */
#include "tests/shapes.h"

#include <stdio.h>
#include <string.h>

#include "harness/cases.h"
#include "tests/desc_text.h"

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

/* An edge shape from its descriptor text (harness/shapes_parse.h). */
static void add_text(list *l, const char *label, const char *text)
{
    add(l, label, ib_test_desc(text));
}

/* The same pooling as maxpool and as avgpool. */
static void add_pools(list *l, const char *label, const char *fields)
{
    static const ib_op ops[] = {IB_OP_MAXPOOL, IB_OP_AVGPOOL};
    for (int i = 0; i < 2; i++) {
        char text[200];
        snprintf(text, sizeof text, "%s:%s", ib_op_name(ops[i]), fields);
        add_text(l, label, text);
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

/* The suite's Inception-v3 cases (harness/cases.h), cut down when reduced. */
static int add_network(list *l, int reduced, ib_err *e)
{
    static ib_problem cases[IB_MAX_CASES];
    const int n = ib_inception_cases(1, cases, IB_MAX_CASES, e);
    for (int i = 0; i < n; i++)
        add(l, cases[i].layer, reduced ? reduce(cases[i].desc) : cases[i].desc);
    return n < 0 ? -1 : 0;
}

static void add_edges(list *l)
{
    /* conv: channel tails, odd widths, each padding side alone, stride 2, 1x1 outputs,
     * kernels covering the whole input, batch 2, every epilogue combination */
    add_text(l, "edge.tail_ic3_oc5", "mb1ic3ih7iw9oc5kh3kw3sh1pt1pb1pl1pr1_bias_bn_relu");
    add_text(l, "edge.tail_ic5_oc13", "mb1ic5ih6iw11oc13kh3kw3sh1pt0pb0pl0pr0_bias_bn_relu");
    add_text(l, "edge.tail_ic13_oc17", "mb1ic13ih5iw7oc17kh1kw1sh1pt0pb0pl0pr0_bias_bn_relu");
    add_text(l, "edge.tail_ic17_oc9", "mb1ic17ih9iw5oc9kh3kw3sh2pt1pb1pl1pr1_bias_bn");
    add_text(l, "edge.ic1_oc1", "mb1ic1ih4iw4oc1kh2kw2sh1pt0pb0pl0pr0");
    add_text(l, "edge.pad_top", "mb1ic8ih6iw6oc8kh3kw3sh1pt1pb0pl0pr0");
    add_text(l, "edge.pad_bottom", "mb1ic8ih6iw6oc8kh3kw3sh1pt0pb1pl0pr0");
    add_text(l, "edge.pad_left", "mb1ic8ih6iw6oc8kh3kw3sh1pt0pb0pl1pr0");
    add_text(l, "edge.pad_right", "mb1ic8ih6iw6oc8kh3kw3sh1pt0pb0pl0pr1");
    add_text(l, "edge.pad_big_5x5", "mb1ic16ih5iw5oc16kh5kw5sh1pt2pb2pl2pr2_relu");
    add_text(l, "edge.pad_asym_7", "mb1ic16ih9iw11oc24kh7kw7sh1pt3pb2pl1pr3_bn_relu");
    add_text(l, "edge.1x7_odd_w", "mb1ic24ih5iw13oc32kh1kw7sh1pt0pb0pl3pr3_bn_relu");
    add_text(l, "edge.7x1_odd_h", "mb1ic24ih13iw5oc32kh7kw1sh1pt3pb3pl0pr0_bn_relu");
    add_text(l, "edge.1x3_w1", "mb1ic16ih4iw1oc16kh1kw3sh1pt0pb0pl1pr1_bn_relu");
    add_text(l, "edge.3x1_h1", "mb1ic16ih1iw4oc16kh3kw1sh1pt1pb1pl0pr0_bn_relu");
    add_text(l, "edge.stride2_odd", "mb1ic16ih15iw13oc24kh3kw3sh2pt0pb0pl0pr0_bn_relu");
    add_text(l, "edge.stride2_pad", "mb1ic16ih10iw10oc16kh3kw3sh2pt1pb1pl1pr1_bias_bn_relu");
    add_text(l, "edge.stride2_1x1", "mb1ic32ih9iw9oc16kh1kw1sh2pt0pb0pl0pr0_bn_relu");
    add_text(l, "edge.out_1x1", "mb1ic16ih3iw3oc24kh3kw3sh1pt0pb0pl0pr0_bn_relu");
    add_text(l, "edge.out_1x1_5x5", "mb1ic8ih5iw5oc768kh5kw5sh1pt0pb0pl0pr0_bn_relu");
    add_text(l, "edge.batch2", "mb2ic16ih9iw9oc24kh3kw3sh1pt1pb1pl1pr1_bn_relu");
    add_text(l, "edge.batch2_stem", "mb2ic3ih17iw17oc32kh3kw3sh2pt0pb0pl0pr0_bn_relu");
    add_text(l, "edge.wide_tile_tail", "mb1ic8ih1iw37oc40kh1kw1sh1pt0pb0pl0pr0_bias");
    add_text(l, "edge.epilogue_bias_only", "mb1ic16ih6iw6oc16kh3kw3sh1pt1pb1pl1pr1_bias");
    add_text(l, "edge.epilogue_relu_only", "mb1ic16ih6iw6oc16kh3kw3sh1pt1pb1pl1pr1_relu");
    add_text(l, "edge.2x2", "mb1ic16ih8iw8oc16kh2kw2sh1pt0pb1pl0pr1_bn_relu");
    /* Winograd F(4x4) (grids of 12 and up): partial output tiles at the right and bottom,
     * channel tails, batch 2, padding 2 and asymmetric padding, tile counts that are not a
     * multiple of the jobs' and register tiles' (56 tiles), output-channel groups with a tail */
    add_text(l, "edge.wino_f4_odd_tails", "mb1ic19ih13iw17oc21kh3kw3sh1pt1pb1pl1pr1_bias_bn_relu");
    add_text(l, "edge.wino_f4_batch2_pad0", "mb2ic24ih15iw14oc40kh3kw3sh1pt0pb0pl0pr0_bn_relu");
    add_text(l, "edge.wino_f4_pad_asym", "mb1ic16ih12iw13oc16kh3kw3sh1pt2pb0pl1pr2_bn_relu");
    add_text(l, "edge.wino_f4_tiles_tail", "mb1ic8ih27iw29oc72kh3kw3sh1pt0pb0pl0pr0_bias_bn");

    /* pooling */
    add_pools(l, "edge.tail_c5", "mb1ic5ih7iw7kh3sh2pt0pb0pl0pr0");
    add_pools(l, "edge.tail_c13_pad", "mb1ic13ih8iw9kh3sh1pt1pb1pl1pr1");
    add_pools(l, "edge.pad_top", "mb1ic8ih6iw6kh3sh1pt1pb0pl0pr0");
    add_pools(l, "edge.pad_bottom", "mb1ic8ih6iw6kh3sh1pt0pb1pl0pr0");
    add_pools(l, "edge.pad_left", "mb1ic8ih6iw6kh3sh1pt0pb0pl1pr0");
    add_pools(l, "edge.pad_right", "mb1ic8ih6iw6kh3sh1pt0pb0pl0pr1");
    add_pools(l, "edge.stride2_pad", "mb2ic17ih9iw10kh3sh2pt1pb1pl1pr1");
    add_pools(l, "edge.out_1x1", "mb1ic24ih5iw5kh5sh3pt0pb0pl0pr0");
    add_pools(l, "edge.batch2", "mb2ic16ih17iw17kh3sh2pt0pb0pl0pr0");
    /* the window walk's other paths: a stride past the window (columns skipped), a wide
     * asymmetric window with two padding columns on each side, an input narrower than the
     * window (every output at an edge) */
    add_pools(l, "edge.stride_past_window", "mb1ic9ih8iw11kh2kw2sh3sw3pt0pb0pl0pr0");
    add_pools(l, "edge.wide_pad2", "mb1ic9ih7iw11kh3kw5sh1sw2pt1pb1pl2pr2");
    add_pools(l, "edge.narrow_input", "mb1ic8ih3iw2kh3sh1pt1pb1pl1pr1");
    add_text(l, "edge.exclude_pad", "avgpool:mb1ic16ih8iw8kh3sh1pt1pb1pl1pr1_excl");
    add_text(l, "edge.exclude_pad_tail", "avgpool:mb2ic11ih7iw5kh3sh2pt1pb1pl1pr1_excl");
    add_text(l, "edge.exclude_pad_35", "avgpool:mb1ic192ih35iw35kh3sh1pt1pb1pl1pr1_excl");
    add_text(l, "edge.exclude_pad_wide", "avgpool:mb1ic9ih7iw11kh3kw5sh1sw2pt1pb1pl2pr2_excl");

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
