/* Special-value input patterns for pooling, ReLU, softmax and the label-smoothing loss. */
#include "tests/specials.h"

#include <float.h>
#include <math.h>

#include "reference/reference.h"

/* Scattered NaN, +inf and -inf among the verifier's integers; prime periods keep them from
 * lining up with the 8- and 16-channel blocks or the window grid. */
static void pool_scattered(float *x, int64_t count, int64_t row, const int32_t *labels)
{
    (void)row;
    (void)labels;
    for (int64_t k = 0; k < count; k++) {
        if (k % 37 == 5)
            x[k] = NAN;
        else if (k % 41 == 7)
            x[k] = INFINITY;
        else if (k % 43 == 11)
            x[k] = -INFINITY;
    }
}

/* A NaN with the sign bit set among nothing but -inf: whole windows of -inf. */
static void pool_minus_inf(float *x, int64_t count, int64_t row, const int32_t *labels)
{
    (void)row;
    (void)labels;
    for (int64_t k = 0; k < count; k++)
        x[k] = k % 29 == 3 ? -NAN : -INFINITY;
}

static void relu_specials(float *x, int64_t count, int64_t row, const int32_t *labels)
{
    (void)row;
    (void)labels;
    static const float v[] = {NAN,      -NAN,    INFINITY, -INFINITY, -0.0f,   0.0f, FLT_MAX,
                              -FLT_MAX, FLT_MIN, -FLT_MIN, 1e-45f,    -1e-45f, 3.0f, -3.0f};
    const int64_t nv = (int64_t)(sizeof v / sizeof v[0]);
    for (int64_t k = 0; k < count; k++)
        x[k] = v[k % nv];
}

/* Finite but huge logits, one case per row: all near 1e4, one 1e4 among small values, all
 * near -1e4, alternating +-1e4. exp() of any of them overflows unless the maximum goes first. */
static void logits_1e4(float *x, int64_t count, int64_t c, const int32_t *labels)
{
    (void)labels;
    for (int64_t k = 0; k < count; k++) {
        const int64_t r = k / c, j = k % c;
        const float base = (float)(j % 7) - 3.0f;
        switch (r % 4) {
        case 0:
            x[k] = 1e4f + base;
            break;
        case 1:
            x[k] = j == c / 2 ? 1e4f : base;
            break;
        case 2:
            x[k] = -1e4f + base;
            break;
        default:
            x[k] = j % 2 ? 1e4f : -1e4f;
            break;
        }
    }
}

/* Rows with +inf, with NaN, and with -inf entries beside finite values up to 3000. */
static void logits_nonfinite(float *x, int64_t count, int64_t c, const int32_t *labels)
{
    (void)labels;
    for (int64_t k = 0; k < count; k++) {
        const int64_t r = k / c, j = k % c;
        const float base = (float)(j % 7) - 3.0f;
        switch (r % 3) {
        case 0:
            x[k] = j == 1 % c ? INFINITY : base;
            break;
        case 1:
            x[k] = j == 0 ? NAN : 1e4f;
            break;
        default:
            x[k] = j % 3 == 0 && c > 1 ? -INFINITY : base * 1e3f;
            break;
        }
    }
}

/* The label's logit far above, far below or level with the rest. */
static void loss_extreme(float *x, int64_t count, int64_t c, const int32_t *labels)
{
    for (int64_t k = 0; k < count; k++) {
        const int64_t r = k / c, j = k % c;
        const int is_label = labels && labels[r] == j;
        const float base = (float)(j % 5) - 2.0f;
        switch (r % 5) {
        case 0:
            x[k] = is_label ? 1e4f : base;
            break; /* confident and right */
        case 1:
            x[k] = is_label ? -1e4f : base;
            break; /* confident and wrong: loss ~ 1e4 */
        case 2:
            x[k] = is_label ? base : 1e4f + base;
            break;
        case 3:
            x[k] = 1e4f;
            break; /* all level and large */
        default:
            x[k] = -1e4f + base;
            break;
        }
    }
}

static const ib_special specials[] = {
    {IB_OP_MAXPOOL, "nan_inf_scattered", 1, pool_scattered},
    {IB_OP_MAXPOOL, "minus_inf_windows", 1, pool_minus_inf},
    {IB_OP_AVGPOOL, "nan_inf_scattered", 1, pool_scattered},
    {IB_OP_AVGPOOL, "minus_inf_windows", 1, pool_minus_inf},
    {IB_OP_RELU, "nan_inf_zero_denormal", 1, relu_specials},
    {IB_OP_SOFTMAX, "logits_1e4", 0, logits_1e4},
    {IB_OP_SOFTMAX, "logits_inf_nan", 1, logits_nonfinite},
    {IB_OP_LSLOSS, "logits_1e4", 0, loss_extreme},
};

int ib_special_count(void)
{
    return (int)(sizeof specials / sizeof specials[0]);
}

const ib_special *ib_special_at(int i)
{
    return i >= 0 && i < ib_special_count() ? &specials[i] : NULL;
}

void ib_special_apply(const ib_special *s, ib_vcase *v)
{
    const ib_desc *d = &v->desc;
    const int64_t row = d->op == IB_OP_SOFTMAX  ? d->softmax.c
                        : d->op == IB_OP_LSLOSS ? d->lsloss.c
                                                : 1;
    s->fill(v->in[0], ib_dims_count(v->shapes.in[0]), row, v->labels);
    for (int j = 0; j < v->shapes.nout; j++)
        v->args.out[j] = v->want[j];
    ib_ref_run(d, &v->args);
    for (int j = 0; j < v->shapes.nout; j++)
        v->args.out[j] = v->got[j];
}
