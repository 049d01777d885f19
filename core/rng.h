/* The one random generator: splitmix64, small and deterministic (the layer types' verification
 * fills, weights of the network, bootstrap resampling need reproducibility, not strength). */
#ifndef IB_RNG_H
#define IB_RNG_H

#include <stdint.h>

static inline uint64_t ib_splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi): the top 24 bits, exact in a float. */
static inline float ib_rng_uniform(uint64_t *s, float lo, float hi)
{
    return lo + (hi - lo) * (float)(ib_splitmix64(s) >> 40) * (1.0f / 16777216.0f);
}

#endif
