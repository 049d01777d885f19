/* Fully connected layer on plain (n, ic) rows: weights packed so 8 outputs are one vector per
 * input. */
#include "arch/avx2/avx2_util.h"

/* Output channels go in tiles of up to FC_TILE blocks of 8. Tile t's weights are one contiguous
 * stream [ic][jt*8] (jt blocks in the tile) starting at float t*FC_TILE*8*ic, so a batch-1 run
 * reads the weights once, front to back. The bias (zeros when absent) follows, ceil(oc/8)*8
 * floats; padding outputs get zero weights. */
enum { FC_TILE = 8 };

static size_t fc_packed_bytes(const ib_desc *d)
{
    int64_t ocp = ib_avx2_blocks(d->fc.oc) * 8;
    return (size_t)(ocp * d->fc.ic + ocp) * sizeof(float);
}

static void fc_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    const ib_fc_desc *f = &d->fc;
    const float *w = a->in[1], *bias = f->has_bias ? a->in[2] : NULL;
    int64_t ocb = ib_avx2_blocks(f->oc), ic = f->ic;
    float *wp = packed, *bp = wp + ocb * 8 * ic;
    for (int64_t b0 = 0; b0 < ocb; b0 += FC_TILE) {
        int64_t jt = ocb - b0 < FC_TILE ? ocb - b0 : FC_TILE;
        float *t = wp + b0 * 8 * ic;
        for (int64_t k = 0; k < ic; k++)
            for (int64_t o = 0; o < jt * 8; o++) {
                int64_t oc = b0 * 8 + o;
                t[k * jt * 8 + o] = oc < f->oc ? w[oc * ic + k] : 0.0f;
            }
    }
    for (int64_t oc = 0; oc < ocb * 8; oc++)
        bp[oc] = bias && oc < f->oc ? bias[oc] : 0.0f;
}

/* R rows x J blocks of outputs: each step broadcasts x[r][k] against J weight vectors. Sums go
 * in k order, then the bias, as the reference. ncols: outputs that exist from y on. */
IB_AVX2_INLINE void fc_tile(int R, int J, const float *x, int64_t xs, int64_t ic, const float *w,
                            int64_t ws, const float *bias, float *y, int64_t ys, int64_t ncols)
{
    __m256 acc[2][FC_TILE];
#pragma GCC unroll 2
    for (int r = 0; r < R; r++)
#pragma GCC unroll 8
        for (int j = 0; j < J; j++)
            acc[r][j] = _mm256_setzero_ps();
    for (int64_t k = 0; k < ic; k++, w += ws)
#pragma GCC unroll 2
        for (int r = 0; r < R; r++) {
            __m256 b = _mm256_broadcast_ss(x + r * xs + k);
#pragma GCC unroll 8
            for (int j = 0; j < J; j++)
                acc[r][j] = _mm256_fmadd_ps(b, _mm256_loadu_ps(w + j * 8), acc[r][j]);
        }
#pragma GCC unroll 2
    for (int r = 0; r < R; r++)
#pragma GCC unroll 8
        for (int j = 0; j < J; j++) {
            __m256 v = _mm256_add_ps(acc[r][j], _mm256_loadu_ps(bias + j * 8));
            int64_t valid = ncols - j * 8;
            if (valid >= 8)
                _mm256_storeu_ps(y + r * ys + j * 8, v);
            else
                _mm256_maskstore_ps(y + r * ys + j * 8, ib_avx2_tail_mask(valid), v);
        }
}

/* Literal R and J so each tile keeps its accumulators in registers: 1 row x up to 8 blocks
 * (8 accumulators hide the FMA latency), 2 rows x up to 4 blocks (8 accumulators, 4 weight
 * vectors loaded once for both rows). */
static void fc_tile_any(int R, int J, const float *x, int64_t xs, int64_t ic, const float *w,
                        int64_t ws, const float *bias, float *y, int64_t ys, int64_t ncols)
{
#define FC_CASE(r, j)                                                                              \
    case r * 16 + j:                                                                               \
        fc_tile(r, j, x, xs, ic, w, ws, bias, y, ys, ncols);                                       \
        break;
    switch (R * 16 + J) {
        FC_CASE(1, 1)
        FC_CASE(1, 2) FC_CASE(1, 3) FC_CASE(1, 4) FC_CASE(1, 5) FC_CASE(1, 6) FC_CASE(1, 7)
            FC_CASE(1, 8) FC_CASE(2, 1) FC_CASE(2, 2) FC_CASE(2, 3) FC_CASE(2, 4) default : break;
    }
#undef FC_CASE
}

/* Work items are column slices of a tile: the whole tile (up to 8 blocks) for one row, half
 * tiles (4 blocks) for row pairs. A slice's weights (ic x 32 floats: 256 KiB at ic=2048) stay in
 * L2 while every row pair of the batch passes over them, so the weights come from memory once. */
static void fc_exec(const ib_desc *d, const void *packed, const float *const *src,
                    float *const *dst)
{
    const ib_fc_desc *f = &d->fc;
    int64_t ic = f->ic, oc = f->oc, ocb = ib_avx2_blocks(oc);
    int64_t jstep = f->n == 1 ? FC_TILE : 4;
    int64_t nslices = (ocb + jstep - 1) / jstep;
    const float *wp = packed, *bp = wp + ocb * 8 * ic;
    IB_PAR_FOR(
        ib_par_worth(f->n * ic * oc, nslices), "omp parallel for schedule(static)",
        for (int64_t sl = 0; sl < nslices; sl++) {
            int64_t b = sl * jstep, b0 = b / FC_TILE * FC_TILE; /* first block; its tile's */
            int64_t jt = ocb - b0 < FC_TILE ? ocb - b0 : FC_TILE;
            int jn = (int)(ocb - b < jstep ? ocb - b : jstep);
            const float *w = wp + b0 * 8 * ic + (b - b0) * 8;
            for (int64_t r0 = 0; r0 < f->n; r0 += 2) {
                int rn = f->n - r0 < 2 ? 1 : 2;
                fc_tile_any(rn, jn, src[0] + r0 * ic, ic, ic, w, jt * 8, bp + b * 8,
                            dst[0] + r0 * oc + b * 8, oc, oc - b * 8);
            }
        });
}

static const ib_native fc_native = {
    .kernel = "fc_8o__avx2",
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .packed_bytes = fc_packed_bytes,
    .pack = fc_pack,
    .exec = fc_exec,
};

IB_NATIVE_ALWAYS(fc_native_choose, fc_native)
IB_IMPL_NATIVE(ib_avx2_fc_impl, "avx2", IB_OP_FC, IB_ISA_AVX2, ib_supports_all, fc_native_choose);
