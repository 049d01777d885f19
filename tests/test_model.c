/* Tests of the Inception-v3 layer table: counts, torchvision's totals, shapes and wiring. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/inception_v3.h"
#include "tests/check.h"

/* One check, naming it with the values seen when it fails. */
static void check(int ok, const char *what, int64_t got, int64_t want)
{
    ib_check(ok, "%s: got %" PRId64 " want %" PRId64, what, got, want);
}
#define CHECK_EQ(what, got, want) check((got) == (want), what, (int64_t)(got), (int64_t)(want))

static int find(const ib_net *net, const char *name)
{
    for (int i = 0; i < net->count; i++)
        if (strcmp(net->layers[i].name, name) == 0)
            return i;
    return -1;
}

/* Output shape of layer i (an identity layer passes its input through); -1: the input. */
static ib_dims out_dims(const ib_net *net, int i)
{
    if (i < 0)
        return (ib_dims){net->batch, 3, 299, 299};
    const ib_layer *l = &net->layers[i];
    if (l->identity)
        return out_dims(net, l->src[0]);
    ib_arg_shapes s;
    ib_arg_shapes_of(&l->desc, &s);
    return s.out[0];
}

static int dims_eq(ib_dims a, ib_dims b)
{
    return a.n == b.n && a.c == b.c && a.h == b.h && a.w == b.w;
}

static void check_out(const ib_net *net, const char *name, int64_t c, int64_t h, int64_t w)
{
    int i = find(net, name);
    ib_dims d = i >= 0 ? out_dims(net, i) : (ib_dims){0, 0, 0, 0};
    ib_check(i >= 0 && dims_eq(d, (ib_dims){net->batch, c, h, w}),
             "%s: output %" PRId64 "x%" PRId64 "x%" PRId64 "x%" PRId64 ", want %" PRId64 "x%" PRId64
             "x%" PRId64 "x%" PRId64 "%s",
             name, d.n, d.c, d.h, d.w, net->batch, c, h, w, i < 0 ? " (no such layer)" : "");
}

/* Every layer: a valid descriptor (revalidating changes nothing), producers before it, data
 * inputs shaped as their producers' outputs, unique names, and no main-path layer reading
 * the auxiliary head. */
static void check_wiring(const ib_net *net)
{
    int bad = 0;
    for (int i = 0; i < net->count && bad < 10; i++) {
        const ib_layer *l = &net->layers[i];
        for (int j = 0; j < i; j++)
            if (strcmp(net->layers[j].name, l->name) == 0) {
                printf("FAIL %s: name used twice (layers %d and %d)\n", l->name, j, i);
                bad++;
            }
        if (l->nsrc < 1 || l->nsrc > IB_CONCAT_MAX) {
            printf("FAIL %s: nsrc %d\n", l->name, l->nsrc);
            bad++;
            continue;
        }
        for (int k = 0; k < l->nsrc; k++) {
            int s = l->src[k];
            if (s >= i || s < -1 || (s == -1 && i != 0)) {
                printf("FAIL %s: src[%d] = %d does not point backward\n", l->name, k, s);
                bad++;
            } else if (s >= 0 && net->layers[s].aux && !l->aux) {
                printf("FAIL %s: reads auxiliary layer %s\n", l->name, net->layers[s].name);
                bad++;
            }
        }
        if (l->identity)
            continue;
        ib_desc copy = l->desc;
        ib_err e;
        if (ib_desc_validate(&copy, &e) != IB_OK) {
            printf("FAIL %s: invalid descriptor: %s\n", l->name, e.msg);
            bad++;
            continue;
        }
        if (memcmp(&copy, &l->desc, sizeof copy) != 0) {
            printf("FAIL %s: revalidation changed the descriptor\n", l->name);
            bad++;
        }
        ib_arg_shapes as;
        ib_arg_shapes_of(&l->desc, &as);
        int ndata = 0;
        for (int k = 0; k < as.nin; k++)
            if (as.in_is_data[k]) {
                if (ndata >= l->nsrc) {
                    ndata++;
                    break;
                }
                ib_dims want = out_dims(net, l->src[ndata]);
                if (!dims_eq(as.in[k], want)) {
                    printf("FAIL %s: input %d is %" PRId64 "x%" PRId64 "x%" PRId64 "x%" PRId64
                           " but its producer gives %" PRId64 "x%" PRId64 "x%" PRId64 "x%" PRId64
                           "\n",
                           l->name, k, as.in[k].n, as.in[k].c, as.in[k].h, as.in[k].w, want.n,
                           want.c, want.h, want.w);
                    bad++;
                }
                ndata++;
            }
        if (ndata != l->nsrc) {
            printf("FAIL %s: %d data inputs but nsrc %d\n", l->name, ndata, l->nsrc);
            bad++;
        }
    }
    check(bad == 0, "wiring and descriptors (see above)", bad, 0);
}

/* A Mixed_* module reads only the previous module's output: every layer of it whose producer
 * lies outside the module reads exactly that output. */
static void check_modules(const ib_net *net)
{
    int bad = 0, prev_out = find(net, "maxpool2"), modules = 0;
    for (int i = 0; i < net->count; i++) {
        const ib_layer *l = &net->layers[i];
        const char *dot = strchr(l->name, '.');
        if (strncmp(l->name, "Mixed_", 6) != 0 || !dot)
            continue;
        size_t plen = (size_t)(dot - l->name) + 1; /* "Mixed_5b." */
        for (int k = 0; k < l->nsrc; k++) {
            int s = l->src[k];
            int inside = s >= 0 && strncmp(net->layers[s].name, l->name, plen) == 0;
            if (!inside && s != prev_out) {
                printf("FAIL %s: reads %s, not its module's input %s\n", l->name,
                       s >= 0 ? net->layers[s].name : "the network input",
                       prev_out >= 0 ? net->layers[prev_out].name : "?");
                bad++;
            }
        }
        if (strcmp(dot + 1, "concat") == 0) {
            prev_out = i;
            modules++;
        }
    }
    check(bad == 0, "modules read the previous module's output", bad, 0);
    CHECK_EQ("Mixed_* modules", modules, 11);
}

/* Non-aux convolutions that differ in something other than name and batch. */
static int distinct_conv_shapes(const ib_net *net)
{
    int count = 0;
    for (int i = 0; i < net->count; i++) {
        const ib_layer *l = &net->layers[i];
        if (l->aux || l->identity || l->desc.op != IB_OP_CONV)
            continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) {
            const ib_layer *m = &net->layers[j];
            if (m->aux || m->identity || m->desc.op != IB_OP_CONV)
                continue;
            ib_conv_desc a = l->desc.conv, b = m->desc.conv;
            seen = memcmp(&a, &b, sizeof a) == 0;
        }
        count += !seen;
    }
    return count;
}

static void check_head(const ib_net *net)
{
    static const char *const tail[4] = {"avgpool", "dropout", "fc", "softmax"};
    static const ib_op ops[4] = {IB_OP_GAP, IB_OP_COUNT, IB_OP_FC, IB_OP_SOFTMAX};
    int ok = net->count >= 4;
    for (int k = 0; ok && k < 4; k++) {
        const ib_layer *l = &net->layers[net->count - 4 + k];
        ok = strcmp(l->name, tail[k]) == 0 && !l->aux &&
             (k == 1 ? l->identity : !l->identity && l->desc.op == ops[k]);
        if (!ok)
            printf("FAIL head: layer %d is %s, want %s\n", net->count - 4 + k, l->name, tail[k]);
    }
    check(ok, "last layers avgpool, dropout, fc, softmax", ok, 1);
    int fc = find(net, "fc");
    if (fc >= 0) {
        const ib_fc_desc *f = &net->layers[fc].desc.fc;
        check(f->ic == 2048 && f->oc == 1000 && f->has_bias, "fc 2048->1000 with bias",
              f->ic * 10000 + f->oc, 2048 * 10000 + 1000);
    }
}

static void check_shapes(const ib_net *net)
{
    check_out(net, "Conv2d_1a_3x3", 32, 149, 149);
    check_out(net, "maxpool1", 64, 73, 73);
    check_out(net, "maxpool2", 192, 35, 35);
    check_out(net, "Mixed_5b.concat", 256, 35, 35);
    check_out(net, "Mixed_5c.concat", 288, 35, 35);
    check_out(net, "Mixed_5d.concat", 288, 35, 35);
    check_out(net, "Mixed_6a.concat", 768, 17, 17);
    check_out(net, "Mixed_6e.concat", 768, 17, 17);
    check_out(net, "Mixed_7a.concat", 1280, 8, 8);
    check_out(net, "Mixed_7b.branch3x3_concat", 768, 8, 8);
    check_out(net, "Mixed_7b.branch3x3dbl_concat", 768, 8, 8);
    check_out(net, "Mixed_7b.concat", 2048, 8, 8);
    check_out(net, "Mixed_7c.concat", 2048, 8, 8);
    check_out(net, "AuxLogits.avg_pool", 768, 5, 5);
    check_out(net, "AuxLogits.conv1", 768, 1, 1);
    check_out(net, "AuxLogits.fc", 1000, 1, 1);
    check_out(net, "avgpool", 2048, 1, 1);
    check_out(net, "softmax", 1000, 1, 1);

    int i = find(net, "Mixed_6b.branch7x7_2");
    const ib_conv_desc *c = i >= 0 ? &net->layers[i].desc.conv : NULL;
    int ok = c && net->layers[i].desc.op == IB_OP_CONV && c->kh == 1 && c->kw == 7 && c->pt == 0 &&
             c->pb == 0 && c->pl == 3 && c->pr == 3 && c->ic == 128 && c->oc == 128;
    check(ok, "Mixed_6b.branch7x7_2 is 128->128 1x7 pad (0,0,3,3)", ok, 1);
    i = find(net, "Mixed_5b.avg_pool");
    const ib_pool_desc *p = i >= 0 ? &net->layers[i].desc.pool : NULL;
    ok = p && net->layers[i].desc.op == IB_OP_AVGPOOL && p->kh == 3 && p->sh == 1 && p->pt == 1 &&
         p->pr == 1 && p->count_include_pad == 1;
    check(ok, "Mixed_5b.avg_pool is avg 3x3 s1 pad 1 count_include_pad", ok, 1);

    int aux = 0, conv = 0;
    for (int k = 0; k < net->count; k++) {
        aux += net->layers[k].aux;
        conv += net->layers[k].desc.op == IB_OP_CONV && !net->layers[k].identity;
        if (net->layers[k].aux && strncmp(net->layers[k].name, "AuxLogits.", 10) != 0) {
            ib_check(0, "%s: aux=1 outside AuxLogits", net->layers[k].name);
        }
    }
    CHECK_EQ("aux layers", aux, 5);
    CHECK_EQ("conv layers in the table", conv, 96);
}

int main(void)
{
    ib_net net[2];
    ib_net_totals t[2][2]; /* [batch-1][with_aux] */
    ib_err e;

    for (int b = 0; b < 2; b++) {
        ib_status s = ib_inception_v3_build(b + 1, &net[b], &e);
        if (s != IB_OK) {
            ib_check(0, "build batch %d: %s: %s", b + 1, ib_status_name(s), e.msg);
            return ib_check_done();
        }
        ib_check(1, "build batch %d", b + 1);
        CHECK_EQ("batch", net[b].batch, b + 1);
        ib_net_totals_of(&net[b], 0, &t[b][0]);
        ib_net_totals_of(&net[b], 1, &t[b][1]);
        check_wiring(&net[b]);
        check_modules(&net[b]);
        check_head(&net[b]);
        check_shapes(&net[b]);
    }
    CHECK_EQ("layers: same table for batch 1 and 2", net[1].count, net[0].count);

    /* A bad batch is an error value naming the first layer, with nothing left allocated. */
    ib_net bad;
    ib_status bs = ib_inception_v3_build(0, &bad, &e);
    check(bs == IB_INVALID && bad.layers == NULL && bad.count == 0 &&
              strstr(e.msg, "Conv2d_1a_3x3") != NULL,
          "batch 0 refused", bs, IB_INVALID);

    CHECK_EQ("convs without aux", t[0][0].convs, 94);
    CHECK_EQ("convs with aux", t[0][1].convs, 96);
    CHECK_EQ("params without aux", t[0][0].params, IB_TORCHVISION_PARAMS_NO_AUX);
    CHECK_EQ("params with aux", t[0][1].params, IB_TORCHVISION_PARAMS_WITH_AUX);
    CHECK_EQ("params independent of batch", t[1][1].params, t[0][1].params);
    const int64_t gmacs = 5710000000LL; /* torchvision: "GFLOPS 5.71" (multiply-adds) */
    int64_t dev = t[0][0].macs > gmacs ? t[0][0].macs - gmacs : gmacs - t[0][0].macs;
    check(dev * 200 <= gmacs, "MACs without aux within 0.5% of 5.71e9", t[0][0].macs, gmacs);
    CHECK_EQ("MACs without aux scale with batch", t[1][0].macs, 2 * t[0][0].macs);
    CHECK_EQ("MACs with aux scale with batch", t[1][1].macs, 2 * t[0][1].macs);

    int shapes = distinct_conv_shapes(&net[0]);
    check(shapes > 0 && shapes <= 94, "distinct conv shapes in 1..94", shapes, 43);
    printf("inception_v3: %d layers; batch 1: %" PRId64 " convs, %" PRId64 " MACs, %" PRId64
           " params without aux; %" PRId64 " convs, %" PRId64 " MACs, %" PRId64
           " params with aux; %d distinct non-aux conv shapes\n",
           net[0].count, t[0][0].convs, t[0][0].macs, t[0][0].params, t[0][1].convs, t[0][1].macs,
           t[0][1].params, shapes);

    ib_net_free(&net[0]);
    ib_net_free(&net[1]);
    return ib_check_done();
}
