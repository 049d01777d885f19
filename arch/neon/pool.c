/* NEON max and average pooling on nChw4c: one vector is one pixel's 4 channels. */
#include <math.h>

#include "arch/neon/neon.h"

/* One output row of one image's channel block. Only taps inside the input are read; max
 * starts from -inf (a window wholly in the padding gives -inf) and vmaxq_f32 (FMAX) returns
 * NaN when either operand is NaN, as the reference; average sums row by row and divides
 * once, so integer data give the reference's result exactly (0/0 = NaN, as it does). */
IB_NEON_ALWAYS_INLINE void pool_row(const int is_max, const ib_pool_desc *p, const float *in,
                                    float *out, int64_t oy)
{
    const int64_t iy0 = oy * p->sh - p->pt;
    const int64_t ky0 = ib_neon_max(0, -iy0), ky1 = ib_neon_min(p->kh, p->ih - iy0);
    for (int64_t ox = 0; ox < p->ow; ox++) {
        const int64_t ix0 = ox * p->sw - p->pl;
        const int64_t kx0 = ib_neon_max(0, -ix0), kx1 = ib_neon_min(p->kw, p->iw - ix0);
        float32x4_t acc = vdupq_n_f32(is_max ? -INFINITY : 0.0f);
        for (int64_t ky = ky0; ky < ky1; ky++) {
            const int64_t row = (iy0 + ky) * p->iw + ix0; /* may be negative before + kx */
            for (int64_t kx = kx0; kx < kx1; kx++) {
                const float32x4_t v = vld1q_f32(in + (row + kx) * IB_NEON_V);
                acc = is_max ? vmaxq_f32(acc, v) : vaddq_f32(acc, v);
            }
        }
        if (!is_max) {
            const int64_t inside = ib_neon_max(0, ky1 - ky0) * ib_neon_max(0, kx1 - kx0);
            const int64_t div = p->count_include_pad ? p->kh * p->kw : inside;
            acc = vdivq_f32(acc, vdupq_n_f32((float)div));
        }
        vst1q_f32(out + ox * IB_NEON_V, acc);
    }
}

IB_NEON_ALWAYS_INLINE void pool(const int is_max, const ib_desc *d, const float *src, float *dst)
{
    const ib_pool_desc *p = &d->pool;
    const int64_t cb = ib_neon_blocks(p->c);
    const int64_t in_plane = p->ih * p->iw * IB_NEON_V, out_plane = p->oh * p->ow * IB_NEON_V;
    const int64_t items = p->n * cb * p->oh;
#pragma omp parallel for schedule(static)
    for (int64_t it = 0; it < items; it++) {
        const int64_t oy = it % p->oh, nb = it / p->oh;
        pool_row(is_max, p, src + nb * in_plane, dst + nb * out_plane + oy * p->ow * IB_NEON_V, oy);
    }
}

static void maxpool_nchw4c(const ib_desc *d, const void *packed, const float *const *src,
                           float *const *dst)
{
    (void)packed;
    pool(1, d, src[0], dst[0]);
}

static void avgpool_nchw4c(const ib_desc *d, const void *packed, const float *const *src,
                           float *const *dst)
{
    (void)packed;
    pool(0, d, src[0], dst[0]);
}

static const ib_native maxpool_native = {
    .kernel = "maxpool_nchw4c__neon",
    .src_layout = IB_LAYOUT_NCHW4C,
    .dst_layout = IB_LAYOUT_NCHW4C,
    .exec = maxpool_nchw4c,
};

static const ib_native avgpool_native = {
    .kernel = "avgpool_nchw4c__neon",
    .src_layout = IB_LAYOUT_NCHW4C,
    .dst_layout = IB_LAYOUT_NCHW4C,
    .exec = avgpool_nchw4c,
};

IB_NATIVE_ALWAYS(maxpool_native_choose, maxpool_native)
IB_IMPL_NATIVE(ib_neon_maxpool_impl, "neon", IB_OP_MAXPOOL, IB_ISA_NEON, ib_supports_all,
               maxpool_native_choose);
IB_NATIVE_ALWAYS(avgpool_native_choose, avgpool_native)
IB_IMPL_NATIVE(ib_neon_avgpool_impl, "neon", IB_OP_AVGPOOL, IB_ISA_NEON, ib_supports_all,
               avgpool_native_choose);
