/* Reference max and average pooling, NCHW, with asymmetric zero padding. */
#include <math.h>

#include "reference/reference.h"

/* Max pooling. Taps in the padding are ignored (they act as -inf), so a window of negative
 * values yields its negative maximum, not 0. NaN propagates: if any tap inside the input is
 * NaN the output is NaN, whatever the order of the taps. A window lying wholly in the padding
 * (possible only with padding >= kernel) yields -inf. */
void ib_ref_maxpool(const ib_pool_desc *d, const ib_args *a)
{
    const float *src = a->in[0];
    float *dst = a->out[0];

    for (int64_t nc = 0; nc < d->n * d->c; nc++) {
        const float *x = src + nc * d->ih * d->iw;
        float *y = dst + nc * d->oh * d->ow;
        for (int64_t oy = 0; oy < d->oh; oy++)
            for (int64_t ox = 0; ox < d->ow; ox++) {
                float m = -INFINITY;
                for (int64_t ky = 0; ky < d->kh; ky++) {
                    int64_t iy = oy * d->sh - d->pt + ky;
                    if (iy < 0 || iy >= d->ih)
                        continue;
                    for (int64_t kx = 0; kx < d->kw; kx++) {
                        int64_t ix = ox * d->sw - d->pl + kx;
                        if (ix < 0 || ix >= d->iw)
                            continue;
                        float v = x[iy * d->iw + ix];
                        /* Once m is NaN, "v > m" is false and m stays NaN. */
                        if (v > m || isnan(v))
                            m = v;
                    }
                }
                y[oy * d->ow + ox] = m;
            }
    }
}

/* Average pooling: the float sum of the taps inside the input (row by row), divided once by
 * kh*kw (count_include_pad=1) or by the number of taps inside the input (0). A window lying
 * wholly in the padding gives 0 with count_include_pad=1 and NaN (0/0, as PyTorch) with 0. */
void ib_ref_avgpool(const ib_pool_desc *d, const ib_args *a)
{
    const float *src = a->in[0];
    float *dst = a->out[0];

    for (int64_t nc = 0; nc < d->n * d->c; nc++) {
        const float *x = src + nc * d->ih * d->iw;
        float *y = dst + nc * d->oh * d->ow;
        for (int64_t oy = 0; oy < d->oh; oy++)
            for (int64_t ox = 0; ox < d->ow; ox++) {
                float sum = 0.0f;
                int64_t inside = 0;
                for (int64_t ky = 0; ky < d->kh; ky++) {
                    int64_t iy = oy * d->sh - d->pt + ky;
                    if (iy < 0 || iy >= d->ih)
                        continue;
                    for (int64_t kx = 0; kx < d->kw; kx++) {
                        int64_t ix = ox * d->sw - d->pl + kx;
                        if (ix < 0 || ix >= d->iw)
                            continue;
                        sum += x[iy * d->iw + ix];
                        inside++;
                    }
                }
                int64_t div = d->count_include_pad ? d->kh * d->kw : inside;
                y[oy * d->ow + ox] = div > 0 ? sum / (float)div : NAN;
            }
    }
}
