/* NEON softmax over the c values of each row: max, vector exp and sum, one division each. */
#include "arch/neon/neon.h"

/* Non-finite rows follow the reference: a NaN or +inf makes the row NaN, -inf entries give 0. */
static void softmax_rows(const ib_desc *d, const void *packed, const float *const *src,
                         float *const *dst)
{
    (void)packed;
    const int64_t n = d->softmax.n, c = d->softmax.c;
#pragma omp parallel for schedule(static) if (n > 1)
    for (int64_t r = 0; r < n; r++) {
        const float *x = src[0] + r * c;
        float *y = dst[0] + r * c;
        const float m = ib_neon_row_max(x, c);
        const float32x4_t sum = vdupq_n_f32(ib_neon_row_exp_sum(x, c, m, y));
        int64_t i = 0;
        for (; i + IB_NEON_V <= c; i += IB_NEON_V)
            vst1q_f32(y + i, vdivq_f32(vld1q_f32(y + i), sum));
        if (i < c)
            ib_neon_store_partial(y + i, vdivq_f32(ib_neon_load_partial(y + i, c - i), sum), c - i);
    }
}

static const ib_native softmax_native = {
    .kernel = "softmax_rows__neon",
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .exec = softmax_rows,
};

IB_NATIVE_ALWAYS(softmax_native_choose, softmax_native)
IB_IMPL_NATIVE(ib_neon_softmax_impl, "neon", IB_OP_SOFTMAX, IB_ISA_NEON, ib_supports_all,
               softmax_native_choose);
