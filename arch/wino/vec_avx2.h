/* The AVX2 build of the Winograd family: 8-float vectors (nChw8c), 4 tiles x 3 vectors of
 * output channels = 12 accumulators, 3 weight registers and a broadcast in 16 ymm. */
#ifndef IB_WINO_VEC_AVX2_H
#define IB_WINO_VEC_AVX2_H

#include <immintrin.h>

typedef __m256 wv;
enum { WV_LANES = 8, WINO_T = 4, WINO_G = 3 };
#define WINO_NAME "wino_avx2"
#define WINO_KERNEL(k) k "__avx2"
#define WINO_SYM(x) x##_avx2
#define WINO_ISA IB_ISA_AVX2
#define WINO_LAYOUT IB_LAYOUT_NCHW8C
#define WINO_TEST_ONLY 0
#define WINO_HAS_MUTANT 1 /* the verifier's test of the bound runs on every x86 machine */

#define WV_INLINE static inline __attribute__((always_inline))
WV_INLINE wv wv_zero(void)
{
    return _mm256_setzero_ps();
}
WV_INLINE wv wv_load(const float *p)
{
    return _mm256_loadu_ps(p);
}
WV_INLINE void wv_store(float *p, wv v)
{
    _mm256_storeu_ps(p, v);
}
WV_INLINE wv wv_set1(float x)
{
    return _mm256_set1_ps(x);
}
WV_INLINE wv wv_bcast(const float *p)
{
    return _mm256_broadcast_ss(p);
}
WV_INLINE wv wv_add(wv a, wv b)
{
    return _mm256_add_ps(a, b);
}
WV_INLINE wv wv_sub(wv a, wv b)
{
    return _mm256_sub_ps(a, b);
}
WV_INLINE wv wv_fma(wv a, wv b, wv c)
{
    return _mm256_fmadd_ps(a, b, c);
} /* a*b + c */
/* max(0, v): returns v when v is NaN, keeps -0 (the direct convs' ReLU) */
WV_INLINE wv wv_relu(wv v)
{
    return _mm256_max_ps(_mm256_setzero_ps(), v);
}

#endif
