/* Reference ReLU: y = max(x, 0), with NaN passed through. */
#include "reference/reference.h"

/* NaN propagates (as in PyTorch); -0.0 stays -0.0, which compares equal to 0. */
void ib_ref_relu(const ib_eltwise_desc *d, const ib_args *a)
{
    const float *src = a->in[0];
    float *dst = a->out[0];
    int64_t count = d->n * d->c * d->h * d->w;

    for (int64_t i = 0; i < count; i++)
        dst[i] = src[i] < 0.0f ? 0.0f : src[i];
}
