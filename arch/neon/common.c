/* Shared NEON helpers: the row reductions of softmax and the label-smoothing loss. */
#include <math.h>

#include "arch/neon/neon.h"

/* NaN-propagating: vmaxq_f32 and vmaxvq_f32 (FMAX, FMAXV) return NaN for any NaN operand;
 * the scalar tail keeps that rule. */
float ib_neon_row_max(const float *x, int64_t c)
{
    float32x4_t mv = vdupq_n_f32(-INFINITY);
    int64_t i = 0;
    for (; i + IB_NEON_V <= c; i += IB_NEON_V)
        mv = vmaxq_f32(mv, vld1q_f32(x + i));
    float m = vmaxvq_f32(mv);
    for (; i < c; i++)
        if (!isnan(m) && (x[i] > m || isnan(x[i])))
            m = x[i];
    return m;
}

float ib_neon_row_exp_sum(const float *x, int64_t c, float m, float *dst)
{
    const float32x4_t mv = vdupq_n_f32(m);
    float32x4_t s = vdupq_n_f32(0.0f);
    int64_t i = 0;
    for (; i + IB_NEON_V <= c; i += IB_NEON_V) {
        const float32x4_t e = ib_neon_exp(vsubq_f32(vld1q_f32(x + i), mv));
        if (dst)
            vst1q_f32(dst + i, e);
        s = vaddq_f32(s, e);
    }
    if (i < c) {
        /* Lanes past the row hold exp(0 - m), which may be anything: masked to 0. */
        const int64_t n = c - i;
        const int32_t lanes[4] = {0, 1, 2, 3};
        const uint32x4_t in = vcltq_s32(vld1q_s32(lanes), vdupq_n_s32((int32_t)n));
        float32x4_t e = ib_neon_exp(vsubq_f32(ib_neon_load_partial(x + i, n), mv));
        e = vbslq_f32(in, e, vdupq_n_f32(0.0f));
        if (dst)
            ib_neon_store_partial(dst + i, e, n);
        s = vaddq_f32(s, e);
    }
    return vaddvq_f32(s);
}
