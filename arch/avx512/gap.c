/* Global average pooling on nChw16c: per block, the sum over h*w pixels, then one division. */
#include "arch/avx512/common.h"

static void gap_exec(const ib_desc *d, const void *packed, const float *const *src,
                     float *const *dst)
{
    (void)packed;
    const ib_eltwise_desc *g = &d->gap;
    const int64_t cb = ib512_blocks(g->c), hw = g->h * g->w;
    const __m512 div = _mm512_set1_ps((float)hw);
    IB_PAR_FOR(
        ib_par_worth(g->n * cb * hw * IB512_V, g->n * cb),
        "omp parallel for schedule(static) collapse(2)",
        for (int64_t n = 0; n < g->n; n++) for (int64_t k = 0; k < cb; k++) {
            const float *x = src[0] + (n * cb + k) * hw * IB512_V;
            /* four chains hide the add latency; integer-valued sums are exact in any order */
            __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
            int64_t p = 0;
            for (; p + 4 <= hw; p += 4) {
                s0 = _mm512_add_ps(s0, _mm512_loadu_ps(x + (p + 0) * IB512_V));
                s1 = _mm512_add_ps(s1, _mm512_loadu_ps(x + (p + 1) * IB512_V));
                s2 = _mm512_add_ps(s2, _mm512_loadu_ps(x + (p + 2) * IB512_V));
                s3 = _mm512_add_ps(s3, _mm512_loadu_ps(x + (p + 3) * IB512_V));
            }
            for (; p < hw; p++)
                s0 = _mm512_add_ps(s0, _mm512_loadu_ps(x + p * IB512_V));
            const __m512 s = _mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3));
            /* divide, not multiply by a reciprocal, as the reference */
            _mm512_storeu_ps(dst[0] + (n * cb + k) * IB512_V, _mm512_div_ps(s, div));
        });
}

static const ib_native gap_k = {
    .kernel = IB_AVX512_KERNEL("gap_nchw16c"),
    .src_layout = IB_LAYOUT_NCHW16C,
    .dst_layout = IB_LAYOUT_NCHW16C,
    .exec = gap_exec,
};

static const ib_native *gap_native(const ib_desc *d)
{
    (void)d;
    return &gap_k;
}

IB_IMPL_NATIVE(IB_AVX512_SYM(ib_avx512_gap_impl), IB_AVX512_NAME, IB_OP_GAP, IB_AVX512_ISA,
               ib_supports_all, gap_native, .test_only = IB_AVX512_TEST_ONLY);
