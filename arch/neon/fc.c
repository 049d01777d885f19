/* NEON fully connected layer: a matrix-vector product per image over packed weights. */
#include "arch/neon/neon.h"

enum { GROUP = 4 }; /* oc blocks per work item: 16 outputs, 4 accumulators */

/* Weights as [oc block][ic rounded up to 4][4 oc], zero-padded to whole groups of blocks,
 * then the bias (padded): for 4 consecutive ic, one input load and 4 x GROUP lane FMAs. */
static int64_t icp_of(const ib_fc_desc *f)
{
    return ib_neon_blocks(f->ic) * IB_NEON_V;
}

static int64_t ocbp_of(const ib_fc_desc *f)
{
    return (ib_neon_blocks(f->oc) + GROUP - 1) / GROUP * GROUP;
}

static size_t fc_packed_bytes(const ib_desc *d)
{
    const ib_fc_desc *f = &d->fc;
    const int64_t ocp = ocbp_of(f) * IB_NEON_V;
    return (size_t)(ocp * icp_of(f) + ocp) * sizeof(float);
}

static void fc_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    const ib_fc_desc *f = &d->fc;
    const int64_t ocb = ocbp_of(f), icp = icp_of(f);
    float *w = packed, *bias = w + ocb * IB_NEON_V * icp;
    for (int64_t b = 0; b < ocb; b++)
        for (int64_t ic = 0; ic < icp; ic++)
            for (int64_t v = 0; v < IB_NEON_V; v++) {
                const int64_t oc = b * IB_NEON_V + v;
                *w++ = oc < f->oc && ic < f->ic ? a->in[1][oc * f->ic + ic] : 0.0f;
            }
    for (int64_t oc = 0; oc < ocb * IB_NEON_V; oc++)
        bias[oc] = f->has_bias && oc < f->oc ? a->in[2][oc] : 0.0f;
}

#define FMA_LANE(lane)                                                                             \
    for (int b = 0; b < GROUP; b++)                                                                \
        acc[b] =                                                                                   \
            vfmaq_laneq_f32(acc[b], vld1q_f32(w + b * wblk + (ic + (lane)) * IB_NEON_V), x, lane);

static void fc_matvec(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst)
{
    const ib_fc_desc *f = &d->fc;
    const int64_t ocb = ib_neon_blocks(f->oc), icp = icp_of(f), wblk = icp * IB_NEON_V;
    const float *wall = packed, *bias = wall + ocbp_of(f) * wblk;
    const int64_t ngroups = ocbp_of(f) / GROUP;
    /* Each group's weights are reused for every image while in cache. */
    IB_PAR_FOR(
        ib_par_worth(f->n * icp * ocbp_of(f) * IB_NEON_V, ngroups),
        "omp parallel for schedule(static)", for (int64_t g = 0; g < ngroups; g++) {
            const int nb = (int)ib_neon_min(GROUP, ocb - g * GROUP);
            const float *w = wall + g * GROUP * wblk;
            for (int64_t n = 0; n < f->n; n++) {
                const float *xs = src[0] + n * f->ic;
                float32x4_t acc[GROUP];
                for (int b = 0; b < GROUP; b++)
                    acc[b] = vdupq_n_f32(0.0f);
                const int64_t full = f->ic / IB_NEON_V * IB_NEON_V;
                int64_t ic = 0;
                for (; ic < full; ic += IB_NEON_V) {
                    IB_MCA_BEGIN("fc_matvec__neon");
                    const float32x4_t x = vld1q_f32(xs + ic);
                    FMA_LANE(0)
                    FMA_LANE(1)
                    FMA_LANE(2)
                    FMA_LANE(3)
                    IB_MCA_END("fc_matvec__neon");
                }
                if (ic < icp) { /* ic tail: the padded weights are zero */
                    const float32x4_t x = ib_neon_load_partial(xs + ic, f->ic - ic);
                    FMA_LANE(0)
                    FMA_LANE(1)
                    FMA_LANE(2)
                    FMA_LANE(3)
                }
                for (int b = 0; b < nb; b++) {
                    const int64_t oc = (g * GROUP + b) * IB_NEON_V;
                    float32x4_t v = acc[b];
                    if (f->has_bias)
                        v = vaddq_f32(v, vld1q_f32(bias + oc));
                    ib_neon_store_partial(dst[0] + n * f->oc + oc, v, f->oc - oc);
                }
            }
        });
}

static const ib_native fc_native = {
    .kernel = "fc_matvec__neon",
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .packed_bytes = fc_packed_bytes,
    .pack = fc_pack,
    .exec = fc_matvec,
};

IB_NATIVE_ALWAYS(fc_native_choose, fc_native)
IB_IMPL_NATIVE(ib_neon_fc_impl, "neon", IB_OP_FC, IB_ISA_NEON, ib_supports_all, fc_native_choose);
