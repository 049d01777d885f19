/* ReLU and standalone batch-norm on nChw16c: one pass over the blocks, 16 channels a vector. */
#include <math.h>
#include <string.h>

#include "arch/avx512/common.h"

/* Blocked tensors hold whole blocks (padding channels are zeros), so both kernels run over
 * n*ceil(c/16)*h*w vectors without tails; padding lanes stay zero. */

enum { RELU_CHUNK = 256 }; /* vectors per parallel work item: 16 KiB */

static void relu_exec(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst)
{
    (void)packed;
    const ib_eltwise_desc *e = &d->relu;
    const int64_t nvec = e->n * ib512_blocks(e->c) * e->h * e->w;
    const float *x = src[0];
    float *y = dst[0];
    const int64_t chunks = (nvec + RELU_CHUNK - 1) / RELU_CHUNK;
    /* max(0, x) returns x when x is NaN and keeps -0, as the reference's x < 0 ? 0 : x */
    IB_PAR_FOR(
        ib_par_worth(nvec * IB512_V, chunks), "omp parallel for schedule(static)",
        for (int64_t k = 0; k < chunks; k++) {
            const int64_t end = (k + 1) * RELU_CHUNK < nvec ? (k + 1) * RELU_CHUNK : nvec;
            int64_t i = k * RELU_CHUNK;
            for (; i + 4 <= end; i += 4) {
                __m512 v[4];
                IB512_UNROLL
                for (int j = 0; j < 4; j++)
                    v[j] =
                        _mm512_max_ps(_mm512_setzero_ps(), _mm512_loadu_ps(x + (i + j) * IB512_V));
                IB512_UNROLL
                for (int j = 0; j < 4; j++)
                    _mm512_storeu_ps(y + (i + j) * IB512_V, v[j]);
            }
            for (; i < end; i++)
                _mm512_storeu_ps(y + i * IB512_V, _mm512_max_ps(_mm512_setzero_ps(),
                                                                _mm512_loadu_ps(x + i * IB512_V)));
        });
}

static const ib_native relu_native_k = {
    .kernel = IB_AVX512_KERNEL("relu_nchw16c"),
    .src_layout = IB_LAYOUT_NCHW16C,
    .dst_layout = IB_LAYOUT_NCHW16C,
    .exec = relu_exec,
};

static const ib_native *relu_native(const ib_desc *d)
{
    (void)d;
    return &relu_native_k;
}

IB_IMPL_NATIVE(IB_AVX512_SYM(ib_avx512_relu_impl), IB_AVX512_NAME, IB_OP_RELU, IB_AVX512_ISA,
               ib_supports_all, relu_native, .test_only = IB_AVX512_TEST_ONLY);

/* Batch-norm packs mean, sqrt(var + eps), gamma, beta (channels rounded up to 16; padding
 * lanes 0, 1, 0, 0 so padding stays 0) and evaluates the reference's expression in its order,
 * (x - mean) / sd * gamma + beta, so results are bit-identical to it. */
static size_t bn_packed_bytes(const ib_desc *d)
{
    return (size_t)(4 * ib512_blocks(d->bn.c) * IB512_V) * sizeof(float);
}

static void bn_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    const ib_bn_desc *b = &d->bn;
    const int64_t cp = ib512_blocks(b->c) * IB512_V;
    float *mean = packed, *sd = mean + cp, *gamma = sd + cp, *beta = gamma + cp;
    memset(packed, 0, bn_packed_bytes(d));
    for (int64_t c = 0; c < cp; c++)
        sd[c] = 1.0f;
    for (int64_t c = 0; c < b->c; c++) {
        mean[c] = a->in[3][c];
        sd[c] = sqrtf(a->in[4][c] + b->eps);
        gamma[c] = a->in[1][c];
        beta[c] = a->in[2][c];
    }
}

static void bn_exec(const ib_desc *d, const void *packed, const float *const *src,
                    float *const *dst)
{
    const ib_bn_desc *b = &d->bn;
    const int64_t cb = ib512_blocks(b->c), cp = cb * IB512_V, hw = b->h * b->w;
    const float *mean = packed, *sd = mean + cp, *gamma = sd + cp, *beta = gamma + cp;
    IB_PAR_FOR(
        ib_par_worth(b->n * cb * hw * IB512_V, b->n * cb),
        "omp parallel for schedule(static) collapse(2)",
        for (int64_t n = 0; n < b->n; n++) for (int64_t k = 0; k < cb; k++) {
            const __m512 m = _mm512_loadu_ps(mean + k * IB512_V);
            const __m512 s = _mm512_loadu_ps(sd + k * IB512_V);
            const __m512 g = _mm512_loadu_ps(gamma + k * IB512_V);
            const __m512 t = _mm512_loadu_ps(beta + k * IB512_V);
            const float *x = src[0] + (n * cb + k) * hw * IB512_V;
            float *y = dst[0] + (n * cb + k) * hw * IB512_V;
            for (int64_t p = 0; p < hw; p++) {
                __m512 v = _mm512_sub_ps(_mm512_loadu_ps(x + p * IB512_V), m);
                v = _mm512_add_ps(_mm512_mul_ps(_mm512_div_ps(v, s), g), t);
                _mm512_storeu_ps(y + p * IB512_V, v);
            }
        });
}

static const ib_native bn_native_k = {
    .kernel = IB_AVX512_KERNEL("bn_nchw16c"),
    .src_layout = IB_LAYOUT_NCHW16C,
    .dst_layout = IB_LAYOUT_NCHW16C,
    .packed_bytes = bn_packed_bytes,
    .pack = bn_pack,
    .exec = bn_exec,
};

static const ib_native *bn_native(const ib_desc *d)
{
    (void)d;
    return &bn_native_k;
}

IB_IMPL_NATIVE(IB_AVX512_SYM(ib_avx512_bn_impl), IB_AVX512_NAME, IB_OP_BN, IB_AVX512_ISA,
               ib_supports_all, bn_native, .test_only = IB_AVX512_TEST_ONLY);
