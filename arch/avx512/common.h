/* Helpers shared by the AVX-512 kernels: tail masks, NaN-propagating max, vector exp, impls. */
#ifndef IB_AVX512_COMMON_H
#define IB_AVX512_COMMON_H

#include <stdint.h>

#include "arch/avx512/avx512_build.h"
#include "core/impl.h"
#include "core/native.h"
#include "core/par.h"

enum { IB512_V = 16 }; /* floats per zmm register = channel block of nChw16c */

#define IB512_INLINE static inline __attribute__((always_inline))
/* Full unrolling of the small constant loops of a register tile, so its arrays of vectors
 * become registers (GCC does not unroll them completely at -O2 by itself). */
#define IB512_UNROLL _Pragma("GCC unroll 16")

/* Lanes 0..n-1 set (all 16 for n >= 16). */
IB512_INLINE __mmask16 ib512_mask(int64_t n)
{
    return n >= IB512_V ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
}

/* a / b rounded up (a >= 0, b > 0). */
IB512_INLINE int64_t ib512_cdiv(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

IB512_INLINE int64_t ib512_blocks(int64_t c)
{
    return ib512_cdiv(c, IB512_V);
}

/* max(m, x) where a NaN in either stays NaN: maxps returns its second operand when either is
 * NaN, so max(m, x) keeps a NaN x, and the blend keeps a NaN m. */
IB512_INLINE __m512 ib512_max_nan(__m512 m, __m512 x)
{
    return _mm512_mask_mov_ps(_mm512_max_ps(m, x), _mm512_cmp_ps_mask(m, m, _CMP_UNORD_Q), m);
}

/* exp(x) to about 2 ulp: x = n ln2 + r, |r| <= ln2/2, degree-7 Taylor polynomial in r, then
 * scalef by 2^n (exact, gradual underflow included). Below -110 the result is 0 in fp32, so
 * x is clamped there, which also maps -inf to 0; NaN propagates (max keeps its 2nd operand). */
IB512_INLINE __m512 ib512_exp(__m512 x)
{
    x = _mm512_max_ps(_mm512_set1_ps(-110.0f), x);
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.42860682030941723212e-6f), r);
    __m512 p = _mm512_set1_ps(1.0f / 5040.0f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(p, n);
}

/* llvm-mca region markers around micro-kernel inner loops, only in a dedicated build
 * (-DIB_MCA_MARKERS with -S): the asm statements constrain scheduling otherwise. The id is a
 * compile-time constant printed into the region name. */
#ifdef IB_MCA_MARKERS
#define IB512_MCA_BEGIN(name, id) __asm__ volatile("# LLVM-MCA-BEGIN " name "_%c0" ::"i"(id))
#define IB512_MCA_END(name, id) __asm__ volatile("# LLVM-MCA-END " name "_%c0" ::"i"(id))
#else
#define IB512_MCA_BEGIN(name, id) ((void)0)
#define IB512_MCA_END(name, id) ((void)0)
#endif

#endif
