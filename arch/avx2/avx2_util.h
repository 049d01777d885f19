/* Small AVX2 helpers shared by the arch/avx2 kernels: tail masks, reductions, impl boilerplate. */
#ifndef IB_AVX2_UTIL_H
#define IB_AVX2_UTIL_H

#include <immintrin.h>
#include <stdint.h>

#include "core/impl.h"
#include "core/par.h"

#define IB_AVX2_INLINE static inline __attribute__((always_inline))

/* 8 floats per channel block (nChw8c). */
IB_AVX2_INLINE int64_t ib_avx2_blocks(int64_t c)
{
    return (c + 7) / 8;
}

static const int32_t ib_avx2_mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                               0,  0,  0,  0,  0,  0,  0,  0};

/* Lanes 0 .. r-1 set, for r in 0..8: the tail of a plain row. */
IB_AVX2_INLINE __m256i ib_avx2_tail_mask(int64_t r)
{
    return _mm256_loadu_si256((const __m256i *)(ib_avx2_mask_table + 8 - r));
}

IB_AVX2_INLINE float ib_avx2_hsum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Lanes holding NaN are skipped (callers detect NaN rows through the later exp sum). */
IB_AVX2_INLINE float ib_avx2_hmax(__m256 v)
{
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#endif
