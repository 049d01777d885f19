/* The NEON build of the Winograd family: 4-float vectors (nChw4c), 6 tiles x 4 vectors of
 * output channels = 24 accumulators and 4 weight registers of the 32 q registers. */
#ifndef IB_WINO_VEC_NEON_H
#define IB_WINO_VEC_NEON_H

#include <arm_neon.h>

typedef float32x4_t wv;
enum { WV_LANES = 4, WINO_T = 6, WINO_G = 4 };
#define WINO_NAME "wino_neon"
#define WINO_KERNEL(k) k "__neon"
#define WINO_SYM(x) x##_neon
#define WINO_ISA IB_ISA_NEON
#define WINO_LAYOUT IB_LAYOUT_NCHW4C
#define WINO_TEST_ONLY 0
#define WINO_HAS_MUTANT 1 /* the bound's test under qemu */

#define WV_INLINE static inline __attribute__((always_inline))
WV_INLINE wv wv_zero(void)
{
    return vdupq_n_f32(0.0f);
}
WV_INLINE wv wv_load(const float *p)
{
    return vld1q_f32(p);
}
WV_INLINE void wv_store(float *p, wv v)
{
    vst1q_f32(p, v);
}
WV_INLINE wv wv_set1(float x)
{
    return vdupq_n_f32(x);
}
WV_INLINE wv wv_bcast(const float *p)
{
    return vld1q_dup_f32(p);
}
WV_INLINE wv wv_add(wv a, wv b)
{
    return vaddq_f32(a, b);
}
WV_INLINE wv wv_sub(wv a, wv b)
{
    return vsubq_f32(a, b);
}
WV_INLINE wv wv_fma(wv a, wv b, wv c)
{
    return vfmaq_f32(c, a, b);
} /* a*b + c */
/* max(0, v) as the NEON direct convs do it: NaN passes, -0 stays -0 */
WV_INLINE wv wv_relu(wv v)
{
    return vbslq_f32(vcltq_f32(v, vdupq_n_f32(0.0f)), vdupq_n_f32(0.0f), v);
}

#endif
