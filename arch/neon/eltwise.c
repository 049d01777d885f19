/* NEON ReLU and batch-norm (inference) on nChw4c activations. */
#include <math.h>

#include "arch/neon/neon.h"

static size_t relu_count(const ib_eltwise_desc *r)
{
    return (size_t)ib_layout_elems(IB_LAYOUT_NCHW4C, r->n, r->c, r->h, r->w);
}

/* x < 0 ? 0 : x, as the reference: NaN passes and -0.0 stays -0.0. Padding channels are 0
 * in and 0 out. The blocked tensor is a whole number of vectors. */
static void relu_nchw4c(const ib_desc *d, const void *packed, const float *const *src,
                        float *const *dst)
{
    (void)packed;
    const float *x = src[0];
    float *y = dst[0];
    const int64_t nv = (int64_t)relu_count(&d->relu) / IB_NEON_V;
    const float32x4_t zero = vdupq_n_f32(0.0f);
    IB_PAR_FOR(
        ib_par_worth(nv * IB_NEON_V, nv), "omp parallel for schedule(static)",
        for (int64_t i = 0; i < nv; i++) {
            const float32x4_t v = vld1q_f32(x + 4 * i);
            vst1q_f32(y + 4 * i, vbslq_f32(vcltq_f32(v, zero), zero, v));
        });
}

/* Batch-norm folded, untimed, into y = x * scale + shift per channel, computed in double:
 * scale = gamma / sqrt(var + eps), shift = beta - mean * scale; zero in padding channels. */
static size_t bn_packed_bytes(const ib_desc *d)
{
    return (size_t)(2 * ib_neon_blocks(d->bn.c) * IB_NEON_V) * sizeof(float);
}

static void bn_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    const ib_bn_desc *b = &d->bn;
    const int64_t cp = ib_neon_blocks(b->c) * IB_NEON_V;
    float *scale = packed, *shift = scale + cp;
    for (int64_t c = 0; c < cp; c++) {
        double s = 0.0, t = 0.0;
        if (c < b->c) {
            s = (double)a->in[1][c] / sqrt((double)a->in[4][c] + (double)b->eps);
            t = (double)a->in[2][c] - (double)a->in[3][c] * s;
        }
        scale[c] = (float)s;
        shift[c] = (float)t;
    }
}

static void bn_nchw4c(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst)
{
    const ib_bn_desc *b = &d->bn;
    const int64_t cb = ib_neon_blocks(b->c), hw = b->h * b->w;
    const float *scale = packed, *shift = scale + cb * IB_NEON_V;
    IB_PAR_FOR(
        ib_par_worth(b->n * cb * hw * IB_NEON_V, b->n * cb), "omp parallel for schedule(static)",
        for (int64_t nb = 0; nb < b->n * cb; nb++) {
            const float32x4_t s = vld1q_f32(scale + nb % cb * IB_NEON_V);
            const float32x4_t t = vld1q_f32(shift + nb % cb * IB_NEON_V);
            const float *x = src[0] + nb * hw * IB_NEON_V;
            float *y = dst[0] + nb * hw * IB_NEON_V;
            for (int64_t i = 0; i < hw; i++)
                vst1q_f32(y + 4 * i, vfmaq_f32(t, vld1q_f32(x + 4 * i), s));
        });
}

static const ib_native relu_native = {
    .kernel = "relu_nchw4c__neon",
    .src_layout = IB_LAYOUT_NCHW4C,
    .dst_layout = IB_LAYOUT_NCHW4C,
    .exec = relu_nchw4c,
};

static const ib_native bn_native = {
    .kernel = "bn_nchw4c__neon",
    .src_layout = IB_LAYOUT_NCHW4C,
    .dst_layout = IB_LAYOUT_NCHW4C,
    .packed_bytes = bn_packed_bytes,
    .pack = bn_pack,
    .exec = bn_nchw4c,
};

IB_NATIVE_ALWAYS(relu_native_choose, relu_native)
IB_IMPL_NATIVE(ib_neon_relu_impl, "neon", IB_OP_RELU, IB_ISA_NEON, ib_supports_all,
               relu_native_choose);
IB_NATIVE_ALWAYS(bn_native_choose, bn_native)
IB_IMPL_NATIVE(ib_neon_bn_impl, "neon", IB_OP_BN, IB_ISA_NEON, ib_supports_all, bn_native_choose);
