/* Reference batch-norm (inference): per-channel normalisation with running statistics. */
#include <math.h>

#include "reference/reference.h"

/* y = (x - mean) / sqrtf(var + eps) * gamma + beta, evaluated in exactly that order. */
void ib_ref_bn(const ib_bn_desc *d, const ib_args *a)
{
    const float *src = a->in[0], *gamma = a->in[1], *beta = a->in[2];
    const float *mean = a->in[3], *var = a->in[4];
    float *dst = a->out[0];
    int64_t hw = d->h * d->w;

    for (int64_t n = 0; n < d->n; n++)
        for (int64_t c = 0; c < d->c; c++) {
            float sd = sqrtf(var[c] + d->eps);
            const float *x = src + (n * d->c + c) * hw;
            float *y = dst + (n * d->c + c) * hw;
            for (int64_t i = 0; i < hw; i++)
                y[i] = (x[i] - mean[c]) / sd * gamma[c] + beta[c];
        }
}
