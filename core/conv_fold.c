/* Batch-norm folded into a convolution: scale into the weights, shift into the bias. */
#include "core/conv_fold.h"

ib_conv_desc ib_conv_folded(const ib_conv_desc *c)
{
    ib_conv_desc f = *c;
    f.has_bias = c->has_bias || c->has_scale_shift;
    f.has_scale_shift = 0;
    return f;
}

float ib_conv_folded_weight(const ib_conv_desc *c, const ib_args *a, int64_t oc, int64_t ic,
                            int64_t tap)
{
    const float w = a->in[1][(oc * c->ic + ic) * c->kh * c->kw + tap];
    return c->has_scale_shift ? w * a->in[3][oc] : w;
}

float ib_conv_folded_bias(const ib_conv_desc *c, const ib_args *a, int64_t oc)
{
    if (!c->has_scale_shift)
        return c->has_bias ? a->in[2][oc] : 0.0f;
    /* Without a bias the shift is taken as it is: 0 * scale would turn a shift of +0 into -0
     * for a negative scale. */
    return c->has_bias ? a->in[2][oc] * a->in[3][oc] + a->in[4][oc] : a->in[4][oc];
}

void ib_conv_fold(const ib_conv_desc *c, const ib_args *a, float *w, float *bias)
{
    const int64_t taps = c->kh * c->kw;
    for (int64_t oc = 0; oc < c->oc; oc++) {
        for (int64_t ic = 0; ic < c->ic; ic++)
            for (int64_t t = 0; t < taps; t++)
                w[(oc * c->ic + ic) * taps + t] = ib_conv_folded_weight(c, a, oc, ic, t);
        if (bias)
            bias[oc] = ib_conv_folded_bias(c, a, oc);
    }
}
