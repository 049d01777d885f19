/* Label-smoothing cross-entropy on plain (n, c) logits: mean loss and its gradient, row by row. */
#include "arch/avx2/rows.h"
#include "core/native.h"

/* One row: writes the gradient (softmax - q) / n and returns -sum_j q_j logp_j, where
 * q = off everywhere plus (on - off) at the label and logp = x - m - log(sum). */
static double lsloss_row(const float *x, float *g, int64_t c, int64_t n, int32_t y, float off,
                         float on)
{
    if (y < 0 || y >= c) { /* as the reference: a bad label poisons its row and the loss */
        for (int64_t j = 0; j < c; j++)
            g[j] = NAN;
        return NAN;
    }
    float m = ib_avx2_row_max(x, c);
    float sum = ib_avx2_row_exp(x, g, c, m);
    float logsum = logf(sum);
    float ey = g[y];
    const __m256 vs = _mm256_set1_ps(sum), vn = _mm256_set1_ps((float)n);
    const __m256 vm = _mm256_set1_ps(m), vl = _mm256_set1_ps(logsum), voff = _mm256_set1_ps(off);
    __m256 lp = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 8 <= c; j += 8) {
        __m256 e = _mm256_loadu_ps(g + j);
        _mm256_storeu_ps(g + j, _mm256_div_ps(_mm256_sub_ps(_mm256_div_ps(e, vs), voff), vn));
        __m256 v = _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), vm), vl);
        lp = _mm256_add_ps(lp, v);
    }
    if (j < c) {
        __m256i t = ib_avx2_tail_mask(c - j);
        __m256 e = _mm256_maskload_ps(g + j, t);
        _mm256_maskstore_ps(g + j, t, _mm256_div_ps(_mm256_sub_ps(_mm256_div_ps(e, vs), voff), vn));
        __m256 v = _mm256_sub_ps(_mm256_sub_ps(_mm256_maskload_ps(x + j, t), vm), vl);
        lp = _mm256_add_ps(lp, _mm256_and_ps(v, _mm256_castsi256_ps(t)));
    }
    g[y] = (ey / sum - on) / (float)n;
    double logp_y = ((double)x[y] - m) - logsum;
    /* a zero weight contributes nothing, even against a -inf logit (0 * -inf would be NaN) */
    double row = 0.0;
    if (off != 0.0f)
        row -= (double)off * ib_avx2_hsum(lp);
    if (on != off)
        row -= ((double)on - off) * logp_y;
    return row;
}

static void lsloss_exec(const ib_desc *d, const void *packed, const float *const *src,
                        float *const *dst)
{
    const ib_lsloss_desc *s = &d->lsloss;
    const int32_t *labels = ib_plain_labels(d, packed);
    float off = s->eps / (float)s->c, on = 1.0f - s->eps + off;
    double total = 0.0;
    IB_PAR_FOR(ib_par_worth(s->n * s->c, s->n),
               "omp parallel for schedule(static) reduction(+ : total)",
               for (int64_t r = 0; r < s->n; r++) total +=
               lsloss_row(src[0] + r * s->c, dst[1] + r * s->c, s->c, s->n, labels[r], off, on););
    dst[0][0] = (float)(total / (double)s->n);
}

static const ib_native lsloss_native = {
    .kernel = "lsloss__avx2",
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .packed_bytes = ib_plain_packed_bytes,
    .pack = ib_plain_pack,
    .exec = lsloss_exec,
};

IB_NATIVE_ALWAYS(lsloss_native_choose, lsloss_native)
IB_IMPL_NATIVE(ib_avx2_lsloss_impl, "avx2", IB_OP_LSLOSS, IB_ISA_AVX2, ib_supports_all,
               lsloss_native_choose);
