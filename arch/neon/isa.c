/* ISA traits of NEON (AArch64 Advanced SIMD): its feature test, FMA peak probe, triad and
 * vector block. Not kernels: no registry entry. */
#include <arm_neon.h>
#include <stdint.h>

#include "core/isa.h"

/* Runs iters x 12 FMAs of 4 lanes (96 flops per iteration); returns a value derived from the
 * accumulators so the work cannot be optimised away. Twelve independent chains: current
 * AArch64 cores issue 2 to 4 vector FMAs per cycle with a 4-cycle latency, so up to 16 would
 * be needed to saturate the widest; 12 covers Neoverse N1/V1 and Cortex-A7x (2 pipes x 4)
 * with room, and leaves registers for a and b. Named registers, not an array, so that the
 * chains stay in registers at -O2 (an array may live in memory and the probe would time
 * store forwarding, the latency-bound loop this replaces). */
static double fma_probe(int64_t iters)
{
    const float32x4_t a = vdupq_n_f32(0.999999f), b = vdupq_n_f32(1e-7f);
    float32x4_t c0 = vdupq_n_f32(0.0f), c1 = vdupq_n_f32(0.1f), c2 = vdupq_n_f32(0.2f);
    float32x4_t c3 = vdupq_n_f32(0.3f), c4 = vdupq_n_f32(0.4f), c5 = vdupq_n_f32(0.5f);
    float32x4_t c6 = vdupq_n_f32(0.6f), c7 = vdupq_n_f32(0.7f), c8 = vdupq_n_f32(0.8f);
    float32x4_t c9 = vdupq_n_f32(0.9f), c10 = vdupq_n_f32(1.0f), c11 = vdupq_n_f32(1.1f);
    for (int64_t i = 0; i < iters; i++) {
        /* vfmaq_f32(acc, x, y) = acc + x * y, which is fmla's form (the accumulator is the
         * destination): acc += a * b keeps each chain in its own register without a copy
         * per FMA, and stays finite (1e-7 a step). */
        c0 = vfmaq_f32(c0, a, b);
        c1 = vfmaq_f32(c1, a, b);
        c2 = vfmaq_f32(c2, a, b);
        c3 = vfmaq_f32(c3, a, b);
        c4 = vfmaq_f32(c4, a, b);
        c5 = vfmaq_f32(c5, a, b);
        c6 = vfmaq_f32(c6, a, b);
        c7 = vfmaq_f32(c7, a, b);
        c8 = vfmaq_f32(c8, a, b);
        c9 = vfmaq_f32(c9, a, b);
        c10 = vfmaq_f32(c10, a, b);
        c11 = vfmaq_f32(c11, a, b);
    }
    float32x4_t s = vaddq_f32(vaddq_f32(vaddq_f32(c0, c1), vaddq_f32(c2, c3)),
                              vaddq_f32(vaddq_f32(c4, c5), vaddq_f32(c6, c7)));
    s = vaddq_f32(s, vaddq_f32(vaddq_f32(c8, c9), vaddq_f32(c10, c11)));
    return (double)vgetq_lane_f32(s, 0) + (double)vgetq_lane_f32(s, 3);
}

/* The STREAM triad a = b + s*c with 128-bit loads and stores, two vectors per step: the
 * bandwidth probe that memory-bound NEON kernels are compared with. The multiply and the add
 * stay separate (not vfmaq) so the rounding is the portable loop's. */
static void triad(float *a, const float *b, const float *c, float s, int64_t n)
{
    const float32x4_t vs = vdupq_n_f32(s);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        vst1q_f32(a + i, vaddq_f32(vld1q_f32(b + i), vmulq_f32(vs, vld1q_f32(c + i))));
        vst1q_f32(a + i + 4, vaddq_f32(vld1q_f32(b + i + 4), vmulq_f32(vs, vld1q_f32(c + i + 4))));
    }
    for (; i < n; i++)
        a[i] = b[i] + s * c[i];
}

static int present(const ib_cpu *c)
{
    return c->has_neon;
}

const ib_isa_traits ib_isa_neon_traits = {
    .isa = IB_ISA_NEON,
    .vector_floats = 4,
    .present = present,
    .fma_probe = fma_probe,
    .fma_chains = 12,
    .triad = triad,
};
