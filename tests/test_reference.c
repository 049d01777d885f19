/* Tests of the scalar reference itself, against cases worked out by hand and closed forms. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/impl.h"
#include "core/registry.h"
#include "reference/reference.h"
#include "tests/check.h"

static int close_to(float got, float want, float tol)
{
    if (isnan(want))
        return isnan(got);
    if (tol == 0.0f)
        return got == want;
    return fabsf(got - want) <= tol * fmaxf(1.0f, fabsf(want));
}

/* One case: count elements equal (tol 0) or within tol relative (absolute below 1);
 * NaN is expected to match NaN. Prints the first mismatch. */
static void expect(const char *name, const float *got, const float *want, int64_t count, float tol)
{
    for (int64_t i = 0; i < count; i++)
        if (!close_to(got[i], want[i], tol)) {
            ib_check(0, "%s: [%" PRId64 "] got %.9g want %.9g", name, i, (double)got[i],
                     (double)want[i]);
            return;
        }
    ib_check(1, "%s", name);
}

static void expect_true(const char *name, int ok, const char *what)
{
    ib_check(ok, "%s: %s", name, what);
}

/* ------------------------------------------------------------------ convolution */

static const float img3[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}; /* 3x3, row-major */
static const float k2[4] = {1, 2, -1, 3};                 /* 2x2: [[1,2],[-1,3]] */

/* Validates d, checks the derived output size, runs the reference and compares. */
static void conv_case(const char *name, ib_conv_desc d, const float *src, const float *wei,
                      const float *bias, const float *scale, const float *shift, int64_t oh,
                      int64_t ow, const float *want)
{
    float out[256];
    ib_err e;
    ib_status s = ib_conv_validate(&d, &e);
    if (s != IB_OK || d.oh != oh || d.ow != ow || d.n * d.oc * oh * ow > 256) {
        ib_check(0,
                 "%s: validate %s (%s), oh=%" PRId64 " ow=%" PRId64 ", want %" PRId64 "x%" PRId64,
                 name, ib_status_name(s), s == IB_OK ? "" : e.msg, d.oh, d.ow, oh, ow);
        return;
    }
    ib_args a = {.in = {src, wei, bias, scale, shift}, .out = {out}};
    ib_ref_conv(&d, &a);
    expect(name, out, want, d.n * d.oc * oh * ow, 0.0f);
}

static ib_conv_desc conv1(int64_t ih, int64_t iw, int64_t k, int64_t sh, int64_t sw)
{
    return (ib_conv_desc){
        .n = 1, .ic = 1, .ih = ih, .iw = iw, .oc = 1, .kh = k, .kw = k, .sh = sh, .sw = sw};
}

static void test_conv(void)
{
    /* out(y,x) = x[y][x] + 2 x[y][x+1] - x[y+1][x] + 3 x[y+1][x+1] */
    conv_case("conv 3x3 by 2x2", conv1(3, 3, 2, 1, 1), img3, k2, NULL, NULL, NULL, 2, 2,
              (const float[]){16, 21, 31, 36});

    ib_conv_desc d = conv1(3, 3, 2, 1, 1);
    d.pt = 1; /* row -1 is zero: first row = -x[0][x] + 3 x[0][x+1] */
    conv_case("conv pad top", d, img3, k2, NULL, NULL, NULL, 3, 2,
              (const float[]){5, 7, 16, 21, 31, 36});
    d = conv1(3, 3, 2, 1, 1);
    d.pb = 1; /* last row = x[2][x] + 2 x[2][x+1] */
    conv_case("conv pad bottom", d, img3, k2, NULL, NULL, NULL, 3, 2,
              (const float[]){16, 21, 31, 36, 23, 26});
    d = conv1(3, 3, 2, 1, 1);
    d.pl = 1; /* first column = 2 x[y][0] + 3 x[y+1][0] */
    conv_case("conv pad left", d, img3, k2, NULL, NULL, NULL, 2, 3,
              (const float[]){14, 16, 21, 29, 31, 36});
    d = conv1(3, 3, 2, 1, 1);
    d.pr = 1; /* last column = x[y][2] - x[y+1][2] */
    conv_case("conv pad right", d, img3, k2, NULL, NULL, NULL, 2, 3,
              (const float[]){16, 21, -3, 31, 36, -3});

    /* 4x4 image 1..16, stride 2: windows at (0,0), (0,2), (2,0), (2,2). */
    const float img4[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    conv_case("conv stride 2", conv1(4, 4, 2, 2, 2), img4, k2, NULL, NULL, NULL, 2, 2,
              (const float[]){18, 28, 58, 68});
    conv_case("conv stride h1 w2", conv1(3, 3, 2, 1, 2), img3, k2, NULL, NULL, NULL, 2, 1,
              (const float[]){16, 31});
    /* 3x3 kernel of ones, stride 2, pad 1 on 3x3: window sums at the four corners. */
    const float ones9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    d = conv1(3, 3, 3, 2, 2);
    d.pt = d.pb = d.pl = d.pr = 1;
    conv_case("conv stride 2 pad 1", d, img3, ones9, NULL, NULL, NULL, 2, 2,
              (const float[]){12, 16, 24, 28});

    /* Two input channels (the second all ones, its kernel all ones: +4) and two output
     * channels (the second filter is the first negated on channel 0, zero on channel 1). */
    const float src2[18] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const float wei2[16] = {1, 2, -1, 3, 1, 1, 1, 1, -1, -2, 1, -3, 0, 0, 0, 0};
    d = conv1(3, 3, 2, 1, 1);
    d.ic = 2;
    d.oc = 2;
    conv_case("conv ic2 oc2", d, src2, wei2, NULL, NULL, NULL, 2, 2,
              (const float[]){20, 25, 35, 40, -16, -21, -31, -36});

    /* Epilogue on a 1x1 conv of x = [1,-2,3,-4]: oc0 w=2 b=1 s=0.5 t=-1; oc1 w=-1 b=0.5 s=2 t=3.
     * oc0: 2x+1 = [3,-3,7,-7] -> *0.5-1 = [0.5,-2.5,2.5,-4.5]; oc1: [-0.5,2.5,-2.5,4.5] ->
     * [2,8,-2,12]. Applying scale before bias would give 1 at x=1, not 0.5. */
    const float x4[4] = {1, -2, 3, -4}, w11[2] = {2, -1}, bias[2] = {1, 0.5f};
    const float scale[2] = {0.5f, 2}, shift[2] = {-1, 3};
    d = conv1(2, 2, 1, 1, 1);
    d.oc = 2;
    d.has_bias = 1;
    conv_case("conv bias", d, x4, w11, bias, NULL, NULL, 2, 2,
              (const float[]){3, -3, 7, -7, -0.5f, 2.5f, -2.5f, 4.5f});
    d.has_scale_shift = 1;
    conv_case("conv bias scale shift", d, x4, w11, bias, scale, shift, 2, 2,
              (const float[]){0.5f, -2.5f, 2.5f, -4.5f, 2, 8, -2, 12});
    d.relu = 1;
    conv_case("conv bias scale shift relu", d, x4, w11, bias, scale, shift, 2, 2,
              (const float[]){0.5f, 0, 2.5f, 0, 2, 8, 0, 12});
    d.has_bias = 0; /* 2x*0.5-1 = [0,-3,2,-5]; -x*2+3 = [1,7,-3,11] */
    conv_case("conv scale shift relu", d, x4, w11, NULL, scale, shift, 2, 2,
              (const float[]){0, 0, 2, 0, 1, 7, 0, 11});

    /* Batch of two: the second image is the first plus 1 everywhere (+6 per output). */
    float src_b[18];
    for (int i = 0; i < 9; i++) {
        src_b[i] = img3[i];
        src_b[9 + i] = img3[i] + 1;
    }
    d = conv1(3, 3, 2, 1, 1);
    d.n = 2;
    conv_case("conv batch 2", d, src_b, k2, NULL, NULL, NULL, 2, 2,
              (const float[]){16, 21, 31, 36, 21, 26, 36, 41});

    /* The same case through ib_ref_run. */
    ib_desc dd = {.op = IB_OP_CONV, .conv = conv1(3, 3, 2, 1, 1)};
    float out[4];
    ib_err e;
    if (ib_desc_validate(&dd, &e) != IB_OK) {
        ib_check(0, "conv via ib_ref_run: %s", e.msg);
        return;
    }
    ib_ref_run(&dd, &(ib_args){.in = {img3, k2}, .out = {out}});
    expect("conv via ib_ref_run", out, (const float[]){16, 21, 31, 36}, 4, 0.0f);
}

/* ------------------------------------------------------------------ pooling */

static int pool_case(const char *name, ib_op op, ib_pool_desc d, const float *src,
                     const float *want, float tol)
{
    float out[64];
    ib_err e;
    ib_status s = ib_pool_validate(&d, &e);
    if (s != IB_OK || d.n * d.c * d.oh * d.ow > 64) {
        ib_check(0, "%s: validate %s %s", name, ib_status_name(s), s == IB_OK ? "" : e.msg);
        return 0;
    }
    ib_args a = {.in = {src}, .out = {out}};
    if (op == IB_OP_MAXPOOL)
        ib_ref_maxpool(&d, &a);
    else
        ib_ref_avgpool(&d, &a);
    expect(name, out, want, d.n * d.c * d.oh * d.ow, tol);
    return 1;
}

static ib_pool_desc pool1(int64_t ih, int64_t k, int64_t s, int64_t pad)
{
    return (ib_pool_desc){.n = 1,
                          .c = 1,
                          .ih = ih,
                          .iw = ih,
                          .kh = k,
                          .kw = k,
                          .sh = s,
                          .sw = s,
                          .pt = pad,
                          .pb = pad,
                          .pl = pad,
                          .pr = pad};
}

static void test_pool(void)
{
    /* Average 3x3 s1 pad 1 over 1..9. Window sums: corners 12,16,24,28; edges 21,27,33,39;
     * centre 45. include_pad divides by 9 (values rounded to float, written out), exclude by
     * 4, 6 or 9 taps inside. */
    ib_pool_desc d = pool1(3, 3, 1, 1);
    d.count_include_pad = 1;
    pool_case("avgpool corner count_include_pad=1", IB_OP_AVGPOOL, d, img3,
              (const float[]){1.33333337f, 2.33333325f, 1.77777779f, 3.0f, 5.0f, 3.66666675f,
                              2.66666675f, 4.33333349f, 3.11111116f},
              0.0f);
    d.count_include_pad = 0;
    pool_case("avgpool corner count_include_pad=0", IB_OP_AVGPOOL, d, img3,
              (const float[]){3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7}, 0.0f);
    /* Padding on one side only (bottom and right), 2x2 s1, exclude: last row/column average
     * fewer taps. */
    d = pool1(3, 2, 1, 0);
    d.pb = d.pr = 1;
    pool_case("avgpool pad bottom right, exclude", IB_OP_AVGPOOL, d, img3,
              (const float[]){3, 4, 4.5f, 6, 7, 7.5f, 7.5f, 8.5f, 9}, 0.0f);
    d.count_include_pad = 1;
    pool_case("avgpool pad bottom right, include", IB_OP_AVGPOOL, d, img3,
              (const float[]){3, 4, 2.25f, 6, 7, 3.75f, 3.75f, 4.25f, 2.25f}, 0.0f);

    /* Max 3x3 s2 on 5x5 holding 1..25 (Inception's reduction pool): each window's
     * bottom-right tap. */
    float img5[25];
    for (int i = 0; i < 25; i++)
        img5[i] = (float)(i + 1);
    pool_case("maxpool 3x3 s2", IB_OP_MAXPOOL, pool1(5, 3, 2, 0), img5,
              (const float[]){13, 15, 23, 25}, 0.0f);
    /* Padded taps are ignored, not zeros: all-negative input keeps negative maxima. */
    float neg[9];
    for (int i = 0; i < 9; i++)
        neg[i] = -img3[i];
    pool_case("maxpool pad ignores padded taps", IB_OP_MAXPOOL, pool1(3, 3, 1, 1), neg,
              (const float[]){-1, -1, -2, -1, -1, -2, -4, -4, -5}, 0.0f);

    /* NaN propagates whatever its position in the window. */
    float nan_mid[9], nan_first[9], nan_last[9];
    memcpy(nan_mid, img3, sizeof img3);
    memcpy(nan_first, img3, sizeof img3);
    memcpy(nan_last, img3, sizeof img3);
    nan_mid[4] = NAN;
    nan_first[0] = NAN;
    nan_last[8] = NAN;
    pool_case("maxpool NaN centre", IB_OP_MAXPOOL, pool1(3, 2, 1, 0), nan_mid,
              (const float[]){NAN, NAN, NAN, NAN}, 0.0f);
    pool_case("maxpool NaN first tap", IB_OP_MAXPOOL, pool1(3, 2, 1, 0), nan_first,
              (const float[]){NAN, 6, 8, 9}, 0.0f);
    pool_case("maxpool NaN last tap", IB_OP_MAXPOOL, pool1(3, 2, 1, 0), nan_last,
              (const float[]){5, 6, 8, NAN}, 0.0f);
}

/* ------------------------------------------------------------------ softmax and loss */

static void test_softmax(void)
{
    float out[4];
    ib_softmax_desc d = {.n = 1, .c = 2};
    ib_err e;

    struct {
        const char *name;
        int64_t c;
        float x[4], want[4];
    } cases[] = {
        {"softmax (1e4, -1e4)", 2, {1e4f, -1e4f}, {1, 0}},
        {"softmax (-1e4, 1e4)", 2, {-1e4f, 1e4f}, {0, 1}},
        {"softmax (1e4, 1e4)", 2, {1e4f, 1e4f}, {0.5f, 0.5f}},
        {"softmax (-1e4 x4)", 4, {-1e4f, -1e4f, -1e4f, -1e4f}, {0.25f, 0.25f, 0.25f, 0.25f}},
        {"softmax NaN row", 3, {1, NAN, 3}, {NAN, NAN, NAN}},
        {"softmax +inf row", 2, {INFINITY, 1}, {NAN, NAN}},
        {"softmax -inf entry", 2, {-INFINITY, 0}, {0, 1}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d.c = cases[i].c;
        if (ib_softmax_validate(&d, &e) != IB_OK) {
            ib_check(0, "%s: %s", cases[i].name, e.msg);
            continue;
        }
        ib_ref_softmax(&d, &(ib_args){.in = {cases[i].x}, .out = {out}});
        expect(cases[i].name, out, cases[i].want, d.c, 0.0f);
    }

    /* Two rows against the closed form exp(x_j) / sum exp(x), in double. */
    const float x[6] = {1, 2, 3, -0.5f, 0, 0.5f};
    float want[6], got[6];
    for (int r = 0; r < 2; r++) {
        double s = 0;
        for (int j = 0; j < 3; j++)
            s += exp((double)x[3 * r + j]);
        for (int j = 0; j < 3; j++)
            want[3 * r + j] = (float)(exp((double)x[3 * r + j]) / s);
    }
    d = (ib_softmax_desc){.n = 2, .c = 3};
    ib_softmax_validate(&d, &e);
    ib_ref_softmax(&d, &(ib_args){.in = {x}, .out = {got}});
    expect("softmax closed form", got, want, 6, 1e-6f);
}

static float lsloss_of(const ib_lsloss_desc *d, const float *x, const int32_t *labels, float *grad)
{
    float loss = 0;
    ib_ref_lsloss(d, &(ib_args){.in = {x}, .labels = labels, .out = {&loss, grad}});
    return loss;
}

static void test_lsloss(void)
{
    ib_err e;
    float grad[16], loss;

    /* Uniform logits: logp = -log c everywhere, so loss = log c for any label and eps;
     * grad = (1/c - q) / n: label entries (0.1 - 0.91) / 3, others (0.1 - 0.01) / 3. */
    ib_lsloss_desc d = {.n = 3, .c = 10, .eps = 0.1f};
    ib_lsloss_validate(&d, &e);
    float x[30];
    for (int i = 0; i < 30; i++)
        x[i] = 7.0f;
    const int32_t lab3[3] = {0, 5, 9};
    float g30[30], gw[30];
    loss = lsloss_of(&d, x, lab3, g30);
    expect("lsloss uniform logits = log(c)", &loss, (const float[]){(float)log(10.0)}, 1, 1e-6f);
    for (int r = 0; r < 3; r++)
        for (int j = 0; j < 10; j++)
            gw[10 * r + j] = j == lab3[r] ? (float)((0.1 - 0.91) / 3) : (float)((0.1 - 0.01) / 3);
    expect("lsloss uniform logits gradient", g30, gw, 30, 1e-6f);

    /* Closed form: loss_r = lse(x_r) - sum_j q_j x_rj, since sum_j q_j = 1. */
    const float xs[10] = {1, 2, 3, 4, 0.5f, -1, 0, 2.5f, -2, 1.5f};
    const int32_t lab2[2] = {2, 0};
    d = (ib_lsloss_desc){.n = 2, .c = 5, .eps = 0.1f};
    ib_lsloss_validate(&d, &e);
    double want = 0;
    for (int r = 0; r < 2; r++) {
        double s = 0, qx = 0;
        for (int j = 0; j < 5; j++) {
            s += exp((double)xs[5 * r + j]);
            qx += ((j == lab2[r] ? 1.0 - 0.1 : 0.0) + 0.1 / 5) * xs[5 * r + j];
        }
        want += (log(s) - qx) / 2;
    }
    loss = lsloss_of(&d, xs, lab2, grad);
    expect("lsloss closed form", &loss, (const float[]){(float)want}, 1, 1e-6f);

    /* Gradient against central differences of the loss, step h = 1e-2: truncation is
     * O(h^2) ~ 1e-5 and float rounding of the loss ~ 1e-7 / h ~ 1e-5. */
    float xp[10], g[10], fd[10];
    lsloss_of(&d, xs, lab2, g);
    for (int i = 0; i < 10; i++) {
        const float h = 1e-2f;
        float gtmp[10];
        memcpy(xp, xs, sizeof xp);
        xp[i] = xs[i] + h;
        float up = lsloss_of(&d, xp, lab2, gtmp);
        xp[i] = xs[i] - h;
        float down = lsloss_of(&d, xp, lab2, gtmp);
        fd[i] = (up - down) / ((xs[i] + h) - (xs[i] - h)); /* the step as stored in float */
    }
    expect("lsloss gradient vs finite differences", g, fd, 10, 1e-4f);

    /* Large logits do not overflow: eps = 0 gives loss 0 or 2e4; eps = 0.1 puts q = 0.05 on
     * the logit 2e4 below: loss = 0.05 * 2e4 = 1000, grad = (1 - 0.95, 0 - 0.05). */
    const float big[2] = {1e4f, -1e4f};
    d = (ib_lsloss_desc){.n = 1, .c = 2, .eps = 0.0f};
    ib_lsloss_validate(&d, &e);
    loss = lsloss_of(&d, big, (const int32_t[]){0}, grad);
    expect("lsloss (1e4,-1e4) label 0 eps 0", &loss, (const float[]){0}, 1, 0.0f);
    expect("lsloss (1e4,-1e4) label 0 eps 0 grad", grad, (const float[]){0, 0}, 2, 0.0f);
    loss = lsloss_of(&d, big, (const int32_t[]){1}, grad);
    expect("lsloss (1e4,-1e4) label 1 eps 0", &loss, (const float[]){2e4f}, 1, 0.0f);
    d.eps = 0.1f;
    loss = lsloss_of(&d, big, (const int32_t[]){0}, grad);
    expect("lsloss (1e4,-1e4) eps 0.1", &loss, (const float[]){1000}, 1, 1e-6f);
    expect("lsloss (1e4,-1e4) eps 0.1 grad", grad, (const float[]){0.05f, -0.05f}, 2, 1e-6f);

    /* Labels out of range are never read from: NaN loss and a NaN gradient row. */
    d = (ib_lsloss_desc){.n = 2, .c = 3, .eps = 0.1f};
    ib_lsloss_validate(&d, &e);
    const float x6[6] = {0, 0, 0, 0, 0, 0};
    for (int bad = 0; bad < 2; bad++) {
        int32_t labs[2] = {1, bad ? 3 : -1};
        loss = lsloss_of(&d, x6, labs, grad);
        const float w = (float)((1.0 / 3 - 0.1 / 3) / 2);
        const float wl = (float)((1.0 / 3 - 0.9 - 0.1 / 3) / 2);
        char name[64];
        snprintf(name, sizeof name, "lsloss label %d out of range", labs[1]);
        expect(name, &loss, (const float[]){NAN}, 1, 0.0f);
        expect(name, grad, (const float[]){w, wl, w, NAN, NAN, NAN}, 6, 1e-6f);
    }
}

/* ------------------------------------------------------------------ the rest */

static void test_concat(void)
{
    /* n=2; input 0 has 1 channel (1..4 | 5..8), input 1 two (11..18 | 21..28); 2x2 images. */
    const float in0[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const float in1[16] = {11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26, 27, 28};
    ib_concat_desc d = {.n = 2, .ninputs = 2, .in = {{1, 2, 2}, {2, 2, 2}}};
    ib_err e;
    float out[24];
    if (ib_concat_validate(&d, &e) != IB_OK || d.oc != 3) {
        ib_check(0, "concat: validate: %s", e.msg);
        return;
    }
    ib_ref_concat(&d, &(ib_args){.in = {in0, in1}, .out = {out}});
    expect("concat order", out, (const float[]){1, 2, 3, 4, 11, 12, 13, 14, 15, 16, 17, 18,
                                                5, 6, 7, 8, 21, 22, 23, 24, 25, 26, 27, 28},
           24, 0.0f);
}

static void test_fc(void)
{
    /* src [[1,2,3],[4,5,6]], w [[1,0,-1],[2,1,0.5]], bias [0.5,-1]:
     * row 0: 1-3 = -2, 2+2+1.5 = 5.5; row 1: 4-6 = -2, 8+5+3 = 16. */
    const float src[6] = {1, 2, 3, 4, 5, 6}, w[6] = {1, 0, -1, 2, 1, 0.5f}, b[2] = {0.5f, -1};
    ib_fc_desc d = {.n = 2, .ic = 3, .oc = 2};
    ib_err e;
    float out[4];
    ib_fc_validate(&d, &e);
    ib_ref_fc(&d, &(ib_args){.in = {src, w}, .out = {out}});
    expect("fc 2x3 no bias", out, (const float[]){-2, 5.5f, -2, 16}, 4, 0.0f);
    d.has_bias = 1;
    ib_ref_fc(&d, &(ib_args){.in = {src, w, b}, .out = {out}});
    expect("fc 2x3 bias", out, (const float[]){-1.5f, 4.5f, -1.5f, 15}, 4, 0.0f);
}

static void test_gap_bn_relu(void)
{
    ib_err e;
    /* GAP: channel 0 holds 1..6 (mean 3.5), channel 1 five -1 and a 5 (mean 0). */
    const float g[12] = {1, 2, 3, 4, 5, 6, -1, -1, -1, -1, -1, 5};
    ib_eltwise_desc gd = {.n = 1, .c = 2, .h = 2, .w = 3};
    float gout[2];
    ib_gap_validate(&gd, &e);
    ib_ref_gap(&gd, &(ib_args){.in = {g}, .out = {gout}});
    expect("gap", gout, (const float[]){3.5f, 0}, 2, 0.0f);

    /* BN with eps 0.25: channel 0 var 3.75 (sd 2), mean 1, gamma 3, beta -1: (x-1)/2*3-1;
     * channel 1 var 0.75 (sd 1), mean -2, gamma 0.5, beta 10: (x+2)*0.5+10. */
    const float bx[8] = {5, -3, 1, 2, 0, 2, -2, -4};
    const float gamma[2] = {3, 0.5f}, beta[2] = {-1, 10}, mean[2] = {1, -2};
    const float var[2] = {3.75f, 0.75f};
    ib_bn_desc bd = {.n = 1, .c = 2, .h = 2, .w = 2, .eps = 0.25f};
    float bout[8];
    if (ib_bn_validate(&bd, &e) != IB_OK) {
        ib_check(0, "bn: validate: %s", e.msg);
    } else {
        ib_ref_bn(&bd, &(ib_args){.in = {bx, gamma, beta, mean, var}, .out = {bout}});
        expect("bn", bout, (const float[]){5, -7, -1, 0.5f, 11, 12, 10, 9}, 8, 0.0f);
    }

    const float rx[7] = {-1, 0, 2.5f, NAN, -0.0f, -INFINITY, INFINITY};
    float rout[7];
    ib_eltwise_desc rd = {.n = 1, .c = 7, .h = 1, .w = 1};
    ib_relu_validate(&rd, &e);
    ib_ref_relu(&rd, &(ib_args){.in = {rx}, .out = {rout}});
    expect("relu (NaN passes through)", rout, (const float[]){0, 0, 2.5f, NAN, 0, 0, INFINITY}, 7,
           0.0f);
}

/* The reference registered as implementation "ref": every op present, and a run through the
 * generic instance path (plain-packed parameters, labels, several data inputs) matches. */
static void run_ref_impl(const char *name, ib_desc d, const ib_args *a, float *const *got, int nout,
                         const int64_t *counts, const float *const *want)
{
    ib_err e;
    ib_instance *inst = NULL;
    const ib_impl *impl = ib_registry_lookup(d.op, "ref");
    ib_status s = ib_desc_validate(&d, &e);
    if (s == IB_OK && !impl)
        s = ib_fail(&e, IB_UNSUPPORTED, "no \"ref\" implementation registered");
    if (s == IB_OK)
        s = ib_instance_create(impl, &d, a, &inst, &e);
    if (s == IB_OK)
        s = ib_instance_run(inst);
    if (s == IB_OK)
        s = ib_instance_fetch(inst, a);
    ib_instance_destroy(inst);
    if (s != IB_OK) {
        ib_check(0, "%s: %s: %s", name, ib_status_name(s), e.msg);
        return;
    }
    for (int j = 0; j < nout; j++)
        expect(name, got[j], want[j], counts[j], 0.0f);
}

static void test_registered(void)
{
    int all = 1;
    for (int op = 0; op < IB_OP_COUNT; op++) {
        const ib_impl *impl = ib_registry_lookup((ib_op)op, "ref");
        if (!impl || impl->isa != IB_ISA_SCALAR || !impl->native) {
            printf("FAIL registry: no usable scalar \"ref\" for %s\n", ib_op_name((ib_op)op));
            all = 0;
        }
    }
    expect_true("registry has ref for every op", all, "see above");

    const float x4[4] = {1, -2, 3, -4}, w11[2] = {2, -1}, bias[2] = {1, 0.5f};
    const float scale[2] = {0.5f, 2}, shift[2] = {-1, 3};
    float out[8];
    ib_desc d = {.op = IB_OP_CONV,
                 .conv = {.n = 1,
                          .ic = 1,
                          .ih = 2,
                          .iw = 2,
                          .oc = 2,
                          .kh = 1,
                          .kw = 1,
                          .sh = 1,
                          .sw = 1,
                          .has_bias = 1,
                          .has_scale_shift = 1,
                          .relu = 1}};
    ib_args a = {.in = {x4, w11, bias, scale, shift}, .out = {out}};
    run_ref_impl("ref impl conv epilogue", d, &a, (float *const[]){out}, 1, (const int64_t[]){8},
                 (const float *const[]){(const float[]){0.5f, 0, 2.5f, 0, 2, 8, 0, 12}});

    const float in0[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const float in1[16] = {11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26, 27, 28};
    float cout[24];
    d = (ib_desc){.op = IB_OP_CONCAT,
                  .concat = {.n = 2, .ninputs = 2, .in = {{1, 2, 2}, {2, 2, 2}}}};
    a = (ib_args){.in = {in0, in1}, .out = {cout}};
    run_ref_impl(
        "ref impl concat", d, &a, (float *const[]){cout}, 1, (const int64_t[]){24},
        (const float *const[]){(const float[]){1, 2, 3, 4, 11, 12, 13, 14, 15, 16, 17, 18,
                                               5, 6, 7, 8, 21, 22, 23, 24, 25, 26, 27, 28}});

    const float big[4] = {1e4f, -1e4f, -1e4f, 1e4f};
    float loss, grad[4];
    d = (ib_desc){.op = IB_OP_LSLOSS, .lsloss = {.n = 2, .c = 2, .eps = 0.0f}};
    a = (ib_args){.in = {big}, .labels = (const int32_t[]){0, 0}, .out = {&loss, grad}};
    /* Row 0 is right (loss 0), row 1 wrong by 2e4: mean 1e4; grad row 1 = (0-1, 1-0) / 2. */
    run_ref_impl("ref impl lsloss", d, &a, (float *const[]){&loss, grad}, 2,
                 (const int64_t[]){1, 4},
                 (const float *const[]){(const float[]){1e4f}, (const float[]){0, 0, -0.5f, 0.5f}});
}

int main(void)
{
    test_conv();
    test_pool();
    test_softmax();
    test_lsloss();
    test_concat();
    test_fc();
    test_gap_bn_relu();
    test_registered();
    return ib_check_done();
}
