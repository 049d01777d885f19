/* NEON channel concatenation of nChw4c tensors. */
#include <string.h>

#include "arch/neon/neon.h"

/* Input i lands at channel offset off. When off is a whole number of blocks, whole blocks are
 * copied (a tail block's padding channels are zeros in the input, and stay zeros, or are
 * overwritten by the next input's copy); otherwise channels are placed one by one. */
static void concat_nchw4c(const ib_desc *d, const void *packed, const float *const *src,
                          float *const *dst)
{
    (void)packed;
    const ib_concat_desc *c = &d->concat;
    const int64_t V = IB_NEON_V, hw = c->oh * c->ow, ocb = ib_neon_blocks(c->oc);
    float *y = dst[0];
    IB_PAR_FOR(
        ib_par_worth(c->n * ocb * hw * V, c->n), "omp parallel for schedule(static)",
        for (int64_t n = 0; n < c->n; n++) {
            float *yn = y + n * ocb * hw * V;
            int64_t off = 0;
            for (int i = 0; i < c->ninputs; i++) {
                const int64_t ci = c->in[i].c, cbi = ib_neon_blocks(ci);
                const float *x = src[i] + n * cbi * hw * V;
                if (off % V == 0) {
                    memcpy(yn + off / V * hw * V, x, (size_t)(cbi * hw * V) * sizeof(float));
                } else {
                    for (int64_t ch = 0; ch < ci; ch++) {
                        const float *xs = x + ch / V * hw * V + ch % V;
                        float *yd = yn + (off + ch) / V * hw * V + (off + ch) % V;
                        for (int64_t p = 0; p < hw; p++)
                            yd[p * V] = xs[p * V];
                    }
                }
                off += ci;
            }
            /* The last block's padding channels: zeros, whatever the copies left there. */
            if (c->oc % V) {
                float *last = yn + (ocb - 1) * hw * V;
                for (int64_t p = 0; p < hw; p++)
                    for (int64_t v = c->oc % V; v < V; v++)
                        last[p * V + v] = 0.0f;
            }
        });
}

static const ib_native concat_native = {
    .kernel = "concat_nchw4c__neon",
    .src_layout = IB_LAYOUT_NCHW4C,
    .dst_layout = IB_LAYOUT_NCHW4C,
    .exec = concat_nchw4c,
};

IB_NATIVE_ALWAYS(concat_native_choose, concat_native)
IB_IMPL_NATIVE(ib_neon_concat_impl, "neon", IB_OP_CONCAT, IB_ISA_NEON, ib_supports_all,
               concat_native_choose);
