/* Unit tests of the portable core: validation, shapes, work counts, layouts, CPU cap, registry,
 * plain packing, the folded batch-norm and instances. Ends with "N passed, N failed". */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conv_fold.h"
#include "core/cpu.h"
#include "core/desc.h"
#include "core/impl.h"
#include "core/layout.h"
#include "core/native.h"
#include "core/registry.h"
#include "harness/verify.h"
#include "reference/reference.h"
#include "tests/check.h"
#include "tests/desc_text.h"

/* ---- descriptors ------------------------------------------------------------------------ */

static ib_desc concat4(int64_t h0, int64_t h2)
{
    ib_desc d = {.op = IB_OP_CONCAT};
    d.concat.n = 1;
    d.concat.ninputs = 4;
    d.concat.in[0] = (ib_concat_input){64, h0, h0};
    d.concat.in[1] = (ib_concat_input){64, h0, h0};
    d.concat.in[2] = (ib_concat_input){96, h2, h2};
    d.concat.in[3] = (ib_concat_input){32, h0, h0};
    return d;
}

typedef struct bad_case {
    const char *what;
    ib_desc d;
    ib_status want;
    const char *field; /* must appear in the message */
} bad_case;

static void test_validation_table(void)
{
    bad_case t[64];
    int k = 0;
#define BAD(w, desc, st, f) t[k++] = (bad_case){w, desc, st, f}
    ib_desc d;

    /* each from a valid descriptor's text, then the one field made bad */
    const char *conv1 = "mb1ic3ih35oc64kh1", *conv3 = "mb1ic3ih35oc8kh3";
    d = ib_test_desc(conv1), d.conv.ic = 0;
    BAD("conv ic 0", d, IB_INVALID, "ic must be > 0");
    d = ib_test_desc(conv1), d.conv.n = -1;
    BAD("conv n -1", d, IB_INVALID, "n must be > 0");
    d = ib_test_desc(conv1), d.conv.oc = 0;
    BAD("conv oc 0", d, IB_INVALID, "oc");
    d = ib_test_desc(conv1), d.conv.kw = 0;
    BAD("conv kw 0", d, IB_INVALID, "kw");
    d = ib_test_desc(conv3), d.conv.sh = 0;
    BAD("conv stride 0", d, IB_INVALID, "sh");
    d = ib_test_desc(conv3), d.conv.sw = -2;
    BAD("conv sw -2", d, IB_INVALID, "sw");
    d = ib_test_desc(conv3), d.conv.pl = -1;
    BAD("conv pad -1", d, IB_INVALID, "pl");
    d = ib_test_desc("mb1ic3ih5oc8kh3pt1pb1pl0pr0"), d.conv.kh = 9;
    BAD("conv kernel > padded input", d, IB_INVALID,
        "kh=9 larger than padded input height 7 (ih 5 + pt 1 + pb 1)");
    d = ib_test_desc("mb1ic3ih5oc8kh3"), d.conv.kw = 6;
    BAD("conv kw > padded width", d, IB_INVALID, "kw=6");
    d = ib_test_desc("mb1ic1ih1oc1kh1"), d.conv.ih = (int64_t)1 << 40;
    BAD("conv ih 2^40", d, IB_OVERFLOW, "src");
    d = ib_test_desc("mb1ic4ih1oc1kh1"), d.conv.n = INT64_MAX / 2;
    BAD("conv n*ic overflow", d, IB_OVERFLOW, "src");
    d = ib_test_desc("mb1ic1ih3oc1kh3"), d.conv.ic = d.conv.oc = 1 << 20;
    BAD("conv weights too large", d, IB_OVERFLOW, "weights");
    d = ib_test_desc("mb1ic1ih5oc1kh1pt0pb5pl0pr0"), d.conv.pt = INT64_MAX - 2;
    BAD("conv pad overflow", d, IB_OVERFLOW, "height");
    d = ib_test_desc("mb1ic1ih1oc1kh1");
    d.conv.pt = d.conv.pb = d.conv.pl = d.conv.pr = 1 << 20;
    BAD("conv dst too large", d, IB_OVERFLOW, "dst");

    d = ib_test_desc("maxpool:mb1ic8ih35kh3sh2"), d.pool.c = 0;
    BAD("maxpool c 0", d, IB_INVALID, "maxpool: c must be > 0");
    d = ib_test_desc("avgpool:mb1ic8ih35kh3sh2"), d.pool.sh = 0;
    BAD("avgpool sh 0", d, IB_INVALID, "avgpool: sh");
    d = ib_test_desc("maxpool:mb1ic8ih35kh3"), d.pool.pt = 3;
    BAD("maxpool pad = kernel", d, IB_INVALID, "pt=3");
    d = ib_test_desc("maxpool:mb1ic8ih35kh3ph1"), d.pool.pr = 5;
    BAD("maxpool right pad > kernel", d, IB_INVALID, "pr=5");
    d = ib_test_desc("maxpool:mb1ic8ih3kh3"), d.pool.ih = 2;
    BAD("maxpool kernel > input", d, IB_INVALID, "kh=3");
    d = ib_test_desc("avgpool:mb1ic8ih35kh3"), d.pool.pb = -1;
    BAD("avgpool pb -1", d, IB_INVALID, "pb");

    d = (ib_desc){.op = IB_OP_BN, .bn = {1, 0, 3, 3, 0.001f}};
    BAD("bn c 0", d, IB_INVALID, "c must be > 0");
    d = (ib_desc){.op = IB_OP_BN, .bn = {1, 4, 3, 3, -0.5f}};
    BAD("bn eps < 0", d, IB_INVALID, "eps");
    d = (ib_desc){.op = IB_OP_BN, .bn = {1, 4, 3, 3, NAN}};
    BAD("bn eps NaN", d, IB_INVALID, "eps");
    d = (ib_desc){.op = IB_OP_RELU, .relu = {1, 4, 0, 3}};
    BAD("relu h 0", d, IB_INVALID, "relu: h");
    d = (ib_desc){.op = IB_OP_GAP, .gap = {1, 4, 8, -8}};
    BAD("gap w -8", d, IB_INVALID, "gap: w");
    d = (ib_desc){.op = IB_OP_RELU, .relu = {(int64_t)1 << 20, (int64_t)1 << 20, 1 << 10, 1}};
    BAD("relu too large", d, IB_OVERFLOW, "too large");

    d = concat4(35, 17);
    BAD("concat height differs", d, IB_INVALID, "input 2 height 17 differs from input 0 height 35");
    d = concat4(35, 35);
    d.concat.in[1].w = 34;
    BAD("concat width differs", d, IB_INVALID, "input 1 width");
    d = concat4(35, 35);
    d.concat.ninputs = 0;
    BAD("concat no inputs", d, IB_INVALID, "ninputs");
    d = concat4(35, 35);
    d.concat.ninputs = IB_CONCAT_MAX + 1;
    BAD("concat too many inputs", d, IB_INVALID, "ninputs");
    d = concat4(35, 35);
    d.concat.in[3].c = 0;
    BAD("concat input c 0", d, IB_INVALID, "input 3 c");
    d = concat4(35, 35);
    d.concat.n = 0;
    BAD("concat n 0", d, IB_INVALID, "concat: n");

    d = (ib_desc){.op = IB_OP_FC, .fc = {1, 2048, 0, 1}};
    BAD("fc oc 0", d, IB_INVALID, "fc: oc");
    d = (ib_desc){.op = IB_OP_FC, .fc = {1 << 20, 1 << 20, 1 << 20, 1}};
    BAD("fc too large", d, IB_OVERFLOW, "fc");
    d = (ib_desc){.op = IB_OP_SOFTMAX, .softmax = {1, 0}};
    BAD("softmax c 0", d, IB_INVALID, "softmax: c");
    d = (ib_desc){.op = IB_OP_LSLOSS, .lsloss = {4, 1000, 1.5f}};
    BAD("lsloss eps > 1", d, IB_INVALID, "eps");
    d = (ib_desc){.op = IB_OP_LSLOSS, .lsloss = {4, 1000, -0.1f}};
    BAD("lsloss eps < 0", d, IB_INVALID, "eps");
    d = (ib_desc){.op = IB_OP_LSLOSS, .lsloss = {4, 1000, INFINITY}};
    BAD("lsloss eps inf", d, IB_INVALID, "eps");
    d = (ib_desc){.op = IB_OP_LSLOSS, .lsloss = {0, 1000, 0.1f}};
    BAD("lsloss n 0", d, IB_INVALID, "lsloss: n");
    d = (ib_desc){.op = (ib_op)99};
    BAD("unknown op", d, IB_INVALID, "op");
#undef BAD

    printf("validation messages:\n");
    for (int i = 0; i < k; i++) {
        ib_err e = {{0}};
        ib_status st = ib_desc_validate(&t[i].d, &e);
        printf("  %-28s %-8s %s\n", t[i].what, ib_status_name(st), e.msg);
        ib_check(st == t[i].want, "%s: status %s, want %s", t[i].what, ib_status_name(st),
                 ib_status_name(t[i].want));
        ib_check(strstr(e.msg, t[i].field) != NULL, "%s: message \"%s\" lacks \"%s\"", t[i].what,
                 e.msg, t[i].field);
    }
    /* A NULL ib_err is allowed. */
    ib_desc z = ib_test_desc("mb1ic1ih3oc1kh1");
    z.conv.ic = 0;
    ib_check(ib_desc_validate(&z, NULL) == IB_INVALID, "validate with NULL err");
}

static void expect_out(const char *what, ib_desc d, int64_t oh, int64_t ow)
{
    ib_err e = {{0}};
    ib_status st = ib_desc_validate(&d, &e);
    ib_check(st == IB_OK, "%s: %s %s", what, ib_status_name(st), e.msg);
    if (st != IB_OK)
        return;
    int64_t goh = 0, gow = 0;
    if (d.op == IB_OP_CONV)
        goh = d.conv.oh, gow = d.conv.ow;
    else if (d.op == IB_OP_MAXPOOL || d.op == IB_OP_AVGPOOL)
        goh = d.pool.oh, gow = d.pool.ow;
    else if (d.op == IB_OP_CONCAT)
        goh = d.concat.oh, gow = d.concat.ow;
    ib_check(goh == oh && gow == ow,
             "%s: output %" PRId64 "x%" PRId64 ", want %" PRId64 "x%" PRId64, what, goh, gow, oh,
             ow);
}

static void test_derived_sizes(void)
{
    expect_out("stem 3x3 s2 299", ib_test_desc("mb1ic3ih299iw299oc32kh3kw3sh2pt0pb0pl0pr0"), 149,
               149);
    expect_out("3x3 s2 35 -> 17", ib_test_desc("mb1ic288ih35iw35oc384kh3kw3sh2pt0pb0pl0pr0"), 17,
               17);
    expect_out("1x7 pad 0/3 keeps 17", ib_test_desc("mb1ic128ih17iw17oc128kh1kw7sh1pt0pb0pl3pr3"),
               17, 17);
    expect_out("7x1 pad 3/0 keeps 17", ib_test_desc("mb1ic128ih17iw17oc192kh7kw1sh1pt3pb3pl0pr0"),
               17, 17);
    expect_out("3x3 pad 1 keeps 35", ib_test_desc("mb1ic64ih35iw35oc96kh3kw3sh1pt1pb1pl1pr1"), 35,
               35);
    expect_out("1x3 on 8x8", ib_test_desc("mb1ic384ih8iw8oc384kh1kw3sh1pt0pb0pl1pr1"), 8, 8);
    expect_out("aux 5x5 conv", ib_test_desc("mb1ic128ih5iw5oc768kh5kw5sh1pt0pb0pl0pr0"), 1, 1);
    expect_out("maxpool 3x3 s2 147", ib_test_desc("maxpool:mb1ic64ih147kh3sh2ph0"), 73, 73);
    expect_out("maxpool 3x3 s2 35", ib_test_desc("maxpool:mb1ic288ih35kh3sh2ph0"), 17, 17);
    expect_out("avgpool 3x3 s1 p1", ib_test_desc("avgpool:mb1ic192ih35kh3sh1ph1"), 35, 35);
    expect_out("aux avgpool 5x5 s3", ib_test_desc("avgpool:mb1ic768ih17kh5sh3ph0"), 5, 5);

    ib_desc d = concat4(35, 35);
    expect_out("Mixed_5b concat", d, 35, 35);
    ib_desc_validate(&d, NULL);
    ib_check(d.concat.oc == 256, "concat oc %" PRId64 ", want 256", d.concat.oc);

    ib_desc f = {.op = IB_OP_FC, .fc = {2, 2048, 1000, 1}};
    ib_check(ib_desc_validate(&f, NULL) == IB_OK, "fc 2048->1000 valid");
    ib_desc l = {.op = IB_OP_LSLOSS, .lsloss = {8, 1, 0.0f}};
    ib_check(ib_desc_validate(&l, NULL) == IB_OK, "lsloss c=1 eps=0 valid");
    ib_desc b = {.op = IB_OP_BN, .bn = {1, 32, 149, 149, 0.0f}};
    ib_check(ib_desc_validate(&b, NULL) == IB_OK, "bn eps=0 valid");
}

static void test_shapes_and_str(void)
{
    ib_desc d = ib_test_desc("mb2ic192ih35iw35oc64kh1kw1sh1pt0pb0pl0pr0");
    d.conv.has_scale_shift = 1;
    d.conv.relu = 1;
    ib_desc_validate(&d, NULL);
    ib_arg_shapes s;
    ib_arg_shapes_of(&d, &s);
    ib_check(s.nin == 5 && s.nout == 1, "conv nin %d nout %d", s.nin, s.nout);
    ib_check(s.in_is_data[0] && !s.in_is_data[1] && !s.in_is_data[3], "conv in_is_data");
    ib_check(s.in[1].n == 64 && s.in[1].c == 192 && s.in[1].h == 1, "conv weights dims");
    ib_check(ib_dims_count(s.in[2]) == 0, "conv absent bias has zero dims");
    ib_check(s.in[3].c == 64 && ib_dims_count(s.in[4]) == 64, "conv scale/shift dims");
    ib_check(s.out[0].n == 2 && s.out[0].c == 64 && s.out[0].h == 35, "conv dst dims");

    char buf[160];
    ib_desc plain = ib_test_desc("mb1ic192ih35iw35oc64kh1kw1sh1pt0pb0pl0pr0");
    ib_desc_validate(&plain, NULL);
    const char *want = "mb1ic192ih35iw35oc64oh35ow35kh1kw1sh1sw1pt0pb0pl0pr0";
    ib_check(strcmp(ib_desc_str(&plain, buf, sizeof buf), want) == 0, "conv str %s", buf);
    ib_desc_str(&d, buf, sizeof buf);
    ib_check(strstr(buf, "_bn_relu") != NULL, "conv str suffix %s", buf);
    ib_desc p = ib_test_desc("avgpool:mb1ic288ih35kh3sh2ph0");
    p.pool.count_include_pad = 0;
    ib_desc_validate(&p, NULL);
    want = "mb1ic288ih35iw35oh17ow17kh3kw3sh2sw2pt0pb0pl0pr0_excl";
    ib_check(strcmp(ib_desc_str(&p, buf, sizeof buf), want) == 0, "pool str %s", buf);
    char tiny[8];
    ib_desc_str(&plain, tiny, sizeof tiny);
    ib_check(strlen(tiny) == 7 && strncmp(tiny, want, 2) == 0, "str truncates safely: %s", tiny);

    ib_desc l = {.op = IB_OP_LSLOSS, .lsloss = {4, 1000, 0.1f}};
    ib_desc_validate(&l, NULL);
    ib_arg_shapes_of(&l, &s);
    ib_check(s.nin == 1 && s.nout == 2 && s.nlabels == 4, "lsloss counts");
    ib_check(ib_dims_count(s.out[0]) == 1 && s.out[1].n == 4 && s.out[1].c == 1000,
             "lsloss out dims");
    ib_desc g = {.op = IB_OP_GAP, .gap = {2, 2048, 8, 8}};
    ib_arg_shapes_of(&g, &s);
    ib_check(s.out[0].c == 2048 && s.out[0].h == 1 && s.out[0].w == 1, "gap out dims");

    ib_op op;
    for (int i = 0; i < IB_OP_COUNT; i++)
        ib_check(ib_op_from_name(ib_op_name((ib_op)i), &op) && op == (ib_op)i, "op name %d", i);
    ib_check(!ib_op_from_name("convolution", &op), "unknown op name refused");
}

/* ---- work ------------------------------------------------------------------------------- */

static void test_work(void)
{
    /* 2 input channels of 3x3, one 3x3 filter, pad 1: 9 outputs x 18 taps = 162 MACs. Valid
     * rows per output row: 2, 3, 2 (sum 7); same for columns: 2 * 7 * 7 = 98 inside. */
    ib_desc d = ib_test_desc("mb1ic2ih3iw3oc1kh3kw3sh1pt1pb1pl1pr1");
    d.conv.has_bias = 1;
    ib_check(ib_desc_validate(&d, NULL) == IB_OK, "work conv valid");
    ib_work w;
    ib_desc_work(&d, &w);
    ib_check(w.macs == 162, "macs %" PRId64 ", want 162", w.macs);
    ib_check(w.macs_nonpad == 98, "macs_nonpad %" PRId64 ", want 98", w.macs_nonpad);
    ib_check(w.flops == 324, "flops %" PRId64, w.flops);
    ib_check(w.params == 19, "params %" PRId64 ", want 19", w.params);
    ib_check(w.bytes_read == 4 * (18 + 19), "bytes_read %" PRId64, w.bytes_read);
    ib_check(w.bytes_written == 36, "bytes_written %" PRId64, w.bytes_written);

    /* Stride 2, pad 0/1 on one side: 5 rows, k3 s2 pt0 pb1 -> oh 2; rows 0-2 and 2-4: 3+3. */
    ib_desc s = ib_test_desc("mb1ic1ih5iw4oc1kh3kw1sh2pt0pb1pl0pr0");
    ib_check(ib_desc_validate(&s, NULL) == IB_OK, "strided conv valid");
    ib_desc_work(&s, &w);
    ib_check(s.conv.oh == 2 && s.conv.ow == 2, "strided out %" PRId64 "x%" PRId64, s.conv.oh,
             s.conv.ow);
    ib_check(w.macs == 12 && w.macs_nonpad == 12, "strided macs %" PRId64 "/%" PRId64, w.macs,
             w.macs_nonpad);

    ib_desc c2 = ib_test_desc("mb1ic288ih35iw35oc384kh3kw3sh2pt0pb0pl0pr0");
    c2.conv.has_scale_shift = 1;
    ib_desc_validate(&c2, NULL);
    ib_desc_work(&c2, &w);
    ib_check(w.macs == (int64_t)384 * 17 * 17 * 288 * 9 && w.macs == w.macs_nonpad,
             "Mixed_6a 3x3 macs %" PRId64, w.macs);
    ib_check(w.params == 384 * 288 * 9 + 2 * 384, "Mixed_6a params %" PRId64, w.params);

    ib_desc f = {.op = IB_OP_FC, .fc = {1, 2048, 1000, 1}};
    ib_desc_validate(&f, NULL);
    ib_desc_work(&f, &w);
    ib_check(w.macs == 2048000 && w.params == 2049000, "fc macs %" PRId64 " params %" PRId64,
             w.macs, w.params);
    ib_desc b = {.op = IB_OP_BN, .bn = {1, 32, 10, 10, 0.001f}};
    ib_desc_validate(&b, NULL);
    ib_desc_work(&b, &w);
    ib_check(w.params == 64 && w.macs == 0 && w.flops == 6400, "bn params %" PRId64, w.params);
    ib_desc m = ib_test_desc("maxpool:mb1ic1ih3kh3sh1ph1");
    ib_desc_validate(&m, NULL);
    ib_desc_work(&m, &w);
    ib_check(w.flops == 49 && w.params == 0, "maxpool taps %" PRId64 ", want 49", w.flops);
}

/* ---- layouts ---------------------------------------------------------------------------- */

static void test_layout(void)
{
    const int cs[] = {1, 3, 5, 8, 13, 16, 17, 33};
    const ib_layout ls[] = {IB_LAYOUT_NCHW4C, IB_LAYOUT_NCHW8C, IB_LAYOUT_NCHW16C};
    const int64_t n = 2, h = 3, w = 5;
    for (unsigned li = 0; li < 3; li++) {
        const int V = ib_layout_block(ls[li]);
        for (unsigned ci = 0; ci < sizeof cs / sizeof cs[0]; ci++) {
            const int64_t c = cs[ci], plain = n * c * h * w;
            const int64_t be = ib_layout_elems(ls[li], n, c, h, w);
            ib_check(be == n * ((c + V - 1) / V * V) * h * w, "elems V%d c%" PRId64, V, c);
            float *a = ib_alloc((size_t)plain * 4), *bl = ib_alloc((size_t)be * 4);
            float *back = ib_alloc((size_t)plain * 4), *bl2 = ib_alloc((size_t)be * 4);
            ib_check(((uintptr_t)a & 63) == 0 && ((uintptr_t)bl & 63) == 0, "ib_alloc aligned");
            for (int64_t i = 0; i < plain; i++)
                a[i] = (float)(i + 1);
            for (int64_t i = 0; i < be; i++)
                bl[i] = NAN;
            ib_reorder(a, IB_LAYOUT_NCHW, bl, ls[li], n, c, h, w);
            int bad_pos = 0, bad_pad = 0;
            for (int64_t in = 0; in < n; in++)
                for (int64_t ic = 0; ic < (c + V - 1) / V * V; ic++)
                    for (int64_t p = 0; p < h * w; p++) {
                        int64_t cb = (c + V - 1) / V;
                        float v = bl[((in * cb + ic / V) * h * w + p) * V + ic % V];
                        if (ic >= c)
                            bad_pad += v != 0.0f;
                        else
                            bad_pos += v != a[(in * c + ic) * h * w + p];
                    }
            ib_check(bad_pos == 0, "%s c=%" PRId64 ": %d misplaced", ib_layout_name(ls[li]), c,
                     bad_pos);
            ib_check(bad_pad == 0, "%s c=%" PRId64 ": %d pad channels not zero",
                     ib_layout_name(ls[li]), c, bad_pad);
            ib_reorder(bl, ls[li], back, IB_LAYOUT_NCHW, n, c, h, w);
            ib_check(memcmp(a, back, (size_t)plain * 4) == 0, "%s c=%" PRId64 ": round trip",
                     ib_layout_name(ls[li]), c);
            /* Blocked to another blocking and back. */
            const ib_layout other = ls[(li + 1) % 3];
            float *ob = ib_alloc((size_t)ib_layout_elems(other, n, c, h, w) * 4);
            ib_reorder(bl, ls[li], ob, other, n, c, h, w);
            ib_reorder(ob, other, bl2, ls[li], n, c, h, w);
            ib_check(memcmp(bl, bl2, (size_t)be * 4) == 0, "%s<->%s c=%" PRId64,
                     ib_layout_name(ls[li]), ib_layout_name(other), c);
            ib_free(ob);
            ib_free(a);
            ib_free(bl);
            ib_free(back);
            ib_free(bl2);
        }
    }
    ib_check(ib_layout_elems(IB_LAYOUT_NCHW16C, INT64_MAX / 4, 3, 1, 1) == -1, "elems overflow");
    ib_check(ib_layout_elems(IB_LAYOUT_NCHW, -1, 3, 1, 1) == -1, "elems negative");
    ib_check(ib_alloc(0) == NULL, "ib_alloc(0) is NULL");
    int64_t r = 7;
    ib_check(!ib_mul_ok(INT64_MAX, 2, &r) && r == 7, "mul overflow refused");
    ib_check(!ib_mul_ok(-1, 2, &r) && !ib_add_ok(INT64_MAX, 1, &r), "negative/add refused");
    ib_check(ib_mul_ok(1 << 20, 1 << 20, &r) && r == (int64_t)1 << 40, "mul ok");
}

/* ---- CPU -------------------------------------------------------------------------------- */

static void test_cpu(void)
{
    ib_cpu x86 = {.best = IB_ISA_AVX2, .has_avx2 = 1, .has_fma = 1};
    ib_cpu arm = {.best = IB_ISA_NEON, .has_neon = 1};
    const struct {
        const char *value;
        const ib_cpu *hw;
        ib_isa want;
        int ok;
    } t[] = {
        {NULL, &x86, IB_ISA_AVX2, 1},       {"", &x86, IB_ISA_AVX2, 1},
        {"avx512", &x86, IB_ISA_AVX2, 1},   {"AVX2", &x86, IB_ISA_AVX2, 1},
        {"scalar", &x86, IB_ISA_SCALAR, 1}, {"Ref", &x86, IB_ISA_SCALAR, 1},
        {"neon", &x86, IB_ISA_SCALAR, 1},   {"sse4", &x86, IB_ISA_SCALAR, 0},
        {"avx2", &arm, IB_ISA_NEON, 1},     {"scalar", &arm, IB_ISA_SCALAR, 1},
        {"NEON", &arm, IB_ISA_NEON, 1},     {"bogus", &arm, IB_ISA_SCALAR, 0},
    };
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        char err[160] = "x";
        ib_isa cap = IB_ISA_COUNT;
        int ok = ib_cpu_parse_cap(t[i].value, t[i].hw, &cap, err, sizeof err);
        const char *v = t[i].value ? t[i].value : "(unset)";
        ib_check(ok == t[i].ok && cap == t[i].want, "cap \"%s\" on %s: ok %d cap %s", v,
                 t[i].hw == &x86 ? "x86" : "arm", ok, ib_isa_name(cap));
        ib_check(ok ? err[0] == '\0' : strstr(err, t[i].value) && strstr(err, "avx2"),
                 "cap \"%s\" error text \"%s\"", v, err);
        if (!ok)
            printf("cap error: %s\n", err);
    }
    ib_isa isa;
    ib_check(ib_isa_from_name("avx512", &isa) && isa == IB_ISA_AVX512, "isa from name");
    ib_check(!ib_isa_from_name("avx", &isa), "isa unknown name");

    const ib_cpu *c = ib_cpu_get();
    ib_check(c == ib_cpu_get(), "cpu cached");
    ib_check(c->cores >= 1, "cores %d", c->cores);
    ib_check(c->cap <= c->best || c->best == IB_ISA_NEON || c->cap_error[0], "cap within best");
    ib_check(ib_isa_usable(IB_ISA_SCALAR, NULL), "scalar usable");
    const char *why = NULL;
    int u = ib_isa_usable(c->best, &why);
    ib_check(u || c->cap != c->best, "best isa usable unless capped (%s)", why ? why : "");
#if defined(__x86_64__)
    ib_check(!ib_isa_usable(IB_ISA_NEON, &why) && why, "neon not usable on x86");
#endif
    printf("cpu: %s %s \"%s\" cores %d l1d %" PRId64 " l2 %" PRId64 " l3 %" PRId64
           " best %s cap %s%s%s\n",
           c->arch, c->vendor, c->model, c->cores, c->l1d, c->l2, c->l3, ib_isa_name(c->best),
           ib_isa_name(c->cap), c->cap_error[0] ? " error: " : "", c->cap_error);
}

/* ---- plain packing ---------------------------------------------------------------------- */

static void test_plain_pack(void)
{
    ib_desc d = ib_test_desc("mb1ic3ih4iw4oc5kh3kw3sh1pt1pb1pl1pr1");
    d.conv.has_bias = 1;
    d.conv.has_scale_shift = 1;
    ib_desc_validate(&d, NULL);
    float wts[5 * 3 * 9], bias[5], scale[5], shift[5], src[48];
    for (int i = 0; i < 135; i++)
        wts[i] = (float)i;
    for (int i = 0; i < 5; i++)
        bias[i] = 100.0f + i, scale[i] = 200.0f + i, shift[i] = 300.0f + i;
    ib_args a = {.in = {src, wts, bias, scale, shift}};
    size_t bytes = ib_plain_packed_bytes(&d);
    /* weights 540 -> 576, bias 20 -> 640, scale 20 -> 704, shift 20 */
    ib_check(bytes == 724, "plain bytes %zu, want 724", bytes);
    void *p = ib_alloc(bytes);
    ib_plain_pack(&d, &a, p);
    const float *pw = ib_plain_param(&d, p, 1), *pb = ib_plain_param(&d, p, 2);
    const float *ps = ib_plain_param(&d, p, 3), *psh = ib_plain_param(&d, p, 4);
    ib_check(pw && pb && ps && psh, "plain params present");
    if (pw && pb && ps && psh) {
        ib_check(((uintptr_t)pb & 63) == 0 && ((uintptr_t)psh & 63) == 0, "params 64B aligned");
        ib_check(memcmp(pw, wts, sizeof wts) == 0 && memcmp(pb, bias, sizeof bias) == 0 &&
                     memcmp(ps, scale, sizeof scale) == 0 && memcmp(psh, shift, sizeof shift) == 0,
                 "plain params copied");
    }
    ib_check(ib_plain_param(&d, p, 0) == NULL, "data input is no param");
    ib_check(ib_plain_labels(&d, p) == NULL, "conv has no labels");
    ib_free(p);

    d.conv.has_bias = 0;
    d.conv.has_scale_shift = 0;
    ib_check(ib_plain_packed_bytes(&d) == 540, "weights only bytes");

    ib_desc l = {.op = IB_OP_LSLOSS, .lsloss = {3, 10, 0.1f}};
    ib_desc_validate(&l, NULL);
    int32_t labels[3] = {7, 0, 9};
    ib_args la = {.labels = labels};
    ib_check(ib_plain_packed_bytes(&l) == 12, "lsloss plain bytes %zu", ib_plain_packed_bytes(&l));
    p = ib_alloc(ib_plain_packed_bytes(&l));
    ib_plain_pack(&l, &la, p);
    const int32_t *pl = ib_plain_labels(&l, p);
    ib_check(pl && pl[0] == 7 && pl[2] == 9, "labels packed");
    ib_free(p);

    ib_desc r = {.op = IB_OP_RELU, .relu = {1, 2, 3, 3}};
    ib_check(ib_plain_packed_bytes(&r) == 0, "relu has no params");
}

/* ---- registry and instances ------------------------------------------------------------- */

/* A test-only relu working in nChw8c, to drive the instance's reorders. */
static void relu8_exec(const ib_desc *d, const void *packed, const float *const *src,
                       float *const *dst)
{
    (void)packed;
    const ib_eltwise_desc *r = &d->relu;
    const int64_t n = ib_layout_elems(IB_LAYOUT_NCHW8C, r->n, r->c, r->h, r->w);
    for (int64_t i = 0; i < n; i++)
        dst[0][i] = src[0][i] > 0.0f ? src[0][i] : 0.0f;
}
static const ib_native relu8_native = {.kernel = "relu_nchw8c__test",
                                       .src_layout = IB_LAYOUT_NCHW8C,
                                       .dst_layout = IB_LAYOUT_NCHW8C,
                                       .exec = relu8_exec};
static const ib_native *relu8_choose(const ib_desc *d)
{
    return d->relu.c == 99 ? NULL : &relu8_native; /* c=99: "no kernel for this problem" */
}
static const ib_impl relu8_impl = {.name = "test8c",
                                   .op = IB_OP_RELU,
                                   .isa = IB_ISA_SCALAR,
                                   .test_only = 1,
                                   .native = relu8_choose};

/* Writes only the first half of the output: the NaN fill must show through. */
static void half_exec(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst)
{
    (void)packed;
    const int64_t n = d->relu.n * d->relu.c * d->relu.h * d->relu.w;
    for (int64_t i = 0; i < n / 2; i++)
        dst[0][i] = src[0][i];
}
static const ib_native half_native = {.kernel = "relu_half__test",
                                      .src_layout = IB_LAYOUT_NCHW,
                                      .dst_layout = IB_LAYOUT_NCHW,
                                      .exec = half_exec};
static const ib_native *half_choose(const ib_desc *d)
{
    (void)d;
    return &half_native;
}
static const ib_impl half_impl = {.name = "testhalf",
                                  .op = IB_OP_RELU,
                                  .isa = IB_ISA_SCALAR,
                                  .test_only = 1,
                                  .native = half_choose};

/* A prepared-problem impl: negation, owning its memory. */
typedef struct neg_inst {
    const ib_desc *d;
    const float *src;
    float out[64];
    int runs;
} neg_inst;
static ib_status neg_prepare(const ib_desc *d, const ib_args *a, void **inst, ib_err *e)
{
    if (d->relu.n * d->relu.c * d->relu.h * d->relu.w > 64)
        return ib_fail(e, IB_UNSUPPORTED, "neg: at most 64 elements");
    neg_inst *x = calloc(1, sizeof *x);
    if (!x)
        return ib_fail(e, IB_NOMEM, "neg: no memory");
    x->d = d;
    x->src = a->in[0];
    *inst = x;
    return IB_OK;
}
static ib_status neg_run(void *inst)
{
    neg_inst *x = inst;
    const ib_eltwise_desc *r = &x->d->relu;
    for (int64_t i = 0; i < r->n * r->c * r->h * r->w; i++)
        x->out[i] = -x->src[i];
    x->runs++;
    return IB_OK;
}
static ib_status neg_fetch(void *inst, const ib_args *a)
{
    neg_inst *x = inst;
    const ib_eltwise_desc *r = &x->d->relu;
    memcpy(a->out[0], x->out, (size_t)(r->n * r->c * r->h * r->w) * sizeof(float));
    return IB_OK;
}
static void neg_release(void *inst)
{
    free(inst);
}
static const ib_impl neg_impl = {.name = "testneg",
                                 .op = IB_OP_RELU,
                                 .isa = IB_ISA_SCALAR,
                                 .test_only = 1,
                                 .prepare = neg_prepare,
                                 .run = neg_run,
                                 .fetch = neg_fetch,
                                 .release = neg_release};

/* Runs impl on a relu of c channels; returns the status and fills got. */
static ib_status run_relu(const ib_impl *impl, int64_t c, const float *src, float *got, ib_err *e)
{
    ib_desc d = {.op = IB_OP_RELU, .relu = {2, c, 2, 3}};
    if (ib_desc_validate(&d, e) != IB_OK)
        return IB_INVALID;
    ib_args a = {.in = {src}, .out = {got}};
    ib_instance *inst = NULL;
    ib_status st = ib_instance_create(impl, &d, &a, &inst, e);
    if (st == IB_OK)
        st = ib_instance_run(inst);
    if (st == IB_OK)
        st = ib_instance_fetch(inst, &a);
    ib_instance_destroy(inst);
    return st;
}

/* ---- folded batch-norm ------------------------------------------------------------------ */

/* The shared fold on hand values: w * scale, bias * scale + shift, the shift alone (sign
 * kept) without a bias, nothing changed without a batch-norm. */
static void test_fold_values(void)
{
    ib_desc d = ib_test_desc("mb1ic2ih3iw3oc3kh1kw1sh1pt0pb0pl0pr0");
    d.conv.has_bias = d.conv.has_scale_shift = d.conv.relu = 1;
    ib_desc_validate(&d, NULL);
    const float w[6] = {1, -2, 3, -4, 5, -6}, b[3] = {1, 2, -3}, s[3] = {0.5f, -1, 4};
    const float t[3] = {-1, 0, 2};
    const ib_args a = {.in = {NULL, w, b, s, t}};
    float fw[6], fb[3];
    ib_conv_fold(&d.conv, &a, fw, fb);
    const float want_w[6] = {0.5f, -1, -3, 4, 20, -24}, want_b[3] = {-0.5f, -2, -10};
    ib_check(!memcmp(fw, want_w, sizeof fw) && !memcmp(fb, want_b, sizeof fb),
             "fold: w * scale, bias * scale + shift");
    const ib_conv_desc f = ib_conv_folded(&d.conv);
    ib_check(f.has_bias && !f.has_scale_shift && f.relu, "folded descriptor: bias, no scale");

    d.conv.has_bias = 0;
    ib_conv_fold(&d.conv, &a, fw, fb);
    ib_check(fb[0] == -1 && fb[1] == 0 && !signbit(fb[1]) && fb[2] == 2,
             "fold without bias: the shift as it is (+0 stays +0 under a negative scale)");
    ib_check(ib_conv_folded(&d.conv).has_bias, "folded descriptor gets the shift as its bias");

    d.conv.has_bias = 1;
    d.conv.has_scale_shift = 0;
    ib_conv_fold(&d.conv, &a, fw, fb);
    ib_check(!memcmp(fw, w, sizeof fw) && !memcmp(fb, b, sizeof fb), "no batch-norm: unchanged");
    d.conv.has_bias = 0;
    ib_check(!ib_conv_folded(&d.conv).has_bias, "neither: no bias");
}

/* Under the verifier's fills the folded convolution equals the original bit for bit, so every
 * kernel may fold; and the fills' scales are not all 1 (some negative), so a kernel that drops
 * the scale (folds the shift alone) fails verification. */
static void test_fold_fills(void)
{
    ib_desc d = ib_test_desc("mb2ic19ih7iw7oc21kh3kw3sh1pt1pb1pl1pr1");
    d.conv.has_bias = d.conv.has_scale_shift = d.conv.relu = 1;
    ib_desc_validate(&d, NULL);
    const ib_conv_desc *c = &d.conv;
    ib_vcase v;
    ib_err e = {{0}};
    if (ib_vcase_init(&v, &d, 0x5eed, &e) != IB_OK) {
        ib_check(0, "fold fills: %s", e.msg);
        return;
    }
    const int64_t nw = c->oc * c->ic * c->kh * c->kw, nout = c->n * c->oc * c->oh * c->ow;
    float *fw = ib_alloc((size_t)nw * sizeof(float)), *fb = ib_alloc((size_t)c->oc * 4);
    float *got = ib_alloc((size_t)nout * sizeof(float)), *ones = ib_alloc((size_t)c->oc * 4);
    int not_one = 0, negative = 0;
    for (int64_t k = 0; k < c->oc; k++) {
        not_one += v.in[3][k] != 1.0f;
        negative += v.in[3][k] < 0.0f;
        ones[k] = 1.0f;
    }
    ib_check(not_one > 0 && negative > 0, "fills: %d of %lld scales differ from 1, %d negative",
             not_one, (long long)c->oc, negative);

    ib_conv_fold(c, &v.args, fw, fb);
    const ib_conv_desc f = ib_conv_folded(c);
    const ib_args fa = {.in = {v.in[0], fw, fb}, .out = {got}};
    ib_ref_conv(&f, &fa);
    ib_check(!memcmp(got, v.want[0], (size_t)nout * sizeof(float)),
             "folded convolution equals the reference bit for bit under the fills");

    const ib_args sa = {.in = {v.in[0], v.in[1], v.in[2], ones, v.in[4]}, .out = {got}};
    ib_ref_conv(c, &sa);
    int64_t differ = 0;
    for (int64_t k = 0; k < nout; k++)
        differ += got[k] != v.want[0][k];
    printf("fold: %d of %lld scales differ from 1; ignoring them changes %lld of %lld outputs\n",
           not_one, (long long)c->oc, (long long)differ, (long long)nout);
    ib_check(differ > 0, "scale ignored: %lld of %lld outputs differ (must be > 0)",
             (long long)differ, (long long)nout);
    ib_free(fw);
    ib_free(fb);
    ib_free(got);
    ib_free(ones);
    ib_vcase_free(&v);
}

static void test_instances(void)
{
    enum { C = 5, N = 2 * C * 2 * 3 };
    float src[N], got[N];
    for (int i = 0; i < N; i++)
        src[i] = (float)(i % 7) - 3.0f;
    ib_err e = {{0}};

    ib_status st = run_relu(&relu8_impl, C, src, got, &e);
    ib_check(st == IB_OK, "relu8 instance: %s %s", ib_status_name(st), e.msg);
    int bad = 0;
    for (int i = 0; i < N; i++)
        bad += got[i] != (src[i] > 0 ? src[i] : 0.0f);
    ib_check(st != IB_OK || bad == 0, "relu8 instance: %d wrong elements", bad);

    st = run_relu(&relu8_impl, 99, src, got, &e);
    ib_check(st == IB_UNSUPPORTED && strstr(e.msg, "no native kernel"), "no kernel: %s %s",
             ib_status_name(st), e.msg);

    st = run_relu(&half_impl, C, src, got, &e);
    int nans = 0;
    for (int i = 0; i < N; i++)
        nans += isnan(got[i]);
    ib_check(st == IB_OK && nans == N - N / 2, "NaN prefill shows %d unwritten, want %d", nans,
             N - N / 2);

    st = run_relu(&neg_impl, C, src, got, &e);
    bad = 0;
    for (int i = 0; i < N; i++)
        bad += got[i] != -src[i];
    ib_check(st == IB_OK && bad == 0, "prepared instance: %s %d wrong", ib_status_name(st), bad);
    st = run_relu(&neg_impl, 20, src, got, &e);
    ib_check(st == IB_UNSUPPORTED, "prepared refusal passes through: %s", ib_status_name(st));

    ib_desc wrong = {.op = IB_OP_GAP, .gap = {1, 1, 1, 1}};
    ib_args a = {.in = {src}, .out = {got}};
    ib_instance *inst = (ib_instance *)&e;
    st = ib_instance_create(&relu8_impl, &wrong, &a, &inst, &e);
    ib_check(st == IB_INVALID && inst == NULL, "op mismatch refused: %s", e.msg);
    ib_instance_destroy(NULL);

    /* The reference through the instance, when it is registered. */
    const ib_impl *ref = ib_registry_lookup(IB_OP_RELU, "ref");
    if (ref) {
        st = run_relu(ref, C, src, got, &e);
        bad = 0;
        for (int i = 0; i < N; i++)
            bad += got[i] != (src[i] > 0 ? src[i] : 0.0f);
        ib_check(st == IB_OK && bad == 0, "ref relu instance: %s %d wrong", ib_status_name(st),
                 bad);
    }
}

static void test_registry(void)
{
    const int n = ib_registry_count();
    printf("registry: %d implementations\n", n);
    for (int i = 0; i < n; i++) {
        const ib_impl *p = ib_registry_at(i);
        ib_check(p && p->name && (unsigned)p->op < IB_OP_COUNT, "registry entry %d", i);
        for (int j = 0; p && j < i; j++) {
            const ib_impl *q = ib_registry_at(j);
            ib_check(q->op != p->op || strcmp(q->name, p->name) != 0, "duplicate %s %s",
                     ib_op_name(p->op), p->name);
        }
    }
    ib_check(ib_registry_at(-1) == NULL && ib_registry_at(n) == NULL, "at out of range");
    ib_check(ib_registry_lookup(IB_OP_CONV, "no-such-impl") == NULL, "lookup unknown name");

    const ib_impl *found[64];
    if (n > 0) {
        for (int op = 0; op < IB_OP_COUNT; op++) {
            int k = ib_registry_find((ib_op)op, 0, found, 64);
            ib_check(k >= 1 && strcmp(found[0]->name, "ref") == 0, "%s: reference first (%d)",
                     ib_op_name((ib_op)op), k);
            for (int i = 0; i < k; i++)
                ib_check(ib_impl_usable(found[i], NULL) && !found[i]->test_only,
                         "%s: %s usable, not test-only", ib_op_name((ib_op)op), found[i]->name);
        }
        const ib_impl *ref = ib_registry_lookup(IB_OP_CONV, "ref");
        ib_check(ref != NULL && ref->isa == IB_ISA_SCALAR, "lookup conv ref");
        if (ref) {
            ib_err e = {{0}};
            ib_impl dup = *ref;
            ib_check(ib_registry_add(&dup, &e) == IB_INVALID && strstr(e.msg, "already"),
                     "duplicate of table entry refused: %s", e.msg);
        }
    } else {
        printf("registry empty: reference checks skipped\n");
    }

    ib_err e = {{0}};
    const int before = ib_registry_find(IB_OP_RELU, 1, found, 64);
    ib_check(ib_registry_add(&relu8_impl, &e) == IB_OK, "add test impl: %s", e.msg);
    ib_check(ib_registry_add(&relu8_impl, &e) == IB_INVALID, "add duplicate refused");
    printf("duplicate add: %s\n", e.msg);
    ib_check(ib_registry_add(NULL, &e) == IB_INVALID, "add NULL refused");
    ib_check(ib_registry_count() == n + 1, "count includes extras");
    ib_check(ib_registry_lookup(IB_OP_RELU, "test8c") == &relu8_impl, "lookup extra");
    ib_check(ib_registry_find(IB_OP_RELU, 1, found, 64) == before + 1, "find with test-only");
    int k = ib_registry_find(IB_OP_RELU, 0, found, 64);
    int seen = 0;
    for (int i = 0; i < k; i++)
        seen |= found[i] == &relu8_impl;
    ib_check(!seen, "test-only hidden by default");
    ib_check(ib_registry_find(IB_OP_RELU, 1, found, 0) == 0, "find respects max");

    /* Fill the extras to the limit. */
    static ib_impl many[80];
    static char names[80][24];
    ib_status st = IB_OK;
    int added = 1;
    for (int i = 0; i < 80 && st == IB_OK; i++) {
        snprintf(names[i], sizeof names[i], "extra%d", i);
        many[i] = relu8_impl;
        many[i].name = names[i];
        st = ib_registry_add(&many[i], &e);
        added += st == IB_OK;
    }
    ib_check(added == 64 && st == IB_INVALID, "extras capped at 64 (added %d): %s", added, e.msg);
}

int main(void)
{
    test_validation_table();
    test_derived_sizes();
    test_shapes_and_str();
    test_work();
    test_layout();
    test_cpu();
    test_plain_pack();
    test_fold_values();
    test_fold_fills();
    test_instances();
    test_registry();
    return ib_check_done();
}
