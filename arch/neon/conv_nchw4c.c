/* NEON conv register tiles for nChw4c input: one input vector holds 4 channels of a pixel,
 * and each lane is broadcast into B*P accumulators by vfmaq_laneq_f32. */
#include "arch/neon/conv.h"

enum { PMAX = 6 }; /* 4 blocks x 6 pixels = 24 accumulators + 6 inputs + 1-2 weights <= 32 */

/* Lane i of each input vector times the B weight vectors of input channel i; the lane must
 * be a constant, hence a macro. */
/* clang-format off */
#define FMA_LANE(lane)                                                                         \
    _Pragma("GCC unroll 4")                                                                    \
    for (int b = 0; b < B; b++) {                                                              \
        const float32x4_t wv = vld1q_f32(wk + ((lane) * B + b) * IB_NEON_V);                   \
        _Pragma("GCC unroll 6")                                                                \
        for (int p = 0; p < P; p++)                                                            \
            acc[b][p] = vfmaq_laneq_f32(acc[b][p], wv, x[p], lane);                            \
    }
/* clang-format on */

IB_NEON_ALWAYS_INLINE void tile(const int B, const int P, const ib_neon_tile_args *t)
{
    float32x4_t acc[IB_NEON_CONV_B][PMAX];
#pragma GCC unroll 4
    for (int b = 0; b < B; b++)
#pragma GCC unroll 6
        for (int p = 0; p < P; p++)
            acc[b][p] = vdupq_n_f32(0.0f);

    const int64_t w_kw = IB_NEON_V * B * IB_NEON_V;
    for (int64_t g = 0; g < t->nicg; g++) {
        for (int64_t ky = 0; ky < t->nkh; ky++) {
            const float *ir = t->in + g * t->in_icg + ky * t->in_row;
            const float *wk = t->w + g * t->w_icg + ky * t->w_kh;
            /* Pixel pointers in general registers, stepped by one tap per kx: the vector
             * registers are all taken by accumulators, inputs and a weight. */
            const float *ip[PMAX];
#pragma GCC unroll 6
            for (int p = 0; p < P; p++)
                ip[p] = ir + p * t->in_pix;
            for (int64_t kx = 0; kx < t->nkw; kx++, wk += w_kw) {
                IB_MCA_BEGIN("conv_nchw4c__neon");
                float32x4_t x[PMAX];
#pragma GCC unroll 6
                for (int p = 0; p < P; p++) {
                    x[p] = vld1q_f32(ip[p]);
                    ip[p] += IB_NEON_V;
                }
                FMA_LANE(0)
                FMA_LANE(1)
                FMA_LANE(2)
                FMA_LANE(3)
                IB_MCA_END("conv_nchw4c__neon");
            }
        }
    }

#pragma GCC unroll 4
    for (int b = 0; b < B; b++)
#pragma GCC unroll 6
        for (int p = 0; p < P; p++)
            vst1q_f32(t->out + b * t->out_blk + p * IB_NEON_V,
                      ib_neon_epilogue(acc[b][p], &t->epi, b));
}

/* Every (B, P) instance, generated from the one template above. */
#define TILE(B, P)                                                                                 \
    static void tile_##B##x##P(const ib_neon_tile_args *t)                                         \
    {                                                                                              \
        tile(B, P, t);                                                                             \
    }
#define TILES_OF(B) TILE(B, 1) TILE(B, 2) TILE(B, 3) TILE(B, 4) TILE(B, 5) TILE(B, 6)
TILES_OF(1)
TILES_OF(2)
TILES_OF(3)
TILES_OF(4)

#define ROW(B) tile_##B##x1, tile_##B##x2, tile_##B##x3, tile_##B##x4, tile_##B##x5, tile_##B##x6,
static const ib_neon_tile_fn tiles[IB_NEON_CONV_B * PMAX] = {ROW(1) ROW(2) ROW(3) ROW(4)};

const ib_neon_conv_kernel ib_neon_conv_kernel_nchw4c = {
    .L = IB_NEON_V,
    .pmax = PMAX,
    .fn = tiles,
};
