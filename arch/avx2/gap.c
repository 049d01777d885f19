/* Global average pooling on nChw8c: n x C/8 x h x w x 8 -> n x C/8 x 1 x 1 x 8. */
#include "arch/avx2/avx2_util.h"

/* Sum of h*w vectors in four interleaved partial sums, then one division (exact for integer
 * fills, whatever the order). Padding lanes sum zeros, so they stay zero. */
static void gap_exec(const ib_desc *d, const void *packed, const float *const *src,
                     float *const *dst)
{
    (void)packed;
    const ib_eltwise_desc *g = &d->gap;
    int64_t hw = g->h * g->w, nblk = g->n * ib_avx2_blocks(g->c);
    const __m256 div = _mm256_set1_ps((float)hw);
    IB_PAR_FOR(
        ib_par_worth(nblk * hw * 8, nblk), "omp parallel for schedule(static)",
        for (int64_t i = 0; i < nblk; i++) {
            const float *x = src[0] + i * hw * 8;
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
            int64_t p = 0;
            for (; p + 4 <= hw; p += 4) {
                s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + p * 8));
                s1 = _mm256_add_ps(s1, _mm256_loadu_ps(x + p * 8 + 8));
                s2 = _mm256_add_ps(s2, _mm256_loadu_ps(x + p * 8 + 16));
                s3 = _mm256_add_ps(s3, _mm256_loadu_ps(x + p * 8 + 24));
            }
            for (; p < hw; p++)
                s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + p * 8));
            __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
            _mm256_storeu_ps(dst[0] + i * 8, _mm256_div_ps(s, div));
        });
}

static const ib_native gap_native = {
    .kernel = "gap_nchw8c__avx2",
    .src_layout = IB_LAYOUT_NCHW8C,
    .dst_layout = IB_LAYOUT_NCHW8C,
    .exec = gap_exec,
};

IB_NATIVE_ALWAYS(gap_native_choose, gap_native)
IB_IMPL_NATIVE(ib_avx2_gap_impl, "avx2", IB_OP_GAP, IB_ISA_AVX2, ib_supports_all,
               gap_native_choose);
