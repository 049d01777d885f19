/* Reference label-smoothing cross-entropy: the mean loss and its gradient over the logits. */
#include <math.h>

#include "reference/reference.h"

/* Per row r with label y: logp = x - max - log(sum exp(x - max)) (log-sum-exp, no overflow
 * for large logits), q = (1-eps)*onehot(y) + eps/c, loss_r = -sum_j q_j logp_j;
 * loss = mean_r loss_r and grad = (softmax(x) - q) / n. Everything is computed in double and
 * rounded to float once: this is the oracle.
 * Labels are data, not descriptor fields: callers must pass labels in 0..c-1. A label out of
 * range is never used as an index; its row's gradient is NaN and the loss is NaN.
 * Non-finite logits: a row with a NaN or +inf gives NaN (loss and that gradient row). A -inf
 * logit is handled in the limit: with q_j = 0 (eps = 0, not the label) its term is 0 rather
 * than 0 * -inf; with q_j > 0 the loss is +inf. */
void ib_ref_lsloss(const ib_lsloss_desc *d, const ib_args *a)
{
    const float *logits = a->in[0];
    const int32_t *labels = a->labels;
    float *loss = a->out[0], *grad = a->out[1];
    double eps = d->eps, off = eps / (double)d->c, on = 1.0 - eps + off;
    double total = 0.0;

    for (int64_t r = 0; r < d->n; r++) {
        const float *x = logits + r * d->c;
        float *g = grad + r * d->c;
        int64_t y = labels[r];
        if (y < 0 || y >= d->c) {
            total = NAN;
            for (int64_t j = 0; j < d->c; j++)
                g[j] = NAN;
            continue;
        }
        double m = -INFINITY;
        for (int64_t j = 0; j < d->c; j++)
            if (x[j] > m || isnan(x[j]))
                m = isnan(m) ? m : x[j]; /* a NaN maximum stays NaN */
        double sum = 0.0;
        for (int64_t j = 0; j < d->c; j++)
            sum += exp((double)x[j] - m);
        double logsum = log(sum), row = 0.0;
        for (int64_t j = 0; j < d->c; j++) {
            double logp = ((double)x[j] - m) - logsum;
            double q = j == y ? on : off;
            if (q != 0.0)
                row -= q * logp;
            g[j] = (float)((exp(logp) - q) / (double)d->n);
        }
        total += row;
    }
    loss[0] = (float)(total / (double)d->n);
}
