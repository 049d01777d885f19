/* NEON convolution: packed-weight layout, output-column geometry and the fused epilogue. */
#ifndef IB_ARCH_NEON_CONV_H
#define IB_ARCH_NEON_CONV_H

#include "arch/neon/neon.h"

/* Output channels go in groups of up to IB_NEON_CONV_B blocks of 4 (16 oc): one register tile
 * holds B blocks x P pixels accumulators. */
enum { IB_NEON_CONV_B = 4 };

/* Packed parameters. Input channels are taken L at a time (L = 4 for nChw4c input, the lanes
 * of one input vector; L = 1 for NCHW input), in ICG groups. Weights of oc group g with nb
 * blocks: [icg][kh][kw][i < L][b < nb][o < 4], the groups back to back; channels beyond ic or
 * oc are zero. Then the bias, padded with zeros to a whole block. Weights and bias are the
 * folded convolution's (core/conv_fold.h): a batch-norm is in them. */
typedef struct ib_neon_conv_pack {
    int64_t L, icg, ocb, ngroups;
    int64_t wsize; /* floats of weights */
    int64_t bias;  /* float offset of the bias, -1 when absent */
    int64_t total; /* floats */
} ib_neon_conv_pack;

void ib_neon_conv_pack_plan(const ib_conv_desc *c, int64_t L, ib_neon_conv_pack *p);
void ib_neon_conv_pack_weights(const ib_conv_desc *c, int64_t L, const ib_args *a, float *out);

/* Floats of weights of one full group, and the offset of group g. */
IB_NEON_ALWAYS_INLINE int64_t ib_neon_conv_group_stride(const ib_conv_desc *c,
                                                        const ib_neon_conv_pack *p)
{
    return IB_NEON_CONV_B * p->icg * c->kh * c->kw * p->L * IB_NEON_V;
}

/* Output columns [lo, hi) whose taps all lie inside the input row: no left or right
 * padding. Outside it, pixels are done one by one with a clipped kw range. */
typedef struct ib_neon_cols {
    int64_t lo, hi;
} ib_neon_cols;

IB_NEON_ALWAYS_INLINE ib_neon_cols ib_neon_conv_cols(const ib_conv_desc *c)
{
    ib_neon_cols r;
    r.lo = ib_neon_min((c->pl + c->sw - 1) / c->sw, c->ow);
    const int64_t last = c->iw - c->kw + c->pl; /* the largest ow*sw that fits */
    r.hi = last < 0 ? 0 : ib_neon_min(last / c->sw + 1, c->ow);
    if (r.hi < r.lo)
        r.hi = r.lo;
    return r;
}

/* Valid tap range [k0, k1) along one axis for output position o. */
IB_NEON_ALWAYS_INLINE void ib_neon_taps(int64_t o, int64_t s, int64_t pad, int64_t k, int64_t in,
                                        int64_t *first, int64_t *k0, int64_t *k1)
{
    *first = o * s - pad;
    *k0 = ib_neon_max(0, -*first);
    *k1 = ib_neon_min(k, in - *first);
    if (*k1 < *k0)
        *k1 = *k0;
}

/* Epilogue parameters of one oc group (bias at the group's first channel, or NULL). */
typedef struct ib_neon_epi {
    const float *bias;
    int relu;
} ib_neon_epi;

/* acc (+ bias) -> relu: the folded convolution's epilogue. The ReLU passes NaN and keeps
 * -0.0, as the reference's "x < 0 ? 0 : x". */
IB_NEON_ALWAYS_INLINE float32x4_t ib_neon_epilogue(float32x4_t v, const ib_neon_epi *e, int b)
{
    if (e->bias)
        v = vaddq_f32(v, vld1q_f32(e->bias + 4 * b));
    if (e->relu)
        v = vbslq_f32(vcltq_f32(v, vdupq_n_f32(0.0f)), vdupq_n_f32(0.0f), v);
    return v;
}

IB_NEON_ALWAYS_INLINE ib_neon_epi ib_neon_conv_epi(const ib_conv_desc *c, const float *packed,
                                                   const ib_neon_conv_pack *p, int64_t g)
{
    const int64_t oc0 = g * IB_NEON_CONV_B * IB_NEON_V;
    ib_neon_epi e = {
        .bias = p->bias >= 0 ? packed + p->bias + oc0 : NULL,
        .relu = c->relu,
    };
    return e;
}

/* One register tile: B oc blocks x P output pixels of one output row, accumulated over every
 * input channel group and the given taps, then the epilogue, stored as nChw4c. The pointers
 * are at the first valid tap (kh0, kw0) of channel group 0 and of pixel 0. */
typedef struct ib_neon_tile_args {
    const float *in, *w;
    int64_t nicg, nkh, nkw;                /* loop counts (0 taps: the epilogue of zero) */
    int64_t in_icg, in_row, in_pix, in_kw; /* float strides in the input */
    int64_t w_icg, w_kh;                   /* float strides in the weights (kw: L*4*B) */
    float *out;
    int64_t out_blk; /* floats between output channel blocks */
    ib_neon_epi epi;
} ib_neon_tile_args;
typedef void (*ib_neon_tile_fn)(const ib_neon_tile_args *t);

/* The tile family of one input layout: fn[(B-1) * pmax + (P-1)] for B in 1..4, P in 1..pmax. */
typedef struct ib_neon_conv_kernel {
    int64_t L, pmax;
    const ib_neon_tile_fn *fn;
} ib_neon_conv_kernel;
extern const ib_neon_conv_kernel ib_neon_conv_kernel_nchw4c; /* input vector = 4 channels */
extern const ib_neon_conv_kernel ib_neon_conv_kernel_nchw;   /* input vector = 4 pixels */

#endif
