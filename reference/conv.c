/* Reference convolution: NCHW cross-correlation with zero padding and the fused epilogue. */
#include "reference/reference.h"

/* Accumulates in float in the natural order ic, kh, kw; taps in the padding contribute
 * nothing. Epilogue, as core/desc.h states: acc (+ bias) -> * scale + shift -> relu. */
void ib_ref_conv(const ib_conv_desc *d, const ib_args *a)
{
    const float *src = a->in[0], *wei = a->in[1];
    const float *bias = a->in[2], *scale = a->in[3], *shift = a->in[4];
    float *dst = a->out[0];

    for (int64_t n = 0; n < d->n; n++)
        for (int64_t oc = 0; oc < d->oc; oc++)
            for (int64_t oy = 0; oy < d->oh; oy++)
                for (int64_t ox = 0; ox < d->ow; ox++) {
                    float acc = 0.0f;
                    for (int64_t ic = 0; ic < d->ic; ic++)
                        for (int64_t ky = 0; ky < d->kh; ky++) {
                            int64_t iy = oy * d->sh - d->pt + ky;
                            if (iy < 0 || iy >= d->ih)
                                continue;
                            for (int64_t kx = 0; kx < d->kw; kx++) {
                                int64_t ix = ox * d->sw - d->pl + kx;
                                if (ix < 0 || ix >= d->iw)
                                    continue;
                                float x = src[((n * d->ic + ic) * d->ih + iy) * d->iw + ix];
                                float w = wei[((oc * d->ic + ic) * d->kh + ky) * d->kw + kx];
                                acc += x * w;
                            }
                        }
                    if (d->has_bias)
                        acc += bias[oc];
                    if (d->has_scale_shift)
                        acc = acc * scale[oc] + shift[oc];
                    /* "< 0" rather than "> 0" so that a NaN passes through the ReLU. */
                    if (d->relu && acc < 0.0f)
                        acc = 0.0f;
                    dst[((n * d->oc + oc) * d->oh + oy) * d->ow + ox] = acc;
                }
}
