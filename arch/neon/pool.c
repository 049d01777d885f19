/* NEON max and average pooling on nChw4c: the shared separable window walk
 * (core/pool_walk.h) over 4-float vectors. */
#include "arch/neon/neon.h"

#define PW_V float32x4_t
#define PW_OK int /* vmaxq_f32 (FMAX) returns NaN when either operand is: nothing to record */
#define PW_LANES IB_NEON_V
#define PW_INLINE IB_NEON_ALWAYS_INLINE
#define pw_load vld1q_f32
#define pw_store vst1q_f32
#define pw_set1 vdupq_n_f32
#define pw_add vaddq_f32
#define pw_max vmaxq_f32
#define pw_div vdivq_f32
#define pw_ok_all() 0
#define pw_ok_pair(ok, a, b) ((void)(a), (void)(b), ok)
#define pw_ok_apply(v, ok) ((void)(ok), v)
#include "core/pool_walk.h"

static void maxpool_nchw4c(const ib_desc *d, const void *packed, const float *const *src,
                           float *const *dst)
{
    (void)packed;
    pw_pool(PW_MAX, &d->pool, src[0], dst[0]);
}

static void avgpool_nchw4c(const ib_desc *d, const void *packed, const float *const *src,
                           float *const *dst)
{
    (void)packed;
    pw_pool(PW_AVG, &d->pool, src[0], dst[0]);
}

static const ib_native maxpool_native = {
    .kernel = "maxpool_nchw4c__neon",
    .src_layout = IB_LAYOUT_NCHW4C,
    .dst_layout = IB_LAYOUT_NCHW4C,
    .exec = maxpool_nchw4c,
};

static const ib_native avgpool_native = {
    .kernel = "avgpool_nchw4c__neon",
    .src_layout = IB_LAYOUT_NCHW4C,
    .dst_layout = IB_LAYOUT_NCHW4C,
    .exec = avgpool_nchw4c,
};

IB_NATIVE_ALWAYS(maxpool_native_choose, maxpool_native)
IB_IMPL_NATIVE(ib_neon_maxpool_impl, "neon", IB_OP_MAXPOOL, IB_ISA_NEON, ib_supports_all,
               maxpool_native_choose);
IB_NATIVE_ALWAYS(avgpool_native_choose, avgpool_native)
IB_IMPL_NATIVE(ib_neon_avgpool_impl, "neon", IB_OP_AVGPOOL, IB_ISA_NEON, ib_supports_all,
               avgpool_native_choose);
