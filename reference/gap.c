/* Reference global average pooling: n x c x h x w -> n x c x 1 x 1. */
#include "reference/reference.h"

/* Float sum over h*w in memory order, then one division. */
void ib_ref_gap(const ib_eltwise_desc *d, const ib_args *a)
{
    const float *src = a->in[0];
    float *dst = a->out[0];
    int64_t hw = d->h * d->w;

    for (int64_t nc = 0; nc < d->n * d->c; nc++) {
        const float *x = src + nc * hw;
        float sum = 0.0f;
        for (int64_t i = 0; i < hw; i++)
            sum += x[i];
        dst[nc] = sum / (float)hw;
    }
}
