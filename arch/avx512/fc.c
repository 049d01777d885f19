/* Fully connected: matrix-vector products over weights packed [oc/16][ic][16], plain rows in and
 * out. */
#include <string.h>

#include "arch/avx512/common.h"

/* Packed: bias (oc rounded up to 16, zero-padded), then the weights, one 16-column strip of
 * outputs per block so each input value multiplies one contiguous vector. */
static size_t fc_packed_bytes(const ib_desc *d)
{
    const int64_t ocp = ib512_blocks(d->fc.oc) * IB512_V;
    return (size_t)(ocp + ocp * d->fc.ic) * sizeof(float);
}

static void fc_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    const ib_fc_desc *f = &d->fc;
    const int64_t ocp = ib512_blocks(f->oc) * IB512_V;
    float *bias = packed, *w = bias + ocp;
    memset(packed, 0, fc_packed_bytes(d));
    for (int64_t o = 0; o < f->oc; o++) {
        bias[o] = f->has_bias ? a->in[2][o] : 0.0f;
        for (int64_t i = 0; i < f->ic; i++)
            w[((o / IB512_V) * f->ic + i) * IB512_V + o % IB512_V] = a->in[1][o * f->ic + i];
    }
}

static void fc_exec(const ib_desc *d, const void *packed, const float *const *src,
                    float *const *dst)
{
    const ib_fc_desc *f = &d->fc;
    const int64_t ocb = ib512_blocks(f->oc), ocp = ocb * IB512_V, ic = f->ic;
    const float *bias = packed, *w = bias + ocp;
    IB_PAR_FOR(
        ib_par_worth(f->n * ic * ocp, f->n * ocb), "omp parallel for schedule(static) collapse(2)",
        for (int64_t n = 0; n < f->n; n++) for (int64_t k = 0; k < ocb; k++) {
            const float *x = src[0] + n * ic, *wk = w + k * ic * IB512_V;
            /* four chains hide the FMA latency; the strip streams from memory once */
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            int64_t i = 0;
            for (; i + 4 <= ic; i += 4) {
                a0 = _mm512_fmadd_ps(_mm512_set1_ps(x[i + 0]),
                                     _mm512_loadu_ps(wk + (i + 0) * IB512_V), a0);
                a1 = _mm512_fmadd_ps(_mm512_set1_ps(x[i + 1]),
                                     _mm512_loadu_ps(wk + (i + 1) * IB512_V), a1);
                a2 = _mm512_fmadd_ps(_mm512_set1_ps(x[i + 2]),
                                     _mm512_loadu_ps(wk + (i + 2) * IB512_V), a2);
                a3 = _mm512_fmadd_ps(_mm512_set1_ps(x[i + 3]),
                                     _mm512_loadu_ps(wk + (i + 3) * IB512_V), a3);
            }
            for (; i < ic; i++)
                a0 = _mm512_fmadd_ps(_mm512_set1_ps(x[i]), _mm512_loadu_ps(wk + i * IB512_V), a0);
            __m512 acc = _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3));
            if (f->has_bias)
                acc = _mm512_add_ps(acc, _mm512_loadu_ps(bias + k * IB512_V));
            _mm512_mask_storeu_ps(dst[0] + n * f->oc + k * IB512_V, ib512_mask(f->oc - k * IB512_V),
                                  acc);
        });
}

static const ib_native fc_k = {
    .kernel = IB_AVX512_KERNEL("fc_o16"),
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .packed_bytes = fc_packed_bytes,
    .pack = fc_pack,
    .exec = fc_exec,
};

static const ib_native *fc_native(const ib_desc *d)
{
    (void)d;
    return &fc_k;
}

IB_IMPL_NATIVE(IB_AVX512_SYM(ib_avx512_fc_impl), IB_AVX512_NAME, IB_OP_FC, IB_AVX512_ISA,
               ib_supports_all, fc_native, .test_only = IB_AVX512_TEST_ONLY);
