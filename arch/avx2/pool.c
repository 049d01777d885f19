/* Max and average pooling on nChw8c: the shared separable window walk (core/pool_walk.h) over
 * 8-float vectors. */
#include "arch/avx2/avx2_util.h"

#define PW_V __m256
#define PW_OK __m256 /* all-ones in a lane where a NaN was seen */
#define PW_LANES 8
#define PW_INLINE IB_AVX2_INLINE
#define pw_load _mm256_loadu_ps
#define pw_store _mm256_storeu_ps
#define pw_set1 _mm256_set1_ps
#define pw_add _mm256_add_ps
#define pw_max _mm256_max_ps
#define pw_div _mm256_div_ps
#define pw_ok_all _mm256_setzero_ps
#define pw_ok_pair(ok, a, b) _mm256_or_ps(ok, _mm256_cmp_ps(a, b, _CMP_UNORD_Q))
#define pw_ok_apply _mm256_or_ps /* all-ones bits: a NaN */
#include "core/pool_walk.h"

static void maxpool_exec(const ib_desc *d, const void *packed, const float *const *src,
                         float *const *dst)
{
    (void)packed;
    pw_pool(PW_MAX, &d->pool, src[0], dst[0]);
}

static void avgpool_exec(const ib_desc *d, const void *packed, const float *const *src,
                         float *const *dst)
{
    (void)packed;
    pw_pool(PW_AVG, &d->pool, src[0], dst[0]);
}

static const ib_native maxpool_native = {
    .kernel = "maxpool_nchw8c__avx2",
    .src_layout = IB_LAYOUT_NCHW8C,
    .dst_layout = IB_LAYOUT_NCHW8C,
    .exec = maxpool_exec,
};

static const ib_native avgpool_native = {
    .kernel = "avgpool_nchw8c__avx2",
    .src_layout = IB_LAYOUT_NCHW8C,
    .dst_layout = IB_LAYOUT_NCHW8C,
    .exec = avgpool_exec,
};

IB_NATIVE_ALWAYS(maxpool_native_choose, maxpool_native)
IB_IMPL_NATIVE(ib_avx2_maxpool_impl, "avx2", IB_OP_MAXPOOL, IB_ISA_AVX2, ib_supports_all,
               maxpool_native_choose);
IB_NATIVE_ALWAYS(avgpool_native_choose, avgpool_native)
IB_IMPL_NATIVE(ib_avx2_avgpool_impl, "avx2", IB_OP_AVGPOOL, IB_ISA_AVX2, ib_supports_all,
               avgpool_native_choose);
