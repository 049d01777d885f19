/* NEON conv register tiles for NCHW input (narrow inputs such as the RGB stem): one input
 * vector holds one channel at 4 output pixels, and each lane (pixel) is broadcast into the
 * B oc blocks by vfmaq_laneq_f32. */
#include "arch/neon/conv.h"

enum { PMAX = 4 }; /* pixels per input vector */

/* The P input values of pixels 0..P-1 of one tap, pixel stride s floats (contiguous: 4
 * pixels at stride 1, one load); no read past the last one. */
IB_NEON_ALWAYS_INLINE float32x4_t load_pixels(const float *p, int64_t s, const int P,
                                              const int contiguous)
{
    if (contiguous)
        return vld1q_f32(p);
    float32x4_t v = vdupq_n_f32(0.0f);
    v = vld1q_lane_f32(p, v, 0);
    if (P > 1)
        v = vld1q_lane_f32(p + s, v, 1);
    if (P > 2)
        v = vld1q_lane_f32(p + 2 * s, v, 2);
    if (P > 3)
        v = vld1q_lane_f32(p + 3 * s, v, 3);
    return v;
}

#define FMA_LANE(p)                                                                                \
    if ((p) < P)                                                                                   \
        acc[b][p] = vfmaq_laneq_f32(acc[b][p], wv, x, (p));

IB_NEON_ALWAYS_INLINE void tile_body(const int B, const int P, const int contiguous,
                                     const ib_neon_tile_args *t)
{
    float32x4_t acc[IB_NEON_CONV_B][PMAX];
#pragma GCC unroll 4
    for (int b = 0; b < B; b++)
#pragma GCC unroll 4
        for (int p = 0; p < P; p++)
            acc[b][p] = vdupq_n_f32(0.0f);

    const int64_t w_kw = B * IB_NEON_V;
    for (int64_t g = 0; g < t->nicg; g++) {
        for (int64_t ky = 0; ky < t->nkh; ky++) {
            const float *ir = t->in + g * t->in_icg + ky * t->in_row;
            const float *wr = t->w + g * t->w_icg + ky * t->w_kh;
            for (int64_t kx = 0; kx < t->nkw; kx++) {
                IB_MCA_BEGIN("conv_nchw__neon");
                const float32x4_t x = load_pixels(ir + kx * t->in_kw, t->in_pix, P, contiguous);
                const float *wk = wr + kx * w_kw;
#pragma GCC unroll 4
                for (int b = 0; b < B; b++) {
                    const float32x4_t wv = vld1q_f32(wk + b * IB_NEON_V);
                    FMA_LANE(0)
                    FMA_LANE(1)
                    FMA_LANE(2)
                    FMA_LANE(3)
                }
                IB_MCA_END("conv_nchw__neon");
            }
        }
    }

#pragma GCC unroll 4
    for (int b = 0; b < B; b++)
#pragma GCC unroll 4
        for (int p = 0; p < P; p++)
            vst1q_f32(t->out + b * t->out_blk + p * IB_NEON_V,
                      ib_neon_epilogue(acc[b][p], &t->epi, b));
}

/* The stride test is taken once, outside the loops. */
IB_NEON_ALWAYS_INLINE void tile(const int B, const int P, const ib_neon_tile_args *t)
{
    if (P == PMAX && t->in_pix == 1)
        tile_body(B, P, 1, t);
    else
        tile_body(B, P, 0, t);
}

/* Every (B, P) instance, generated from the one template above. */
#define TILE(B, P)                                                                                 \
    static void tile_##B##x##P(const ib_neon_tile_args *t)                                         \
    {                                                                                              \
        tile(B, P, t);                                                                             \
    }
#define TILES_OF(B) TILE(B, 1) TILE(B, 2) TILE(B, 3) TILE(B, 4)
TILES_OF(1)
TILES_OF(2)
TILES_OF(3)
TILES_OF(4)

#define ROW(B) tile_##B##x1, tile_##B##x2, tile_##B##x3, tile_##B##x4,
static const ib_neon_tile_fn tiles[IB_NEON_CONV_B * PMAX] = {ROW(1) ROW(2) ROW(3) ROW(4)};

const ib_neon_conv_kernel ib_neon_conv_kernel_nchw = {
    .L = 1,
    .pmax = PMAX,
    .fn = tiles,
};
