/* ReLU on nChw8c (any layout works: it is one flat pass over the buffer, padding lanes
 * included). */
#include "arch/avx2/avx2_util.h"

/* max_ps(0, x) is "0 > x ? 0 : x": NaN passes through and -0.0 stays -0.0, as the reference's
 * "x < 0 ? 0 : x" (max_ps returns its second operand when either is NaN). */
IB_AVX2_INLINE __m256 relu8(__m256 x)
{
    return _mm256_max_ps(_mm256_setzero_ps(), x);
}

enum { RELU_CHUNK = 4096 }; /* floats per parallel work item: whole vectors, 16 KiB */

static void relu_exec(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst)
{
    (void)packed;
    const ib_eltwise_desc *r = &d->relu;
    int64_t total = r->n * ib_avx2_blocks(r->c) * 8 * r->h * r->w;
    int64_t chunks = (total + RELU_CHUNK - 1) / RELU_CHUNK;
    IB_PAR_FOR(
        ib_par_worth(total, chunks), "omp parallel for schedule(static)",
        for (int64_t k = 0; k < chunks; k++) {
            const float *x = src[0];
            float *y = dst[0];
            int64_t i = k * RELU_CHUNK, end = i + RELU_CHUNK < total ? i + RELU_CHUNK : total;
            for (; i + 32 <= end; i += 32) {
                __m256 v0 = relu8(_mm256_loadu_ps(x + i));
                __m256 v1 = relu8(_mm256_loadu_ps(x + i + 8));
                __m256 v2 = relu8(_mm256_loadu_ps(x + i + 16));
                __m256 v3 = relu8(_mm256_loadu_ps(x + i + 24));
                _mm256_storeu_ps(y + i, v0);
                _mm256_storeu_ps(y + i + 8, v1);
                _mm256_storeu_ps(y + i + 16, v2);
                _mm256_storeu_ps(y + i + 24, v3);
            }
            for (; i < end; i += 8)
                _mm256_storeu_ps(y + i, relu8(_mm256_loadu_ps(x + i)));
        });
}

static const ib_native relu_native = {
    .kernel = "relu_nchw8c__avx2",
    .src_layout = IB_LAYOUT_NCHW8C,
    .dst_layout = IB_LAYOUT_NCHW8C,
    .exec = relu_exec,
};

IB_NATIVE_ALWAYS(relu_native_choose, relu_native)
IB_IMPL_NATIVE(ib_avx2_relu_impl, "avx2", IB_OP_RELU, IB_ISA_AVX2, ib_supports_all,
               relu_native_choose);
