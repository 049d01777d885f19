/* The AVX-512 build of the Winograd family (native, or through SIMDe's emulation for tests):
 * 16-float vectors (nChw16c), 6 tiles x 4 vectors of output channels = 24 accumulators and
 * 4 weight registers of the 32 zmm, the tile's input broadcast from memory. */
#ifndef IB_WINO_VEC_AVX512_H
#define IB_WINO_VEC_AVX512_H

#include "arch/avx512/avx512_build.h"

typedef __m512 wv;
enum { WV_LANES = 16, WINO_T = 6, WINO_G = 4 };
#define WINO_NAME "wino_" IB_AVX512_NAME
#define WINO_KERNEL(k) IB_AVX512_KERNEL(k)
#define WINO_SYM(x) IB_AVX512_SYM(x##_avx512)
#define WINO_ISA IB_AVX512_ISA
#define WINO_LAYOUT IB_LAYOUT_NCHW16C
#define WINO_TEST_ONLY IB_AVX512_TEST_ONLY
#define WINO_HAS_MUTANT 0

#define WV_INLINE static inline __attribute__((always_inline))
WV_INLINE wv wv_zero(void)
{
    return _mm512_setzero_ps();
}
WV_INLINE wv wv_load(const float *p)
{
    return _mm512_loadu_ps(p);
}
WV_INLINE void wv_store(float *p, wv v)
{
    _mm512_storeu_ps(p, v);
}
WV_INLINE wv wv_set1(float x)
{
    return _mm512_set1_ps(x);
}
WV_INLINE wv wv_bcast(const float *p)
{
    return _mm512_set1_ps(*p);
}
WV_INLINE wv wv_add(wv a, wv b)
{
    return _mm512_add_ps(a, b);
}
WV_INLINE wv wv_sub(wv a, wv b)
{
    return _mm512_sub_ps(a, b);
}
WV_INLINE wv wv_fma(wv a, wv b, wv c)
{
    return _mm512_fmadd_ps(a, b, c);
} /* a*b + c */
/* max(0, v): returns v when v is NaN, keeps -0 (the direct convs' ReLU) */
WV_INLINE wv wv_relu(wv v)
{
    return _mm512_max_ps(_mm512_setzero_ps(), v);
}

#endif
