/* The few AVX-512 intrinsics SIMDe 0.7.4 lacks, for the emulated build only (lane loops). */
#ifndef IB_AVX512_SIMDE_COMPAT_H
#define IB_AVX512_SIMDE_COMPAT_H

#include <stdint.h>
#include <string.h>

/* Without these a call falls through to the compiler's real AVX-512 intrinsic and fails to
 * build ("target specific option mismatch"), so each one is redirected by a macro. */

static inline simde__m512 ib_compat_mask_loadu_ps(simde__m512 src, simde__mmask16 k,
                                                  const void *p)
{
    float t[16];
    simde_mm512_storeu_ps(t, src);
    for (int i = 0; i < 16; i++)
        if ((k >> i) & 1)
            t[i] = ((const float *)p)[i]; /* only the selected lanes are read, as in hardware */
    return simde_mm512_loadu_ps(t);
}

static inline simde__m512 ib_compat_maskz_loadu_ps(simde__mmask16 k, const void *p)
{
    return ib_compat_mask_loadu_ps(simde_mm512_setzero_ps(), k, p);
}

static inline void ib_compat_mask_storeu_ps(void *p, simde__mmask16 k, simde__m512 v)
{
    float t[16];
    simde_mm512_storeu_ps(t, v);
    for (int i = 0; i < 16; i++)
        if ((k >> i) & 1)
            ((float *)p)[i] = t[i];
}

/* Reductions in the tree order of the hardware sequences compilers emit (halves, then
 * quarters, ...); integer-valued data is exact in any order anyway. */
static inline float ib_compat_reduce_add_ps(simde__m512 v)
{
    float t[16];
    simde_mm512_storeu_ps(t, v);
    for (int w = 8; w > 0; w /= 2)
        for (int i = 0; i < w; i++)
            t[i] += t[i + w];
    return t[0];
}

static inline float ib_compat_reduce_max_ps(simde__m512 v)
{
    float t[16];
    simde_mm512_storeu_ps(t, v);
    for (int w = 8; w > 0; w /= 2)
        for (int i = 0; i < w; i++)
            t[i] = t[i] > t[i + w] ? t[i] : t[i + w];
    return t[0];
}

#undef _mm512_mask_loadu_ps
#define _mm512_mask_loadu_ps(src, k, p) ib_compat_mask_loadu_ps(src, k, p)
#undef _mm512_maskz_loadu_ps
#define _mm512_maskz_loadu_ps(k, p) ib_compat_maskz_loadu_ps(k, p)
#undef _mm512_mask_storeu_ps
#define _mm512_mask_storeu_ps(p, k, v) ib_compat_mask_storeu_ps(p, k, v)
#undef _mm512_reduce_add_ps
#define _mm512_reduce_add_ps(v) ib_compat_reduce_add_ps(v)
#undef _mm512_reduce_max_ps
#define _mm512_reduce_max_ps(v) ib_compat_reduce_max_ps(v)

#endif
