/* ISA traits of portable C: present everywhere, one lane, no triad of its own. */
#include "core/isa.h"

static int present(const ib_cpu *c)
{
    (void)c;
    return 1;
}

/* Eight independent multiply-add chains: what portable C without FMA can issue. */
static double probe(int64_t iters)
{
    float c[8] = {0, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f};
    volatile float av = 0.999999f, bv = 1e-7f;
    const float a = av, b = bv;
    for (int64_t i = 0; i < iters; i++)
        for (int k = 0; k < 8; k++)
            c[k] = c[k] * a + b;
    return c[0] + c[1] + c[2] + c[3] + c[4] + c[5] + c[6] + c[7];
}

const ib_isa_traits ib_isa_scalar_traits = {
    .isa = IB_ISA_SCALAR,
    .vector_floats = 1,
    .present = present,
    .fma_probe = probe,
    .fma_chains = 8,
};
