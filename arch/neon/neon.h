/* Helpers shared by the NEON kernels: block arithmetic, lane loads, reductions, vector exp. */
#ifndef IB_ARCH_NEON_H
#define IB_ARCH_NEON_H

#include <arm_neon.h>
#include <stdint.h>

#include "core/impl.h"
#include "core/par.h"

#define IB_NEON_V 4 /* floats per vector and channels per nChw4c block */

/* llvm-mca markers around micro-kernel inner loops; empty unless IB_MCA_MARKERS. */
#ifdef IB_MCA_MARKERS
#define IB_MCA_BEGIN(name) __asm__ volatile("// LLVM-MCA-BEGIN " name)
#define IB_MCA_END(name) __asm__ volatile("// LLVM-MCA-END " name)
#else
#define IB_MCA_BEGIN(name) ((void)0)
#define IB_MCA_END(name) ((void)0)
#endif

#define IB_NEON_ALWAYS_INLINE static inline __attribute__((always_inline))

IB_NEON_ALWAYS_INLINE int64_t ib_neon_blocks(int64_t c)
{
    return (c + IB_NEON_V - 1) / IB_NEON_V;
}

IB_NEON_ALWAYS_INLINE int64_t ib_neon_min(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

IB_NEON_ALWAYS_INLINE int64_t ib_neon_max(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* The first n (0..4) floats of p, the other lanes zero; never reads past p[n-1]. */
IB_NEON_ALWAYS_INLINE float32x4_t ib_neon_load_partial(const float *p, int64_t n)
{
    float32x4_t v = vdupq_n_f32(0.0f);
    if (n >= 4)
        return vld1q_f32(p);
    if (n > 0)
        v = vld1q_lane_f32(p, v, 0);
    if (n > 1)
        v = vld1q_lane_f32(p + 1, v, 1);
    if (n > 2)
        v = vld1q_lane_f32(p + 2, v, 2);
    return v;
}

/* Stores the first n (0..4) lanes of v. */
IB_NEON_ALWAYS_INLINE void ib_neon_store_partial(float *p, float32x4_t v, int64_t n)
{
    if (n >= 4) {
        vst1q_f32(p, v);
        return;
    }
    if (n > 0)
        vst1q_lane_f32(p, v, 0);
    if (n > 1)
        vst1q_lane_f32(p + 1, v, 1);
    if (n > 2)
        vst1q_lane_f32(p + 2, v, 2);
}

/* exp(x) for every lane, Cephes-style: x = k ln2 + r, a degree-6 polynomial for e^r, 2^k by
 * the exponent field; about 2 ulp. Below -87.3 (including -inf) the result is 0, above
 * 88.7 it is +inf, NaN stays NaN. */
IB_NEON_ALWAYS_INLINE float32x4_t ib_neon_exp(float32x4_t x)
{
    const float32x4_t hi = vdupq_n_f32(88.72283935546875f);
    const float32x4_t lo = vdupq_n_f32(-87.33654022216797f);
    const uint32x4_t over = vcgtq_f32(x, hi), under = vcltq_f32(x, lo);
    float32x4_t xc = vminq_f32(vmaxq_f32(x, lo), hi);
    /* k = round(x / ln2), r = x - k ln2 in two parts for precision. */
    const float32x4_t k = vrndnq_f32(vmulq_f32(xc, vdupq_n_f32(1.44269504088896341f)));
    float32x4_t r = vfmsq_f32(xc, k, vdupq_n_f32(0.693359375f));
    r = vfmsq_f32(r, k, vdupq_n_f32(-2.12194440e-4f));
    float32x4_t p = vdupq_n_f32(1.9875691500e-4f);
    p = vfmaq_f32(vdupq_n_f32(1.3981999507e-3f), p, r);
    p = vfmaq_f32(vdupq_n_f32(8.3334519073e-3f), p, r);
    p = vfmaq_f32(vdupq_n_f32(4.1665795894e-2f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.6666665459e-1f), p, r);
    p = vfmaq_f32(vdupq_n_f32(5.0000001201e-1f), p, r);
    p = vfmaq_f32(r, p, vmulq_f32(r, r));
    p = vaddq_f32(p, vdupq_n_f32(1.0f));
    /* 2^k: k is within [-126, 128]; split it so that each factor is a normal number. */
    const int32x4_t ki = vcvtq_s32_f32(k);
    const int32x4_t k1 = vshrq_n_s32(ki, 1), k2 = vsubq_s32(ki, k1);
    const int32x4_t bias = vdupq_n_s32(127);
    const float32x4_t s1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(k1, bias), 23));
    const float32x4_t s2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(k2, bias), 23));
    float32x4_t y = vmulq_f32(vmulq_f32(p, s1), s2);
    y = vbslq_f32(under, vdupq_n_f32(0.0f), y);
    y = vbslq_f32(over, vdupq_n_f32(__builtin_inff()), y);
    return y;
}

/* Row helpers for softmax and the label-smoothing loss: max of x[0..c). */
float ib_neon_row_max(const float *x, int64_t c);
/* dst[i] = exp(x[i] - m); returns the sum. dst may be NULL (sum only). */
float ib_neon_row_exp_sum(const float *x, int64_t c, float m, float *dst);

#endif
