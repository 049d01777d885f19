/* NEON global average pooling: nChw4c in, n x c x 1 x 1 out (nChw4c, which for 1x1 is NCHW
 * with c rounded up to 4). */
#include "arch/neon/neon.h"

/* Four partial sums for latency, one division (integer data stay exact). */
static void gap_nchw4c(const ib_desc *d, const void *packed, const float *const *src,
                       float *const *dst)
{
    (void)packed;
    const ib_eltwise_desc *g = &d->gap;
    const int64_t nb = g->n * ib_neon_blocks(g->c), hw = g->h * g->w;
    const float32x4_t count = vdupq_n_f32((float)hw);
    IB_PAR_FOR(
        ib_par_worth(nb * hw * IB_NEON_V, nb), "omp parallel for schedule(static)",
        for (int64_t b = 0; b < nb; b++) {
            const float *x = src[0] + b * hw * IB_NEON_V;
            float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0, s2 = s0, s3 = s0;
            int64_t i = 0;
            for (; i + 4 <= hw; i += 4) {
                s0 = vaddq_f32(s0, vld1q_f32(x + 4 * i));
                s1 = vaddq_f32(s1, vld1q_f32(x + 4 * i + 4));
                s2 = vaddq_f32(s2, vld1q_f32(x + 4 * i + 8));
                s3 = vaddq_f32(s3, vld1q_f32(x + 4 * i + 12));
            }
            for (; i < hw; i++)
                s0 = vaddq_f32(s0, vld1q_f32(x + 4 * i));
            const float32x4_t s = vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3));
            vst1q_f32(dst[0] + b * IB_NEON_V, vdivq_f32(s, count));
        });
}

static const ib_native gap_native = {
    .kernel = "gap_nchw4c__neon",
    .src_layout = IB_LAYOUT_NCHW4C,
    .dst_layout = IB_LAYOUT_NCHW4C,
    .exec = gap_nchw4c,
};

IB_NATIVE_ALWAYS(gap_native_choose, gap_native)
IB_IMPL_NATIVE(ib_neon_gap_impl, "neon", IB_OP_GAP, IB_ISA_NEON, ib_supports_all,
               gap_native_choose);
