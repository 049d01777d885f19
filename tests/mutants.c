/* The verifier's mutants: the reference with one classic bug each (a thin wrapper where the bug
 * is in the descriptor or the epilogue, a small loop with a bug switch where it is in the loop
 * structure), and controls that run those loops with no bug. */
#include "tests/mutants.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>

#include "core/native.h"
#include "core/registry.h"
#include "reference/reference.h"

/* ---- convolution ---- */

enum conv_bug {
    CONV_OK,
    CONV_STRIDE_IGNORED,
    CONV_IC_TAIL,
    CONV_KH_KW_SWAPPED,
    CONV_LAST_ROW,
    CONV_SCALE_IGNORED
};

/* The reference's loop (same order, same epilogue) with one switchable bug. */
static void conv_loop(const ib_conv_desc *d, const ib_args *a, enum conv_bug bug)
{
    const float *src = a->in[0], *wei = a->in[1];
    const float *bias = a->in[2], *scale = a->in[3], *shift = a->in[4];
    float *dst = a->out[0];
    const int64_t sh = bug == CONV_STRIDE_IGNORED ? 1 : d->sh;
    const int64_t sw = bug == CONV_STRIDE_IGNORED ? 1 : d->sw;
    /* only whole blocks of 8 input channels, as a blocked kernel without its tail code */
    const int64_t nic = bug == CONV_IC_TAIL ? d->ic - d->ic % 8 : d->ic;
    /* the last output row is never stored: whatever the buffer held stays */
    const int64_t noh = bug == CONV_LAST_ROW ? d->oh - 1 : d->oh;
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t oc = 0; oc < d->oc; oc++)
            for (int64_t oy = 0; oy < noh; oy++)
                for (int64_t ox = 0; ox < d->ow; ox++) {
                    float acc = 0.0f;
                    for (int64_t ic = 0; ic < nic; ic++)
                        for (int64_t ky = 0; ky < d->kh; ky++) {
                            int64_t iy = oy * sh - d->pt + ky;
                            if (iy < 0 || iy >= d->ih)
                                continue;
                            for (int64_t kx = 0; kx < d->kw; kx++) {
                                int64_t ix = ox * sw - d->pl + kx;
                                if (ix < 0 || ix >= d->iw)
                                    continue;
                                /* swapped: the taps read as a kw x kh (column-major) block */
                                int64_t tap =
                                    bug == CONV_KH_KW_SWAPPED ? kx * d->kh + ky : ky * d->kw + kx;
                                acc += src[((n * d->ic + ic) * d->ih + iy) * d->iw + ix] *
                                       wei[(oc * d->ic + ic) * d->kh * d->kw + tap];
                            }
                        }
                    if (d->has_bias)
                        acc += bias[oc];
                    /* scale ignored: a folded kernel that puts the shift into the bias but
                     * never multiplies weights and bias by the scale */
                    if (d->has_scale_shift)
                        acc = (bug == CONV_SCALE_IGNORED ? acc : acc * scale[oc]) + shift[oc];
                    if (d->relu && acc < 0.0f)
                        acc = 0.0f;
                    dst[((n * d->oc + oc) * d->oh + oy) * d->ow + ox] = acc;
                }
}

static void conv_control(const ib_desc *d, const ib_args *a)
{
    conv_loop(&d->conv, a, CONV_OK);
}

static void conv_stride_ignored(const ib_desc *d, const ib_args *a)
{
    conv_loop(&d->conv, a, CONV_STRIDE_IGNORED);
}

static void conv_ic_tail_skipped(const ib_desc *d, const ib_args *a)
{
    conv_loop(&d->conv, a, CONV_IC_TAIL);
}

static void conv_kh_kw_swapped(const ib_desc *d, const ib_args *a)
{
    conv_loop(&d->conv, a, CONV_KH_KW_SWAPPED);
}

static void conv_last_row_unwritten(const ib_desc *d, const ib_args *a)
{
    conv_loop(&d->conv, a, CONV_LAST_ROW);
}

static void conv_scale_ignored(const ib_desc *d, const ib_args *a)
{
    conv_loop(&d->conv, a, CONV_SCALE_IGNORED);
}

/* The window starts one column late on the left (and ends one early on the right), so the
 * output width is unchanged; with no horizontal padding, the top side instead. */
static void conv_pad_off_by_one(const ib_desc *d, const ib_args *a)
{
    ib_conv_desc c = d->conv;
    if (c.pr > 0) {
        c.pl++;
        c.pr--;
    } else if (c.pl > 0) {
        c.pl--;
        c.pr++;
    } else if (c.pb > 0) {
        c.pt++;
        c.pb--;
    } else if (c.pt > 0) {
        c.pt--;
        c.pb++;
    }
    ib_ref_conv(&c, a);
}

static void conv_bias_dropped(const ib_desc *d, const ib_args *a)
{
    ib_conv_desc c = d->conv;
    c.has_bias = 0;
    ib_ref_conv(&c, a);
}

static void conv_relu_dropped(const ib_desc *d, const ib_args *a)
{
    ib_conv_desc c = d->conv;
    c.relu = 0;
    ib_ref_conv(&c, a);
}

/* The last block of 8 output channels is stored twice, the second time one block too low:
 * the block before it ends up holding the last block's values. */
static void conv_oc_block_twice(const ib_desc *d, const ib_args *a)
{
    const ib_conv_desc *c = &d->conv;
    ib_ref_conv(c, a);
    const int64_t nb = (c->oc + 7) / 8, plane = c->oh * c->ow;
    if (nb < 2)
        return;
    const int64_t last = (nb - 1) * 8, tail = c->oc - last;
    for (int64_t n = 0; n < c->n; n++)
        for (int64_t k = 0; k < tail; k++) {
            float *to = a->out[0] + (n * c->oc + last - 8 + k) * plane;
            const float *from = a->out[0] + (n * c->oc + last + k) * plane;
            for (int64_t p = 0; p < plane; p++)
                to[p] = from[p];
        }
}

/* ---- pooling ---- */

/* The reference's max pooling, or the classic "v > m ? v : m", which loses a NaN tap. */
static void maxpool_loop(const ib_pool_desc *d, const ib_args *a, int drop_nan)
{
    for (int64_t nc = 0; nc < d->n * d->c; nc++) {
        const float *x = a->in[0] + nc * d->ih * d->iw;
        float *y = a->out[0] + nc * d->oh * d->ow;
        for (int64_t oy = 0; oy < d->oh; oy++)
            for (int64_t ox = 0; ox < d->ow; ox++) {
                float m = -INFINITY;
                for (int64_t ky = 0; ky < d->kh; ky++) {
                    int64_t iy = oy * d->sh - d->pt + ky;
                    for (int64_t kx = 0; kx < d->kw && iy >= 0 && iy < d->ih; kx++) {
                        int64_t ix = ox * d->sw - d->pl + kx;
                        if (ix < 0 || ix >= d->iw)
                            continue;
                        float v = x[iy * d->iw + ix];
                        if (drop_nan)
                            m = v > m ? v : m;
                        else if (v > m || isnan(v))
                            m = isnan(m) ? m : v;
                    }
                }
                y[oy * d->ow + ox] = m;
            }
    }
}

static void maxpool_control(const ib_desc *d, const ib_args *a)
{
    maxpool_loop(&d->pool, a, 0);
}

static void maxpool_drops_nan(const ib_desc *d, const ib_args *a)
{
    maxpool_loop(&d->pool, a, 1);
}

/* Divides by the other convention's count (kh*kw versus the taps inside the input). */
static void avgpool_wrong_pad(const ib_desc *d, const ib_args *a)
{
    ib_pool_desc p = d->pool;
    p.count_include_pad = !p.count_include_pad;
    ib_ref_avgpool(&p, a);
}

/* ---- softmax ---- */

/* Single precision softmax, with or without subtracting the row maximum first. */
static void softmax_loop(const ib_softmax_desc *d, const ib_args *a, int subtract_max)
{
    for (int64_t r = 0; r < d->n; r++) {
        const float *x = a->in[0] + r * d->c;
        float *y = a->out[0] + r * d->c;
        float m = subtract_max ? -INFINITY : 0.0f, sum = 0.0f;
        for (int64_t j = 0; subtract_max && j < d->c; j++)
            if (x[j] > m || isnan(x[j]))
                m = isnan(m) ? m : x[j];
        for (int64_t j = 0; j < d->c; j++)
            sum += expf(x[j] - m);
        for (int64_t j = 0; j < d->c; j++)
            y[j] = expf(x[j] - m) / sum;
    }
}

static void softmax_control(const ib_desc *d, const ib_args *a)
{
    softmax_loop(&d->softmax, a, 1);
}

static void softmax_no_max_sub(const ib_desc *d, const ib_args *a)
{
    softmax_loop(&d->softmax, a, 0);
}

/* ---- ReLU and the loss ---- */

/* "x > 0 ? x : 0": a NaN becomes 0. */
static void relu_drops_nan(const ib_desc *d, const ib_args *a)
{
    const ib_eltwise_desc *r = &d->relu;
    for (int64_t i = 0; i < r->n * r->c * r->h * r->w; i++)
        a->out[0][i] = a->in[0][i] > 0.0f ? a->in[0][i] : 0.0f;
}

/* Single precision label-smoothing loss with log(sum exp(x)) taken without the maximum. */
static void lsloss_no_max_sub(const ib_desc *d, const ib_args *a)
{
    const ib_lsloss_desc *l = &d->lsloss;
    const float off = l->eps / (float)l->c, on = 1.0f - l->eps + off;
    float total = 0.0f;
    for (int64_t r = 0; r < l->n; r++) {
        const float *x = a->in[0] + r * l->c;
        float *g = a->out[1] + r * l->c, sum = 0.0f, row = 0.0f;
        for (int64_t j = 0; j < l->c; j++)
            sum += expf(x[j]);
        const float logsum = logf(sum);
        for (int64_t j = 0; j < l->c; j++) {
            const float q = j == a->labels[r] ? on : off;
            row -= q * (x[j] - logsum);
            g[j] = (expf(x[j]) / sum - q) / (float)l->n;
        }
        total += row;
    }
    a->out[0][0] = total / (float)l->n;
}

/* ---- plumbing: native NCHW kernels over plain-packed parameters, as the reference's ---- */

typedef void (*mutant_fn)(const ib_desc *d, const ib_args *a);

static void mutant_exec(const ib_desc *d, const void *packed, const float *const *src,
                        float *const *dst, mutant_fn fn)
{
    ib_arg_shapes s;
    ib_args a = {0};
    int k = 0;
    ib_arg_shapes_of(d, &s);
    for (int i = 0; i < s.nin; i++)
        a.in[i] = s.in_is_data[i] ? src[k++] : ib_plain_param(d, packed, i);
    if (s.nlabels > 0)
        a.labels = ib_plain_labels(d, packed);
    for (int j = 0; j < s.nout; j++)
        a.out[j] = dst[j];
    fn(d, &a);
}

static int mutant_supports(const ib_desc *d, const char **why)
{
    (void)d;
    (void)why;
    return 1;
}

#define MUTANT(tag, OP, fn)                                                                        \
    static void tag##_exec(const ib_desc *d, const void *packed, const float *const *src,          \
                           float *const *dst)                                                      \
    {                                                                                              \
        mutant_exec(d, packed, src, dst, fn);                                                      \
    }                                                                                              \
    static const ib_native tag##_native = {                                                        \
        .kernel = "mutant_" #tag,                                                                  \
        .src_layout = IB_LAYOUT_NCHW,                                                              \
        .dst_layout = IB_LAYOUT_NCHW,                                                              \
        .packed_bytes = ib_plain_packed_bytes,                                                     \
        .pack = ib_plain_pack,                                                                     \
        .exec = tag##_exec,                                                                        \
    };                                                                                             \
    static const ib_native *tag##_choose(const ib_desc *d)                                         \
    {                                                                                              \
        (void)d;                                                                                   \
        return &tag##_native;                                                                      \
    }                                                                                              \
    static const ib_impl tag##_impl = {                                                            \
        .name = "mutant_" #tag,                                                                    \
        .op = OP,                                                                                  \
        .isa = IB_ISA_SCALAR,                                                                      \
        .test_only = 1,                                                                            \
        .supports = mutant_supports,                                                               \
        .native = tag##_choose,                                                                    \
    };

MUTANT(control_conv, IB_OP_CONV, conv_control)
MUTANT(conv_pad_off_by_one, IB_OP_CONV, conv_pad_off_by_one)
MUTANT(conv_stride_ignored, IB_OP_CONV, conv_stride_ignored)
MUTANT(conv_ic_tail_skipped, IB_OP_CONV, conv_ic_tail_skipped)
MUTANT(conv_kh_kw_swapped, IB_OP_CONV, conv_kh_kw_swapped)
MUTANT(conv_bias_dropped, IB_OP_CONV, conv_bias_dropped)
MUTANT(conv_relu_dropped, IB_OP_CONV, conv_relu_dropped)
MUTANT(conv_oc_block_twice, IB_OP_CONV, conv_oc_block_twice)
MUTANT(conv_last_row_unwritten, IB_OP_CONV, conv_last_row_unwritten)
MUTANT(conv_scale_ignored, IB_OP_CONV, conv_scale_ignored)
MUTANT(control_maxpool, IB_OP_MAXPOOL, maxpool_control)
MUTANT(maxpool_drops_nan, IB_OP_MAXPOOL, maxpool_drops_nan)
MUTANT(avgpool_wrong_pad, IB_OP_AVGPOOL, avgpool_wrong_pad)
MUTANT(control_softmax, IB_OP_SOFTMAX, softmax_control)
MUTANT(softmax_no_max_sub, IB_OP_SOFTMAX, softmax_no_max_sub)
MUTANT(relu_drops_nan, IB_OP_RELU, relu_drops_nan)
MUTANT(lsloss_no_max_sub, IB_OP_LSLOSS, lsloss_no_max_sub)

/* The Winograd family's mutant (arch/wino/wino.c): one wrong coefficient in F(4x4)'s input
 * transform, which the verifier must refuse within the family's derived error bound. */
#if defined(__x86_64__)
extern const ib_impl ib_wino_mutant_impl_avx2;
#define WINO_MUTANT ib_wino_mutant_impl_avx2
#elif defined(__aarch64__)
extern const ib_impl ib_wino_mutant_impl_neon;
#define WINO_MUTANT ib_wino_mutant_impl_neon
#endif

static const ib_mutant mutants[] = {
    {&control_conv_impl, "none (the mutants' conv loop)", 1},
    {&conv_pad_off_by_one_impl, "padding off by one on one side", 0},
    {&conv_stride_ignored_impl, "stride ignored", 0},
    {&conv_ic_tail_skipped_impl, "input-channel tail (ic % 8) skipped", 0},
    {&conv_kh_kw_swapped_impl, "kernel height and width swapped", 0},
    {&conv_bias_dropped_impl, "bias dropped", 0},
    {&conv_relu_dropped_impl, "ReLU dropped", 0},
    {&conv_oc_block_twice_impl, "last output-channel block written twice", 0},
    {&conv_last_row_unwritten_impl, "last output row not written (stale memory)", 0},
    {&conv_scale_ignored_impl, "folded batch-norm's scale ignored (shift only)", 0},
#ifdef WINO_MUTANT
    {&WINO_MUTANT, "Winograd F(4x4) input transform with B^T[0][2] = -4 (not -5)", 0},
#endif
    {&control_maxpool_impl, "none (the mutants' max-pool loop)", 1},
    {&maxpool_drops_nan_impl, "max-pool drops NaN (v > m ? v : m)", 0},
    {&avgpool_wrong_pad_impl, "average pool with the other padding convention", 0},
    {&control_softmax_impl, "none (the mutants' float softmax)", 1},
    {&softmax_no_max_sub_impl, "softmax without max-subtraction", 0},
    {&relu_drops_nan_impl, "ReLU turns NaN into 0 (x > 0 ? x : 0)", 0},
    {&lsloss_no_max_sub_impl, "label-smoothing loss without max-subtraction", 0},
};

int ib_mutant_count(void)
{
    return (int)(sizeof mutants / sizeof mutants[0]);
}

const ib_mutant *ib_mutant_at(int i)
{
    return i >= 0 && i < ib_mutant_count() ? &mutants[i] : NULL;
}

static void register_all(void)
{
    for (int i = 0; i < ib_mutant_count(); i++) {
        ib_err e = {{0}};
        if (ib_registry_add(mutants[i].impl, &e) != IB_OK)
            fprintf(stderr, "mutants: %s\n", e.msg);
    }
}

void ib_mutants_register(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_all);
}
