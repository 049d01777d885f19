/* Max and average pooling on nChw16c: one output pixel of 16 channels per vector. */
#include <math.h>

#include "arch/avx512/common.h"

/* Taps inside the input for output (oh, ow): rows [*h0, *h1), columns [*w0, *w1). */
IB512_INLINE void pool_window(const ib_pool_desc *p, int64_t oh, int64_t ow, int64_t *h0,
                              int64_t *h1, int64_t *w0, int64_t *w1)
{
    const int64_t ih = oh * p->sh - p->pt, iw = ow * p->sw - p->pl;
    *h0 = ih < 0 ? 0 : ih;
    *h1 = ih + p->kh > p->ih ? p->ih : ih + p->kh;
    *w0 = iw < 0 ? 0 : iw;
    *w1 = iw + p->kw > p->iw ? p->iw : iw + p->kw;
}

/* The shared loop: every output pixel of every block; MAX selects the reduction. Padded taps
 * are skipped: max treats them as -inf (an all-padding window gives -inf), avg as absent
 * (count_include_pad decides the divisor; 0 taps counted gives NaN, as the reference). */
IB512_INLINE void pool_run(const ib_pool_desc *p, const float *src, float *dst, const int MAX)
{
    const int64_t cb = ib512_blocks(p->c);
#pragma omp parallel for collapse(3) schedule(static)
    for (int64_t n = 0; n < p->n; n++)
        for (int64_t k = 0; k < cb; k++)
            for (int64_t oh = 0; oh < p->oh; oh++) {
                const float *x = src + (n * cb + k) * p->ih * p->iw * IB512_V;
                float *y = dst + ((n * cb + k) * p->oh + oh) * p->ow * IB512_V;
                for (int64_t ow = 0; ow < p->ow; ow++) {
                    int64_t h0, h1, w0, w1;
                    pool_window(p, oh, ow, &h0, &h1, &w0, &w1);
                    __m512 a = MAX ? _mm512_set1_ps(-INFINITY) : _mm512_setzero_ps();
                    for (int64_t h = h0; h < h1; h++)
                        for (int64_t w = w0; w < w1; w++) {
                            const __m512 v = _mm512_loadu_ps(x + (h * p->iw + w) * IB512_V);
                            a = MAX ? ib512_max_nan(a, v) : _mm512_add_ps(a, v);
                        }
                    if (!MAX) {
                        const int64_t inside = (h1 > h0 ? h1 - h0 : 0) * (w1 > w0 ? w1 - w0 : 0);
                        const int64_t div = p->count_include_pad ? p->kh * p->kw : inside;
                        /* divide, not multiply by a reciprocal: integer sums stay exact */
                        a = div > 0 ? _mm512_div_ps(a, _mm512_set1_ps((float)div))
                                    : _mm512_set1_ps(NAN);
                    }
                    _mm512_storeu_ps(y + ow * IB512_V, a);
                }
            }
}

static void maxpool_exec(const ib_desc *d, const void *packed, const float *const *src,
                         float *const *dst)
{
    (void)packed;
    pool_run(&d->pool, src[0], dst[0], 1);
}

static void avgpool_exec(const ib_desc *d, const void *packed, const float *const *src,
                         float *const *dst)
{
    (void)packed;
    pool_run(&d->pool, src[0], dst[0], 0);
}

static const ib_native maxpool_k = {
    .kernel = IB_AVX512_KERNEL("maxpool_nchw16c"),
    .src_layout = IB_LAYOUT_NCHW16C,
    .dst_layout = IB_LAYOUT_NCHW16C,
    .exec = maxpool_exec,
};

static const ib_native avgpool_k = {
    .kernel = IB_AVX512_KERNEL("avgpool_nchw16c"),
    .src_layout = IB_LAYOUT_NCHW16C,
    .dst_layout = IB_LAYOUT_NCHW16C,
    .exec = avgpool_exec,
};

static const ib_native *maxpool_native(const ib_desc *d)
{
    (void)d;
    return &maxpool_k;
}

static const ib_native *avgpool_native(const ib_desc *d)
{
    (void)d;
    return &avgpool_k;
}

IB_IMPL_NATIVE(IB_AVX512_SYM(ib_avx512_maxpool_impl), IB_AVX512_NAME, IB_OP_MAXPOOL, IB_AVX512_ISA,
               ib_supports_all, maxpool_native, .test_only = IB_AVX512_TEST_ONLY);
IB_IMPL_NATIVE(IB_AVX512_SYM(ib_avx512_avgpool_impl), IB_AVX512_NAME, IB_OP_AVGPOOL, IB_AVX512_ISA,
               ib_supports_all, avgpool_native, .test_only = IB_AVX512_TEST_ONLY);
