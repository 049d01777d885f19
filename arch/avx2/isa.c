/* ISA traits of AVX2 + FMA (x86-64): its feature test, FMA peak probe, triad and vector
 * block. Not kernels: no registry entry. */
#include <immintrin.h>
#include <stdint.h>

#include "core/isa.h"

/* Runs iters x 12 FMAs of 8 lanes (192 flops per iteration); returns a value derived from
 * the accumulators so the work cannot be optimised away. Twelve independent chains cover FMA
 * latency x ports on current x86 cores. */
static double fma_probe(int64_t iters)
{
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    __m256 c0 = _mm256_set1_ps(0.0f), c1 = _mm256_set1_ps(0.1f), c2 = _mm256_set1_ps(0.2f);
    __m256 c3 = _mm256_set1_ps(0.3f), c4 = _mm256_set1_ps(0.4f), c5 = _mm256_set1_ps(0.5f);
    __m256 c6 = _mm256_set1_ps(0.6f), c7 = _mm256_set1_ps(0.7f), c8 = _mm256_set1_ps(0.8f);
    __m256 c9 = _mm256_set1_ps(0.9f), c10 = _mm256_set1_ps(1.0f), c11 = _mm256_set1_ps(1.1f);
    for (int64_t i = 0; i < iters; i++) {
        c0 = _mm256_fmadd_ps(c0, a, b);
        c1 = _mm256_fmadd_ps(c1, a, b);
        c2 = _mm256_fmadd_ps(c2, a, b);
        c3 = _mm256_fmadd_ps(c3, a, b);
        c4 = _mm256_fmadd_ps(c4, a, b);
        c5 = _mm256_fmadd_ps(c5, a, b);
        c6 = _mm256_fmadd_ps(c6, a, b);
        c7 = _mm256_fmadd_ps(c7, a, b);
        c8 = _mm256_fmadd_ps(c8, a, b);
        c9 = _mm256_fmadd_ps(c9, a, b);
        c10 = _mm256_fmadd_ps(c10, a, b);
        c11 = _mm256_fmadd_ps(c11, a, b);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                             _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
    s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0] + out[7];
}

/* The STREAM triad a = b + s*c with 256-bit loads and stores: the bandwidth probe that
 * memory-bound AVX2 kernels are compared with (a portable loop would be limited by its
 * narrower vectors as soon as the arrays fit in cache). */
static void triad(float *a, const float *b, const float *c, float s, int64_t n)
{
    const __m256 vs = _mm256_set1_ps(s);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(a + i, _mm256_add_ps(_mm256_loadu_ps(b + i),
                                              _mm256_mul_ps(vs, _mm256_loadu_ps(c + i))));
    for (; i < n; i++)
        a[i] = b[i] + s * c[i];
}

static int present(const ib_cpu *c)
{
    return c->has_avx2 && c->has_fma;
}

const ib_isa_traits ib_isa_avx2_traits = {
    .isa = IB_ISA_AVX2,
    .vector_floats = 8,
    .present = present,
    .fma_probe = fma_probe,
    .fma_chains = 12,
    .triad = triad,
};
