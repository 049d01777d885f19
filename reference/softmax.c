/* Reference softmax over the c values of each of n rows. */
#include <math.h>

#include "reference/reference.h"

/* Subtracts the row maximum before exp, so logits like +-1e4 do not overflow; the exps, their
 * sum and the division are done in double and rounded to float once.
 * Non-finite inputs: a row holding a NaN or +inf gives NaN in every entry of the row (the
 * maximum is NaN or +inf, and inf - inf is NaN); -inf entries give 0 as long as the row has a
 * finite value; a row of only -inf gives NaN. */
void ib_ref_softmax(const ib_softmax_desc *d, const ib_args *a)
{
    const float *src = a->in[0];
    float *dst = a->out[0];

    for (int64_t r = 0; r < d->n; r++) {
        const float *x = src + r * d->c;
        float *y = dst + r * d->c;
        double m = -INFINITY;
        for (int64_t j = 0; j < d->c; j++)
            if (x[j] > m || isnan(x[j]))
                m = isnan(m) ? m : x[j]; /* a NaN maximum stays NaN */
        double sum = 0.0;
        for (int64_t j = 0; j < d->c; j++)
            sum += exp((double)x[j] - m);
        for (int64_t j = 0; j < d->c; j++)
            y[j] = (float)(exp((double)x[j] - m) / sum);
    }
}
