/* Batch-norm inference on nChw8c: pack folds the statistics into a scale and shift per channel. */
#include <math.h>

#include "arch/avx2/avx2_util.h"

/* scale[CB*8] then shift[CB*8]; padding channels get 0 and 0, so padding lanes stay zero. */
static size_t bn_packed_bytes(const ib_desc *d)
{
    return (size_t)ib_avx2_blocks(d->bn.c) * 8 * 2 * sizeof(float);
}

static void bn_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    const ib_bn_desc *b = &d->bn;
    const float *gamma = a->in[1], *beta = a->in[2], *mean = a->in[3], *var = a->in[4];
    int64_t cp = ib_avx2_blocks(b->c) * 8;
    float *scale = packed, *shift = scale + cp;
    for (int64_t c = 0; c < cp; c++) {
        float s = 0.0f, t = 0.0f;
        if (c < b->c) {
            s = gamma[c] / sqrtf(var[c] + b->eps);
            t = beta[c] - mean[c] * s;
        }
        scale[c] = s;
        shift[c] = t;
    }
}

/* One FMA per vector; each (image, channel block) is h*w contiguous vectors with one scale. */
static void bn_exec(const ib_desc *d, const void *packed, const float *const *src,
                    float *const *dst)
{
    const ib_bn_desc *b = &d->bn;
    int64_t cb = ib_avx2_blocks(b->c), hw = b->h * b->w, nblk = b->n * cb;
    const float *scale = packed, *shift = scale + cb * 8;
    IB_PAR_FOR(
        ib_par_worth(nblk * hw * 8, nblk), "omp parallel for schedule(static)",
        for (int64_t i = 0; i < nblk; i++) {
            const __m256 s = _mm256_loadu_ps(scale + (i % cb) * 8);
            const __m256 t = _mm256_loadu_ps(shift + (i % cb) * 8);
            const float *x = src[0] + i * hw * 8;
            float *y = dst[0] + i * hw * 8;
            int64_t p = 0;
            for (; p + 4 <= hw; p += 4) {
                __m256 v0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + p * 8), s, t);
                __m256 v1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + p * 8 + 8), s, t);
                __m256 v2 = _mm256_fmadd_ps(_mm256_loadu_ps(x + p * 8 + 16), s, t);
                __m256 v3 = _mm256_fmadd_ps(_mm256_loadu_ps(x + p * 8 + 24), s, t);
                _mm256_storeu_ps(y + p * 8, v0);
                _mm256_storeu_ps(y + p * 8 + 8, v1);
                _mm256_storeu_ps(y + p * 8 + 16, v2);
                _mm256_storeu_ps(y + p * 8 + 24, v3);
            }
            for (; p < hw; p++)
                _mm256_storeu_ps(y + p * 8, _mm256_fmadd_ps(_mm256_loadu_ps(x + p * 8), s, t));
        });
}

static const ib_native bn_native = {
    .kernel = "bn_nchw8c__avx2",
    .src_layout = IB_LAYOUT_NCHW8C,
    .dst_layout = IB_LAYOUT_NCHW8C,
    .packed_bytes = bn_packed_bytes,
    .pack = bn_pack,
    .exec = bn_exec,
};

IB_NATIVE_ALWAYS(bn_native_choose, bn_native)
IB_IMPL_NATIVE(ib_avx2_bn_impl, "avx2", IB_OP_BN, IB_ISA_AVX2, ib_supports_all, bn_native_choose);
