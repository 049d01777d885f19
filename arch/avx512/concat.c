/* Channel concatenation on nChw16c, including inputs whose channel offset is not a multiple of
 * 16. */
#include "arch/avx512/common.h"

/* Input block b of an input starting at output channel off lands at output channel
 * off + 16b: lanes rotate by s = off % 16 and split over output blocks q and q+1. One
 * permute and two masked stores per pixel cover every case; s == 0 is a plain copy. */
static void concat_exec(const ib_desc *d, const void *packed, const float *const *src,
                        float *const *dst)
{
    (void)packed;
    const ib_concat_desc *c = &d->concat;
    const int64_t hw = c->oh * c->ow, ocb = ib512_blocks(c->oc);
    const int64_t otail = c->oc % IB512_V;
    IB_PAR_FOR(
        ib_par_worth(c->n * ocb * hw * IB512_V, c->n * c->oh),
        "omp parallel for schedule(static) collapse(2)",
        for (int64_t n = 0; n < c->n; n++) for (int64_t h = 0; h < c->oh; h++) {
            float *out = dst[0] + n * ocb * hw * IB512_V + h * c->ow * IB512_V;
            int64_t off = 0;
            for (int i = 0; i < c->ninputs; i++) {
                const int64_t cb = ib512_blocks(c->in[i].c), s = off % IB512_V;
                const float *in = src[i] + n * cb * hw * IB512_V + h * c->ow * IB512_V;
                /* rot[j] = v[(j - s) mod 16] */
                const __m512i rot =
                    _mm512_and_si512(_mm512_sub_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8,
                                                                        9, 10, 11, 12, 13, 14, 15),
                                                      _mm512_set1_epi32((int)s)),
                                     _mm512_set1_epi32(IB512_V - 1));
                for (int64_t b = 0; b < cb; b++) {
                    const int64_t nv =
                        c->in[i].c - b * IB512_V < IB512_V ? c->in[i].c - b * IB512_V : IB512_V;
                    const int64_t q = (off + b * IB512_V) / IB512_V;
                    /* valid lanes after rotation: s .. s+nv-1 (mod 16, wrapping into q+1) */
                    const __mmask16 lo = (__mmask16)(ib512_mask(s + nv) & ~ib512_mask(s));
                    const __mmask16 hi = ib512_mask(s + nv - IB512_V > 0 ? s + nv - IB512_V : 0);
                    const float *x = in + b * hw * IB512_V;
                    float *y0 = out + q * hw * IB512_V, *y1 = y0 + hw * IB512_V;
                    for (int64_t w = 0; w < c->ow; w++) {
                        __m512 v = _mm512_loadu_ps(x + w * IB512_V);
                        if (s == 0 && nv == IB512_V) {
                            _mm512_storeu_ps(y0 + w * IB512_V, v);
                            continue;
                        }
                        v = _mm512_permutexvar_ps(rot, v);
                        _mm512_mask_storeu_ps(y0 + w * IB512_V, lo, v);
                        if (hi)
                            _mm512_mask_storeu_ps(y1 + w * IB512_V, hi, v);
                    }
                }
                off += c->in[i].c;
            }
            /* the padding lanes of the last output block are zeros, as the layout says */
            if (otail) {
                float *y = out + (ocb - 1) * hw * IB512_V;
                for (int64_t w = 0; w < c->ow; w++)
                    _mm512_mask_storeu_ps(y + w * IB512_V, (__mmask16)~ib512_mask(otail),
                                          _mm512_setzero_ps());
            }
        });
}

static const ib_native concat_k = {
    .kernel = IB_AVX512_KERNEL("concat_nchw16c"),
    .src_layout = IB_LAYOUT_NCHW16C,
    .dst_layout = IB_LAYOUT_NCHW16C,
    .exec = concat_exec,
};

static const ib_native *concat_native(const ib_desc *d)
{
    (void)d;
    return &concat_k;
}

IB_IMPL_NATIVE(IB_AVX512_SYM(ib_avx512_concat_impl), IB_AVX512_NAME, IB_OP_CONCAT, IB_AVX512_ISA,
               ib_supports_all, concat_native, .test_only = IB_AVX512_TEST_ONLY);
