/* The Inception-v3 layer table, built programmatically from torchvision's module structure. */
#include "core/inception_v3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The builder tracks each layer's output shape so that every shape is derived, not typed. */
typedef struct shape {
    int64_t c, h, w;
} shape;

typedef struct builder {
    ib_net *net;
    shape *out; /* out[i]: output shape (per image) of layer i */
    int cap;
    int aux; /* layers added now belong to AuxLogits */
    ib_status st;
    ib_err *e;
} builder;

static const shape input_shape = {3, 299, 299};

static shape shape_of(const builder *b, int idx)
{
    return idx < 0 ? input_shape : b->out[idx];
}

/* Appends a layer named prefix.name (or name when prefix is empty), validates it and records
 * its output shape from the validated descriptor; d NULL is an identity layer (output = its
 * input). Returns the layer's index, or -1 once anything failed. */
static int push(builder *b, const char *prefix, const char *name, const ib_desc *d, int nsrc,
                const int *src)
{
    if (b->st != IB_OK)
        return -1;
    ib_net *net = b->net;
    if (net->count == b->cap) {
        int cap = b->cap ? 2 * b->cap : 64;
        ib_layer *layers = realloc(net->layers, (size_t)cap * sizeof *layers);
        shape *outs = layers ? realloc(b->out, (size_t)cap * sizeof *outs) : NULL;
        if (layers)
            net->layers = layers;
        if (!layers || !outs) {
            b->st = ib_fail(b->e, IB_NOMEM, "inception_v3: out of memory at %d layers", cap);
            return -1;
        }
        b->out = outs;
        b->cap = cap;
    }
    ib_layer *l = &net->layers[net->count];
    memset(l, 0, sizeof *l);
    int len = prefix[0] ? snprintf(l->name, sizeof l->name, "%s.%s", prefix, name)
                        : snprintf(l->name, sizeof l->name, "%s", name);
    if (len < 0 || (size_t)len >= sizeof l->name) {
        b->st = ib_fail(b->e, IB_INVALID, "inception_v3: layer name %s.%s too long", prefix, name);
        return -1;
    }
    l->aux = b->aux;
    l->identity = d == NULL;
    l->nsrc = nsrc;
    for (int i = 0; i < nsrc; i++)
        l->src[i] = src[i];
    shape out = shape_of(b, src[0]);
    if (d) {
        l->desc = *d;
        ib_err ve;
        ib_status s = ib_desc_validate(&l->desc, &ve);
        if (s != IB_OK) {
            b->st = ib_fail(b->e, s, "inception_v3: %s: %s", l->name, ve.msg);
            return -1;
        }
        ib_arg_shapes as;
        ib_arg_shapes_of(&l->desc, &as);
        out = (shape){as.out[0].c, as.out[0].h, as.out[0].w};
    }
    b->out[net->count] = out;
    return net->count++;
}

ib_desc ib_basic_conv(int64_t n, int64_t ic, int64_t ih, int64_t iw, int64_t oc, int64_t kh,
                      int64_t kw, int64_t stride, int64_t pt, int64_t pb, int64_t pl, int64_t pr)
{
    ib_desc d = {.op = IB_OP_CONV};
    d.conv = (ib_conv_desc){.n = n,
                            .ic = ic,
                            .ih = ih,
                            .iw = iw,
                            .oc = oc,
                            .kh = kh,
                            .kw = kw,
                            .sh = stride,
                            .sw = stride,
                            .pt = pt,
                            .pb = pb,
                            .pl = pl,
                            .pr = pr,
                            .has_bias = 0,
                            .has_scale_shift = 1,
                            .relu = 1};
    return d;
}

/* BasicConv2d: conv(bias=False) -> BatchNorm2d(eps=0.001) folded into scale/shift -> ReLU. */
static int conv(builder *b, const char *prefix, const char *name, int src, int64_t oc, int64_t kh,
                int64_t kw, int64_t stride, int64_t ph, int64_t pw)
{
    shape in = shape_of(b, src);
    ib_desc d = ib_basic_conv(b->net->batch, in.c, in.h, in.w, oc, kh, kw, stride, ph, ph, pw, pw);
    return push(b, prefix, name, &d, 1, &src);
}

static int pool(builder *b, const char *prefix, const char *name, ib_op op, int src, int64_t k,
                int64_t stride, int64_t pad)
{
    shape in = shape_of(b, src);
    ib_desc d = {.op = op};
    d.pool = (ib_pool_desc){.n = b->net->batch,
                            .c = in.c,
                            .ih = in.h,
                            .iw = in.w,
                            .kh = k,
                            .kw = k,
                            .sh = stride,
                            .sw = stride,
                            .pt = pad,
                            .pb = pad,
                            .pl = pad,
                            .pr = pad,
                            .count_include_pad = 1}; /* PyTorch's default */
    return push(b, prefix, name, &d, 1, &src);
}

/* Concatenation along channels of the layers src[0..n-1], in that order. */
static int concat(builder *b, const char *prefix, const char *name, int n, const int *src)
{
    ib_desc d = {.op = IB_OP_CONCAT};
    d.concat.n = b->net->batch;
    d.concat.ninputs = n;
    for (int i = 0; i < n; i++) {
        shape in = shape_of(b, src[i]);
        d.concat.in[i] = (ib_concat_input){in.c, in.h, in.w};
    }
    return push(b, prefix, name, &d, n, src);
}

static int gap(builder *b, const char *prefix, const char *name, int src)
{
    shape in = shape_of(b, src);
    ib_desc d = {.op = IB_OP_GAP};
    d.gap = (ib_eltwise_desc){b->net->batch, in.c, in.h, in.w};
    return push(b, prefix, name, &d, 1, &src);
}

static int fc(builder *b, const char *prefix, const char *name, int src, int64_t oc)
{
    shape in = shape_of(b, src); /* flattened: c*h*w features */
    ib_desc d = {.op = IB_OP_FC};
    d.fc = (ib_fc_desc){.n = b->net->batch, .ic = in.c * in.h * in.w, .oc = oc, .has_bias = 1};
    return push(b, prefix, name, &d, 1, &src);
}

static int softmax(builder *b, const char *name, int src)
{
    shape in = shape_of(b, src);
    ib_desc d = {.op = IB_OP_SOFTMAX};
    d.softmax = (ib_softmax_desc){b->net->batch, in.c * in.h * in.w};
    return push(b, "", name, &d, 1, &src);
}

static int identity(builder *b, const char *name, int src)
{
    return push(b, "", name, NULL, 1, &src);
}

/* InceptionA(in, pool_features): 35x35 modules Mixed_5b/5c/5d. */
static int inception_a(builder *b, const char *m, int x, int64_t pool_features)
{
    int b1 = conv(b, m, "branch1x1", x, 64, 1, 1, 1, 0, 0);
    int b5 = conv(b, m, "branch5x5_1", x, 48, 1, 1, 1, 0, 0);
    b5 = conv(b, m, "branch5x5_2", b5, 64, 5, 5, 1, 2, 2);
    int b3 = conv(b, m, "branch3x3dbl_1", x, 64, 1, 1, 1, 0, 0);
    b3 = conv(b, m, "branch3x3dbl_2", b3, 96, 3, 3, 1, 1, 1);
    b3 = conv(b, m, "branch3x3dbl_3", b3, 96, 3, 3, 1, 1, 1);
    int bp = pool(b, m, "avg_pool", IB_OP_AVGPOOL, x, 3, 1, 1);
    bp = conv(b, m, "branch_pool", bp, pool_features, 1, 1, 1, 0, 0);
    return concat(b, m, "concat", 4, (const int[]){b1, b5, b3, bp});
}

/* InceptionB: the 35x35 -> 17x17 reduction Mixed_6a. */
static int inception_b(builder *b, const char *m, int x)
{
    int b3 = conv(b, m, "branch3x3", x, 384, 3, 3, 2, 0, 0);
    int bd = conv(b, m, "branch3x3dbl_1", x, 64, 1, 1, 1, 0, 0);
    bd = conv(b, m, "branch3x3dbl_2", bd, 96, 3, 3, 1, 1, 1);
    bd = conv(b, m, "branch3x3dbl_3", bd, 96, 3, 3, 2, 0, 0);
    int bp = pool(b, m, "max_pool", IB_OP_MAXPOOL, x, 3, 2, 0);
    return concat(b, m, "concat", 3, (const int[]){b3, bd, bp});
}

/* InceptionC(in, channels_7x7): 17x17 modules Mixed_6b..6e, factorized 7x7 convolutions. */
static int inception_c(builder *b, const char *m, int x, int64_t c7)
{
    int b1 = conv(b, m, "branch1x1", x, 192, 1, 1, 1, 0, 0);
    int b7 = conv(b, m, "branch7x7_1", x, c7, 1, 1, 1, 0, 0);
    b7 = conv(b, m, "branch7x7_2", b7, c7, 1, 7, 1, 0, 3);
    b7 = conv(b, m, "branch7x7_3", b7, 192, 7, 1, 1, 3, 0);
    int bd = conv(b, m, "branch7x7dbl_1", x, c7, 1, 1, 1, 0, 0);
    bd = conv(b, m, "branch7x7dbl_2", bd, c7, 7, 1, 1, 3, 0);
    bd = conv(b, m, "branch7x7dbl_3", bd, c7, 1, 7, 1, 0, 3);
    bd = conv(b, m, "branch7x7dbl_4", bd, c7, 7, 1, 1, 3, 0);
    bd = conv(b, m, "branch7x7dbl_5", bd, 192, 1, 7, 1, 0, 3);
    int bp = pool(b, m, "avg_pool", IB_OP_AVGPOOL, x, 3, 1, 1);
    bp = conv(b, m, "branch_pool", bp, 192, 1, 1, 1, 0, 0);
    return concat(b, m, "concat", 4, (const int[]){b1, b7, bd, bp});
}

/* InceptionD: the 17x17 -> 8x8 reduction Mixed_7a. */
static int inception_d(builder *b, const char *m, int x)
{
    int b3 = conv(b, m, "branch3x3_1", x, 192, 1, 1, 1, 0, 0);
    b3 = conv(b, m, "branch3x3_2", b3, 320, 3, 3, 2, 0, 0);
    int b7 = conv(b, m, "branch7x7x3_1", x, 192, 1, 1, 1, 0, 0);
    b7 = conv(b, m, "branch7x7x3_2", b7, 192, 1, 7, 1, 0, 3);
    b7 = conv(b, m, "branch7x7x3_3", b7, 192, 7, 1, 1, 3, 0);
    b7 = conv(b, m, "branch7x7x3_4", b7, 192, 3, 3, 2, 0, 0);
    int bp = pool(b, m, "max_pool", IB_OP_MAXPOOL, x, 3, 2, 0);
    return concat(b, m, "concat", 3, (const int[]){b3, b7, bp});
}

/* InceptionE: 8x8 modules Mixed_7b/7c, with inner concats of the 1x3 and 3x1 branches. */
static int inception_e(builder *b, const char *m, int x)
{
    int b1 = conv(b, m, "branch1x1", x, 320, 1, 1, 1, 0, 0);
    int b3 = conv(b, m, "branch3x3_1", x, 384, 1, 1, 1, 0, 0);
    int b3a = conv(b, m, "branch3x3_2a", b3, 384, 1, 3, 1, 0, 1);
    int b3b = conv(b, m, "branch3x3_2b", b3, 384, 3, 1, 1, 1, 0);
    b3 = concat(b, m, "branch3x3_concat", 2, (const int[]){b3a, b3b});
    int bd = conv(b, m, "branch3x3dbl_1", x, 448, 1, 1, 1, 0, 0);
    bd = conv(b, m, "branch3x3dbl_2", bd, 384, 3, 3, 1, 1, 1);
    int bda = conv(b, m, "branch3x3dbl_3a", bd, 384, 1, 3, 1, 0, 1);
    int bdb = conv(b, m, "branch3x3dbl_3b", bd, 384, 3, 1, 1, 1, 0);
    bd = concat(b, m, "branch3x3dbl_concat", 2, (const int[]){bda, bdb});
    int bp = pool(b, m, "avg_pool", IB_OP_AVGPOOL, x, 3, 1, 1);
    bp = conv(b, m, "branch_pool", bp, 192, 1, 1, 1, 0, 0);
    return concat(b, m, "concat", 4, (const int[]){b1, b3, bd, bp});
}

/* InceptionAux after Mixed_6e; in eval mode torchvision skips it, so its layers say aux=1. */
static void inception_aux(builder *b, int x, int64_t classes)
{
    const char *m = "AuxLogits";
    b->aux = 1;
    int y = pool(b, m, "avg_pool", IB_OP_AVGPOOL, x, 5, 3, 0);
    y = conv(b, m, "conv0", y, 128, 1, 1, 1, 0, 0);
    y = conv(b, m, "conv1", y, 768, 5, 5, 1, 0, 0);
    y = gap(b, m, "avgpool", y);
    fc(b, m, "fc", y, classes);
    b->aux = 0;
}

/* Inception3._forward, in order (transform_input is an input affine, not a layer). */
ib_status ib_inception_v3_build(int64_t batch, ib_net *net, ib_err *e)
{
    enum { classes = 1000 };
    memset(net, 0, sizeof *net);
    net->batch = batch;
    builder b = {.net = net, .st = IB_OK, .e = e};

    int x = conv(&b, "", "Conv2d_1a_3x3", -1, 32, 3, 3, 2, 0, 0);
    x = conv(&b, "", "Conv2d_2a_3x3", x, 32, 3, 3, 1, 0, 0);
    x = conv(&b, "", "Conv2d_2b_3x3", x, 64, 3, 3, 1, 1, 1);
    x = pool(&b, "", "maxpool1", IB_OP_MAXPOOL, x, 3, 2, 0);
    x = conv(&b, "", "Conv2d_3b_1x1", x, 80, 1, 1, 1, 0, 0);
    x = conv(&b, "", "Conv2d_4a_3x3", x, 192, 3, 3, 1, 0, 0);
    x = pool(&b, "", "maxpool2", IB_OP_MAXPOOL, x, 3, 2, 0);
    x = inception_a(&b, "Mixed_5b", x, 32);
    x = inception_a(&b, "Mixed_5c", x, 64);
    x = inception_a(&b, "Mixed_5d", x, 64);
    x = inception_b(&b, "Mixed_6a", x);
    x = inception_c(&b, "Mixed_6b", x, 128);
    x = inception_c(&b, "Mixed_6c", x, 160);
    x = inception_c(&b, "Mixed_6d", x, 160);
    x = inception_c(&b, "Mixed_6e", x, 192);
    inception_aux(&b, x, classes);
    x = inception_d(&b, "Mixed_7a", x);
    x = inception_e(&b, "Mixed_7b", x);
    x = inception_e(&b, "Mixed_7c", x);
    x = gap(&b, "", "avgpool", x);
    x = identity(&b, "dropout", x);
    x = fc(&b, "", "fc", x, classes);
    softmax(&b, "softmax", x);

    free(b.out);
    if (b.st != IB_OK)
        ib_net_free(net);
    return b.st;
}

void ib_net_free(ib_net *net)
{
    free(net->layers);
    net->layers = NULL;
    net->count = 0;
}

void ib_net_totals_of(const ib_net *net, int with_aux, ib_net_totals *t)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < net->count; i++) {
        const ib_layer *l = &net->layers[i];
        if (l->identity || (l->aux && !with_aux))
            continue;
        ib_work w;
        ib_desc_work(&l->desc, &w);
        t->macs += w.macs;
        t->params += w.params;
        t->convs += l->desc.op == IB_OP_CONV;
    }
}
