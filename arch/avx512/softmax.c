/* Softmax and label-smoothing loss over plain rows of c logits, with the vector exp. */
#include <math.h>

#include "arch/avx512/common.h"

/* Row maximum; a NaN anywhere makes it NaN (then every output of the row is NaN, as the
 * reference). Tail lanes read as -inf. */
static float row_max(const float *x, int64_t c)
{
    __m512 m = _mm512_set1_ps(-INFINITY);
    for (int64_t j = 0; j < c; j += IB512_V)
        m = ib512_max_nan(m, _mm512_mask_loadu_ps(m, ib512_mask(c - j), x + j));
    float t[IB512_V], r = -INFINITY;
    _mm512_storeu_ps(t, m);
    for (int k = 0; k < IB512_V; k++)
        if (t[k] > r || isnan(t[k]))
            r = isnan(r) ? r : t[k];
    return r;
}

/* e_j = exp(x_j - m) written to e, and their sum. */
static float row_exp_sum(const float *x, int64_t c, float m, float *e)
{
    const __m512 mv = _mm512_set1_ps(m);
    __m512 s = _mm512_setzero_ps();
    for (int64_t j = 0; j < c; j += IB512_V) {
        const __mmask16 k = ib512_mask(c - j);
        const __m512 v = ib512_exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + j), mv));
        _mm512_mask_storeu_ps(e + j, k, v);
        s = _mm512_add_ps(s, _mm512_maskz_mov_ps(k, v));
    }
    return _mm512_reduce_add_ps(s);
}

static void softmax_exec(const ib_desc *d, const void *packed, const float *const *src,
                         float *const *dst)
{
    (void)packed;
    const ib_softmax_desc *sm = &d->softmax;
    IB_PAR_FOR(
        ib_par_worth(sm->n * sm->c, sm->n), "omp parallel for schedule(static)",
        for (int64_t r = 0; r < sm->n; r++) {
            const float *x = src[0] + r * sm->c;
            float *y = dst[0] + r * sm->c;
            const __m512 sum = _mm512_set1_ps(row_exp_sum(x, sm->c, row_max(x, sm->c), y));
            for (int64_t j = 0; j < sm->c; j += IB512_V) {
                const __mmask16 k = ib512_mask(sm->c - j);
                _mm512_mask_storeu_ps(y + j, k,
                                      _mm512_div_ps(_mm512_maskz_loadu_ps(k, y + j), sum));
            }
        });
}

/* Per row with label y: logp = (x - m) - log(sum), q = off + (1 - eps)[j == y] with
 * off = eps/c; the row loss -sum q logp = -(off * sum_j logp_j + (1 - eps) logp_y), a term
 * whose weight is 0 left out (so a -inf logit with q = 0 adds 0, not NaN); the gradient
 * (softmax - q) / n. A label outside 0..c-1 gives NaN (loss and that row's gradient). */
static void lsloss_exec(const ib_desc *d, const void *packed, const float *const *src,
                        float *const *dst)
{
    const ib_lsloss_desc *l = &d->lsloss;
    const int32_t *labels = ib_plain_labels(d, packed);
    const float off = l->eps / (float)l->c, on_extra = 1.0f - l->eps;
    const __m512 offv = _mm512_set1_ps(off), nv = _mm512_set1_ps((float)l->n);
    double total = 0.0;
    for (int64_t r = 0; r < l->n; r++) {
        const float *x = src[0] + r * l->c;
        float *g = dst[1] + r * l->c;
        const int64_t y = labels[r];
        if (y < 0 || y >= l->c) {
            total = NAN;
            for (int64_t j = 0; j < l->c; j += IB512_V)
                _mm512_mask_storeu_ps(g + j, ib512_mask(l->c - j), _mm512_set1_ps(NAN));
            continue;
        }
        const float m = row_max(x, l->c);
        const float sum = row_exp_sum(x, l->c, m, g);
        const float lse = logf(sum);
        const __m512 mv = _mm512_set1_ps(m), lsev = _mm512_set1_ps(lse), sumv = _mm512_set1_ps(sum);
        __m512 slogp = _mm512_setzero_ps();
        for (int64_t j = 0; j < l->c; j += IB512_V) {
            const __mmask16 k = ib512_mask(l->c - j);
            const __m512 logp =
                _mm512_sub_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + j), mv), lsev);
            slogp = _mm512_add_ps(slogp, _mm512_maskz_mov_ps(k, logp));
            const __m512 p = _mm512_div_ps(_mm512_maskz_loadu_ps(k, g + j), sumv);
            _mm512_mask_storeu_ps(g + j, k, _mm512_div_ps(_mm512_sub_ps(p, offv), nv));
        }
        const float logp_y = (x[y] - m) - lse;
        g[y] = ((float)(exp((double)logp_y)) - (off + on_extra)) / (float)l->n;
        double row = 0.0;
        if (off != 0.0f)
            row -= (double)off * (double)_mm512_reduce_add_ps(slogp);
        if (on_extra != 0.0f)
            row -= (double)on_extra * (double)logp_y;
        total += row;
    }
    dst[0][0] = (float)(total / (double)l->n);
}

static const ib_native softmax_k = {
    .kernel = IB_AVX512_KERNEL("softmax_rows"),
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .exec = softmax_exec,
};

static const ib_native lsloss_k = {
    .kernel = IB_AVX512_KERNEL("lsloss_rows"),
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .packed_bytes = ib_plain_packed_bytes,
    .pack = ib_plain_pack,
    .exec = lsloss_exec,
};

static const ib_native *softmax_native(const ib_desc *d)
{
    (void)d;
    return &softmax_k;
}

static const ib_native *lsloss_native(const ib_desc *d)
{
    (void)d;
    return &lsloss_k;
}

IB_IMPL_NATIVE(IB_AVX512_SYM(ib_avx512_softmax_impl), IB_AVX512_NAME, IB_OP_SOFTMAX, IB_AVX512_ISA,
               ib_supports_all, softmax_native, .test_only = IB_AVX512_TEST_ONLY);
IB_IMPL_NATIVE(IB_AVX512_SYM(ib_avx512_lsloss_impl), IB_AVX512_NAME, IB_OP_LSLOSS, IB_AVX512_ISA,
               ib_supports_all, lsloss_native, .test_only = IB_AVX512_TEST_ONLY);
