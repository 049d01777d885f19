/* Max and average pooling on nChw8c, any kernel, stride and padding: one shared window walk. */
#include <math.h>

#include "arch/avx2/avx2_util.h"

typedef enum pool_kind { POOL_MAX, POOL_AVG } pool_kind;

/* Accumulates the nky x nkx taps starting at r (all inside the input). Max keeps a NaN mask
 * beside the maximum: max_ps drops a NaN in either operand order, the reference propagates it.
 * Avg sums each window row on its own first, which shortens the chain of dependent adds
 * (the order differs from the reference's, but integer sums are exact in any order). */
IB_AVX2_INLINE void pool_taps(pool_kind kind, const float *r, int64_t iw, int64_t nky,
                              int64_t nkx, __m256 *acc, __m256 *nan)
{
#pragma GCC unroll 8
    for (int64_t ky = 0; ky < nky; ky++, r += iw * 8) {
        if (kind == POOL_MAX) {
#pragma GCC unroll 8
            for (int64_t kx = 0; kx < nkx; kx++) {
                __m256 v = _mm256_loadu_ps(r + kx * 8);
                *acc = _mm256_max_ps(v, *acc);
                *nan = _mm256_or_ps(*nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
            }
        } else {
            __m256 rs = _mm256_loadu_ps(r);
#pragma GCC unroll 8
            for (int64_t kx = 1; kx < nkx; kx++)
                rs = _mm256_add_ps(rs, _mm256_loadu_ps(r + kx * 8));
            *acc = _mm256_add_ps(*acc, rs);
        }
    }
}

/* The output vector from a window's accumulators; count: the avg divisor. */
IB_AVX2_INLINE __m256 pool_finish(pool_kind kind, __m256 acc, __m256 nan, __m256 count)
{
    if (kind == POOL_MAX)
        return _mm256_or_ps(acc, nan); /* all-ones bits: a NaN */
    return _mm256_div_ps(acc, count);  /* a division, as the reference: exact on integers */
}

/* One output near an edge: all KH x KW taps walked (unrolled when they are literals), those
 * outside the input skipped by predictable branches. iy0, ix0: the window's top-left corner. */
IB_AVX2_INLINE __m256 pool_edge(pool_kind kind, const ib_pool_desc *p, int64_t KH, int64_t KW,
                                const float *x, int64_t iy0, int64_t ox)
{
    int64_t ix0 = ox * p->sw - p->pl, inside = 0;
    __m256 acc = kind == POOL_MAX ? _mm256_set1_ps(-INFINITY) : _mm256_setzero_ps();
    __m256 nan = _mm256_setzero_ps();
#pragma GCC unroll 8
    for (int64_t ky = 0; ky < KH; ky++) {
        if (iy0 + ky < 0 || iy0 + ky >= p->ih)
            continue;
#pragma GCC unroll 8
        for (int64_t kx = 0; kx < KW; kx++) {
            if (ix0 + kx < 0 || ix0 + kx >= p->iw)
                continue;
            pool_taps(kind, x + ((iy0 + ky) * p->iw + ix0 + kx) * 8, p->iw, 1, 1, &acc, &nan);
            inside++;
        }
    }
    int64_t count = p->count_include_pad ? KH * KW : inside;
    return pool_finish(kind, acc, nan, _mm256_set1_ps((float)count));
}

/* Output row oy of one channel-block plane; KH, KW are literals in the common cases so full
 * windows unroll. Padding taps are skipped: max treats them as -inf, avg as absent (and counts
 * them only with count_include_pad). An all-padding window gives -inf (max), 0 or 0/0 (avg).
 * Columns [lo, hi) have their windows inside the input horizontally: no clipping there. */
IB_AVX2_INLINE void pool_row(pool_kind kind, const ib_pool_desc *p, int64_t KH, int64_t KW,
                             const float *x, float *y, int64_t oy)
{
    int64_t iy0 = oy * p->sh - p->pt;
    int64_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = p->ih - iy0 < KH ? p->ih - iy0 : KH;
    int64_t nky = ky1 > ky0 ? ky1 - ky0 : 0, iy = iy0 + ky0;
    int64_t lo = (p->pl + p->sw - 1) / p->sw;
    int64_t hi = p->iw + p->pl >= KW ? (p->iw + p->pl - KW) / p->sw + 1 : 0;
    hi = hi < p->ow ? hi : p->ow;
    lo = lo < hi ? lo : hi;
    for (int64_t ox = 0; ox < lo; ox++)
        _mm256_storeu_ps(y + ox * 8, pool_edge(kind, p, KH, KW, x, iy0, ox));
    if (nky > 0) {
        const __m256 init = kind == POOL_MAX ? _mm256_set1_ps(-INFINITY) : _mm256_setzero_ps();
        const __m256 count = _mm256_set1_ps((float)(p->count_include_pad ? KH * KW : nky * KW));
        const float *r = x + (iy * p->iw + lo * p->sw - p->pl) * 8;
        for (int64_t ox = lo; ox < hi; ox++, r += p->sw * 8) {
            __m256 acc = init, nan = _mm256_setzero_ps();
            if (nky == KH)
                pool_taps(kind, r, p->iw, KH, KW, &acc, &nan); /* constant trip: unrolled */
            else
                pool_taps(kind, r, p->iw, nky, KW, &acc, &nan);
            _mm256_storeu_ps(y + ox * 8, pool_finish(kind, acc, nan, count));
        }
    } else {
        for (int64_t ox = lo; ox < hi; ox++)
            _mm256_storeu_ps(y + ox * 8, pool_edge(kind, p, KH, KW, x, iy0, ox));
    }
    for (int64_t ox = hi; ox < p->ow; ox++)
        _mm256_storeu_ps(y + ox * 8, pool_edge(kind, p, KH, KW, x, iy0, ox));
}

/* Row functions with the kind and the common kernel sizes as literals, so the window walk is
 * compiled once per case (OpenMP outlines the parallel loop before inlining, so the
 * specialisation must happen below it). */
typedef void (*pool_row_fn)(const ib_pool_desc *p, const float *x, float *y, int64_t oy);
#define POOL_ROW_FN(name, kind, KH, KW)                                                           \
    static void name(const ib_pool_desc *p, const float *x, float *y, int64_t oy)                 \
    {                                                                                             \
        pool_row(kind, p, KH, KW, x, y, oy);                                                      \
    }
POOL_ROW_FN(maxpool_row_3x3, POOL_MAX, 3, 3)
POOL_ROW_FN(maxpool_row_any, POOL_MAX, p->kh, p->kw)
POOL_ROW_FN(avgpool_row_3x3, POOL_AVG, 3, 3)
POOL_ROW_FN(avgpool_row_5x5, POOL_AVG, 5, 5)
POOL_ROW_FN(avgpool_row_any, POOL_AVG, p->kh, p->kw)
#undef POOL_ROW_FN

static void pool_exec(pool_row_fn row, const ib_desc *d, const float *src, float *dst)
{
    const ib_pool_desc *p = &d->pool;
    int64_t rows = p->n * ib_avx2_blocks(p->c) * p->oh;
    int64_t in_plane = p->ih * p->iw * 8, out_plane = p->oh * p->ow * 8;
#pragma omp parallel for schedule(static)                                                        \
    if (rows * p->ow * 8 * p->kh * p->kw >= IB_AVX2_PAR_MIN && rows > 1)
    for (int64_t i = 0; i < rows; i++) {
        int64_t plane = i / p->oh, oy = i % p->oh;
        row(p, src + plane * in_plane, dst + plane * out_plane + oy * p->ow * 8, oy);
    }
}

static void maxpool_exec(const ib_desc *d, const void *packed, const float *const *src,
                         float *const *dst)
{
    (void)packed;
    int k3 = d->pool.kh == 3 && d->pool.kw == 3;
    pool_exec(k3 ? maxpool_row_3x3 : maxpool_row_any, d, src[0], dst[0]);
}

static void avgpool_exec(const ib_desc *d, const void *packed, const float *const *src,
                         float *const *dst)
{
    (void)packed;
    const ib_pool_desc *p = &d->pool;
    pool_row_fn row = p->kh == 3 && p->kw == 3   ? avgpool_row_3x3
                      : p->kh == 5 && p->kw == 5 ? avgpool_row_5x5
                                                 : avgpool_row_any;
    pool_exec(row, d, src[0], dst[0]);
}

static const ib_native maxpool_native = {
    .kernel = "maxpool_nchw8c__avx2",
    .src_layout = IB_LAYOUT_NCHW8C,
    .dst_layout = IB_LAYOUT_NCHW8C,
    .exec = maxpool_exec,
};

static const ib_native avgpool_native = {
    .kernel = "avgpool_nchw8c__avx2",
    .src_layout = IB_LAYOUT_NCHW8C,
    .dst_layout = IB_LAYOUT_NCHW8C,
    .exec = avgpool_exec,
};

IB_NATIVE_ALWAYS(maxpool_native_choose, maxpool_native)
IB_IMPL_NATIVE(ib_avx2_maxpool_impl, "avx2", IB_OP_MAXPOOL, IB_ISA_AVX2, ib_supports_all,
               maxpool_native_choose);
IB_NATIVE_ALWAYS(avgpool_native_choose, avgpool_native)
IB_IMPL_NATIVE(ib_avx2_avgpool_impl, "avx2", IB_OP_AVGPOOL, IB_ISA_AVX2, ib_supports_all,
               avgpool_native_choose);
