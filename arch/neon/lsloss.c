/* NEON label-smoothing cross-entropy: mean loss and gradient, with the vector exp. */
#include <math.h>

#include "arch/neon/neon.h"
#include "core/native.h"

/* Per row with label y, m = max and lse = log(sum exp(x - m)): -log p_j = m + lse - x_j,
 * loss_r = off * sum_j (-log p_j) + (on - off) * (-log p_y), a term skipped when its weight
 * is 0 (so a -inf logit with zero weight adds 0, not NaN, as in the reference);
 * grad = (exp(x - m) / sum - q) / n. A label out of range gives a NaN row and a NaN loss. */
static double lsloss_row(const ib_lsloss_desc *l, const float *x, int32_t y, float *g)
{
    const int64_t c = l->c;
    const float off = l->eps / (float)c, on = 1.0f - l->eps + off;
    if (y < 0 || y >= c) {
        for (int64_t j = 0; j < c; j++)
            g[j] = NAN;
        return NAN;
    }
    const float m = ib_neon_row_max(x, c);
    const float sum = ib_neon_row_exp_sum(x, c, m, g); /* g holds exp(x - m) for now */
    const float ml = m + logf(sum), ey = g[y];
    const float32x4_t mlv = vdupq_n_f32(ml), sv = vdupq_n_f32(sum), offv = vdupq_n_f32(off);
    const float32x4_t nv = vdupq_n_f32((float)l->n);
    float32x4_t nlp = vdupq_n_f32(0.0f);
    int64_t j = 0;
    for (; j + IB_NEON_V <= c; j += IB_NEON_V) {
        nlp = vaddq_f32(nlp, vsubq_f32(mlv, vld1q_f32(x + j)));
        const float32x4_t p = vdivq_f32(vld1q_f32(g + j), sv);
        vst1q_f32(g + j, vdivq_f32(vsubq_f32(p, offv), nv));
    }
    float nlp_sum = vaddvq_f32(nlp);
    for (; j < c; j++) {
        nlp_sum += ml - x[j];
        g[j] = (g[j] / sum - off) / (float)l->n;
    }
    g[y] = (ey / sum - on) / (float)l->n;
    double row = 0.0;
    if (off != 0.0f)
        row += (double)off * (double)nlp_sum;
    if (on - off != 0.0f)
        row += (double)(on - off) * (double)(ml - x[y]);
    return row;
}

static void lsloss_rows(const ib_desc *d, const void *packed, const float *const *src,
                        float *const *dst)
{
    const ib_lsloss_desc *l = &d->lsloss;
    const int32_t *labels = ib_plain_labels(d, packed);
    double total = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : total) if (l->n > 1)
    for (int64_t r = 0; r < l->n; r++)
        total += lsloss_row(l, src[0] + r * l->c, labels[r], dst[1] + r * l->c);
    dst[0][0] = (float)(total / (double)l->n);
}

static const ib_native lsloss_native = {
    .kernel = "lsloss_rows__neon",
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .packed_bytes = ib_plain_packed_bytes,
    .pack = ib_plain_pack,
    .exec = lsloss_rows,
};

IB_NATIVE_ALWAYS(lsloss_native_choose, lsloss_native)
IB_IMPL_NATIVE(ib_neon_lsloss_impl, "neon", IB_OP_LSLOSS, IB_ISA_NEON, ib_supports_all,
               lsloss_native_choose);
