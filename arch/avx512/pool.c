/* Max and average pooling on nChw16c: the shared separable window walk (core/pool_walk.h)
 * over 16-float vectors. */
#include "arch/avx512/common.h"

#define PW_V __m512
#define PW_OK __mmask16 /* set in a lane where no NaN was seen */
#define PW_LANES IB512_V
#define PW_INLINE IB512_INLINE
#define pw_load _mm512_loadu_ps
#define pw_store _mm512_storeu_ps
#define pw_set1 _mm512_set1_ps
#define pw_add _mm512_add_ps
#define pw_max _mm512_max_ps
#define pw_div _mm512_div_ps
#define pw_ok_all() ((__mmask16)0xFFFF)
#define pw_ok_pair(ok, a, b) ((__mmask16)((ok)&_mm512_cmp_ps_mask(a, b, _CMP_ORD_Q)))
#define pw_ok_apply(v, ok) _mm512_mask_mov_ps(_mm512_set1_ps(NAN), ok, v)
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
