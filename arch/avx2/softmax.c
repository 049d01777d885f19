/* Softmax over the c values of each row, plain (n, c) rows: max, exp and sum, one division. */
#include "arch/avx2/rows.h"

/* y = exp(x - max) / sum: the exps go to y first, then y is divided in place (a division, not a
 * reciprocal multiply, keeps one rounding fewer against the reference). */
static void softmax_row(const float *x, float *y, int64_t c)
{
    float m = ib_avx2_row_max(x, c);
    __m256 s = _mm256_set1_ps(ib_avx2_row_exp(x, y, c, m));
    int64_t j = 0;
    for (; j + 8 <= c; j += 8)
        _mm256_storeu_ps(y + j, _mm256_div_ps(_mm256_loadu_ps(y + j), s));
    if (j < c) {
        __m256i t = ib_avx2_tail_mask(c - j);
        _mm256_maskstore_ps(y + j, t, _mm256_div_ps(_mm256_maskload_ps(y + j, t), s));
    }
}

static void softmax_exec(const ib_desc *d, const void *packed, const float *const *src,
                         float *const *dst)
{
    (void)packed;
    const ib_softmax_desc *s = &d->softmax;
    IB_PAR_FOR(ib_par_worth(s->n * s->c, s->n), "omp parallel for schedule(static)",
               for (int64_t r = 0; r < s->n; r++)
                   softmax_row(src[0] + r * s->c, dst[0] + r * s->c, s->c););
}

static const ib_native softmax_native = {
    .kernel = "softmax__avx2",
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .exec = softmax_exec,
};

IB_NATIVE_ALWAYS(softmax_native_choose, softmax_native)
IB_IMPL_NATIVE(ib_avx2_softmax_impl, "avx2", IB_OP_SOFTMAX, IB_ISA_AVX2, ib_supports_all,
               softmax_native_choose);
