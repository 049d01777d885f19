/* Vectorised expf for AVX2+FMA: range reduction to |r| <= ln2/2 and a degree-6 polynomial. */
#ifndef IB_AVX2_EXPF_H
#define IB_AVX2_EXPF_H

#include "arch/avx2/avx2_util.h"

/* exp(x) on 8 lanes, within about 2 ulp of expf. x = k*ln2 + r with ln2 split in two so r is
 * exact; e^r by Cephes' expf polynomial; 2^k applied as two factors 2^(k/2) * 2^(k-k/2) so
 * results in the denormal range and up to +inf come out right without a special case.
 * exp(-inf) = 0, exp(+inf) = +inf, NaN propagates (min/max are ordered to pass it on). */
IB_AVX2_INLINE __m256 ib_avx2_expf(__m256 x)
{
    /* e^89 overflows float, e^-104 rounds to 0: outside that, the clamped value gives the
     * same answer */
    x = _mm256_min_ps(_mm256_set1_ps(89.0f), x);
    x = _mm256_max_ps(_mm256_set1_ps(-104.0f), x);
    __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i ki = _mm256_cvtps_epi32(k); /* in -150 .. 128 */
    __m256i k1 = _mm256_srai_epi32(ki, 1);
    __m256i k2 = _mm256_sub_epi32(ki, k1);
    const __m256i bias = _mm256_set1_epi32(127);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, bias), 23));
    __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k2, bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

#endif
