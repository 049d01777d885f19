/* ISA traits of AVX-512 F/BW/VL/DQ (x86-64): its feature test, FMA peak probe and vector
 * block (its triad is AVX2's: the bandwidth is the same). Not kernels: no registry entry. */
#include <stdint.h>

#include "arch/avx512/avx512_build.h"
#include "core/isa.h"

/* Runs iters x 12 FMAs of 16 lanes (384 flops per iteration; 12 chains cover 2 FMA ports x
 * 4-cycle latency); returns a value derived from the accumulators so the work cannot be
 * optimised away. Named registers, not an array: an
 * array may live in memory at -O2 and the probe would measure store forwarding. */
static double fma_probe(int64_t iters)
{
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    __m512 c0 = _mm512_set1_ps(0.0f), c1 = _mm512_set1_ps(0.1f), c2 = _mm512_set1_ps(0.2f);
    __m512 c3 = _mm512_set1_ps(0.3f), c4 = _mm512_set1_ps(0.4f), c5 = _mm512_set1_ps(0.5f);
    __m512 c6 = _mm512_set1_ps(0.6f), c7 = _mm512_set1_ps(0.7f), c8 = _mm512_set1_ps(0.8f);
    __m512 c9 = _mm512_set1_ps(0.9f), c10 = _mm512_set1_ps(1.0f), c11 = _mm512_set1_ps(1.1f);
    for (int64_t i = 0; i < iters; i++) {
        c0 = _mm512_fmadd_ps(c0, a, b);
        c1 = _mm512_fmadd_ps(c1, a, b);
        c2 = _mm512_fmadd_ps(c2, a, b);
        c3 = _mm512_fmadd_ps(c3, a, b);
        c4 = _mm512_fmadd_ps(c4, a, b);
        c5 = _mm512_fmadd_ps(c5, a, b);
        c6 = _mm512_fmadd_ps(c6, a, b);
        c7 = _mm512_fmadd_ps(c7, a, b);
        c8 = _mm512_fmadd_ps(c8, a, b);
        c9 = _mm512_fmadd_ps(c9, a, b);
        c10 = _mm512_fmadd_ps(c10, a, b);
        c11 = _mm512_fmadd_ps(c11, a, b);
    }
    __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)),
                             _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)));
    s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)));
    float out[16];
    _mm512_storeu_ps(out, s);
    return out[0] + out[15];
}

static int present(const ib_cpu *c)
{
    return c->has_avx2 && c->has_fma && c->has_avx512f && c->has_avx512bw && c->has_avx512vl &&
           c->has_avx512dq;
}

const ib_isa_traits IB_AVX512_SYM(ib_isa_avx512_traits) = {
    .isa = IB_ISA_AVX512,
    .vector_floats = 16,
    .present = present,
    .fma_probe = fma_probe,
    .fma_chains = 12,
};
