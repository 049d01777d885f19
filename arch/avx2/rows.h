/* Row passes shared by softmax and the label-smoothing loss: maximum, and exp(x - max) with its sum. */
#ifndef IB_AVX2_ROWS_H
#define IB_AVX2_ROWS_H

#include <math.h>

#include "arch/avx2/avx2_util.h"
#include "arch/avx2/expf.h"

/* Maximum of x[0..c-1]. NaN entries are skipped here; they reach every output through the
 * exp sum instead (exp(NaN - m) is NaN). */
IB_AVX2_INLINE float ib_avx2_row_max(const float *x, int64_t c)
{
    const __m256 ninf = _mm256_set1_ps(-INFINITY);
    __m256 m0 = ninf, m1 = ninf;
    int64_t j = 0;
    for (; j + 16 <= c; j += 16) {
        m0 = _mm256_max_ps(_mm256_loadu_ps(x + j), m0);
        m1 = _mm256_max_ps(_mm256_loadu_ps(x + j + 8), m1);
    }
    for (; j + 8 <= c; j += 8)
        m0 = _mm256_max_ps(_mm256_loadu_ps(x + j), m0);
    if (j < c) {
        __m256i t = ib_avx2_tail_mask(c - j);
        __m256 v = _mm256_blendv_ps(ninf, _mm256_maskload_ps(x + j, t), _mm256_castsi256_ps(t));
        m1 = _mm256_max_ps(v, m1);
    }
    return ib_avx2_hmax(_mm256_max_ps(m0, m1));
}

/* e[j] = exp(x[j] - m) for j < c (e may alias x); returns the sum of the e[j]. */
IB_AVX2_INLINE float ib_avx2_row_exp(const float *x, float *e, int64_t c, float m)
{
    const __m256 vm = _mm256_set1_ps(m);
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 16 <= c; j += 16) {
        __m256 a = ib_avx2_expf(_mm256_sub_ps(_mm256_loadu_ps(x + j), vm));
        __m256 b = ib_avx2_expf(_mm256_sub_ps(_mm256_loadu_ps(x + j + 8), vm));
        _mm256_storeu_ps(e + j, a);
        _mm256_storeu_ps(e + j + 8, b);
        s0 = _mm256_add_ps(s0, a);
        s1 = _mm256_add_ps(s1, b);
    }
    for (; j + 8 <= c; j += 8) {
        __m256 a = ib_avx2_expf(_mm256_sub_ps(_mm256_loadu_ps(x + j), vm));
        _mm256_storeu_ps(e + j, a);
        s0 = _mm256_add_ps(s0, a);
    }
    if (j < c) {
        __m256i t = ib_avx2_tail_mask(c - j);
        __m256 a = ib_avx2_expf(_mm256_sub_ps(_mm256_maskload_ps(x + j, t), vm));
        _mm256_maskstore_ps(e + j, t, a);
        s1 = _mm256_add_ps(s1, _mm256_and_ps(a, _mm256_castsi256_ps(t)));
    }
    return ib_avx2_hsum(_mm256_add_ps(s0, s1));
}

#endif
