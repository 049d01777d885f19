/* Reference fully connected layer: dst[n][oc] = sum_ic src[n][ic] * w[oc][ic] (+ bias[oc]). */
#include "reference/reference.h"

/* Float accumulation in ic order, then the bias. */
void ib_ref_fc(const ib_fc_desc *d, const ib_args *a)
{
    const float *src = a->in[0], *wei = a->in[1], *bias = a->in[2];
    float *dst = a->out[0];

    for (int64_t n = 0; n < d->n; n++)
        for (int64_t oc = 0; oc < d->oc; oc++) {
            float acc = 0.0f;
            for (int64_t ic = 0; ic < d->ic; ic++)
                acc += src[n * d->ic + ic] * wei[oc * d->ic + ic];
            if (d->has_bias)
                acc += bias[oc];
            dst[n * d->oc + oc] = acc;
        }
}
