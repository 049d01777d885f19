/* Winograd F(2x2,3x3) and F(4x4,3x3): the transform matrices (stated once, read by the vector
 * kernels, the weight packing and the error bound), the choice between them, the packed
 * layout of the transformed weights, the error bound and the real work of a layer. */
#ifndef IB_WINOGRAD_H
#define IB_WINOGRAD_H

#include <stdint.h>

#include "core/desc.h"

enum { IB_WINO_R = 3, IB_WINO_ALPHA_MAX = 6, IB_WINO_M_MAX = 4 };

/* Y = A^T [ (G g G^T) .* (B^T d B) ] A for an m x m output tile from an alpha x alpha input
 * tile (alpha = m + 2) and a 3x3 filter g (Lavin and Gray, 2016). */
typedef struct ib_wino_mats {
    int m, alpha;
    float bt[IB_WINO_ALPHA_MAX][IB_WINO_ALPHA_MAX]; /* alpha x alpha */
    float g[IB_WINO_ALPHA_MAX][IB_WINO_R];          /* alpha x 3 */
    float at[IB_WINO_M_MAX][IB_WINO_ALPHA_MAX];     /* m x alpha */
} ib_wino_mats;

/* The tables are static const so that the vector kernels see their coefficients at compile
 * time; each translation unit has its own copy, so compare variants by m, not by address. */

/* Interpolation points 0, 1, -1 and infinity. */
static const ib_wino_mats ib_wino_f2 = {
    .m = 2,
    .alpha = 4,
    .bt = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}},
    .g = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}},
    .at = {{1, 1, 1, 0}, {0, 1, -1, -1}},
};

/* Interpolation points 0, 1, -1, 2, -2 and infinity. */
static const ib_wino_mats ib_wino_f4 = {
    .m = 4,
    .alpha = 6,
    .bt = {{4, 0, -5, 0, 1, 0},
           {0, -4, -4, 1, 1, 0},
           {0, 4, -4, -1, 1, 0},
           {0, -2, -1, 2, 1, 0},
           {0, 2, -1, -2, 1, 0},
           {0, 4, 0, -5, 0, 1}},
    .g = {{1.0f / 4, 0, 0},
          {-1.0f / 6, -1.0f / 6, -1.0f / 6},
          {-1.0f / 6, 1.0f / 6, -1.0f / 6},
          {1.0f / 24, 1.0f / 12, 1.0f / 6},
          {1.0f / 24, -1.0f / 12, 1.0f / 6},
          {0, 0, 1}},
    .at = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}},
};

/* 1 when the family runs c: a 3x3 kernel, stride 1, padding 0..2 on each side; else 0 and
 * *why says why. */
int ib_wino_supports(const ib_conv_desc *c, const char **why);

/* The variant a layer runs. F(4x4) needs 2.25 multiplies per output against F(2x2)'s 4, but
 * its tiles cover 4x4 outputs: on a grid under 12 wide, most of its input transform is spent on
 * few tiles and on outputs cut off at the edge, and its 36 transformed weights per filter
 * (against 16) are reused by few tiles, so F(2x2) runs there and F(4x4) from 12x12 up. */
const ib_wino_mats *ib_wino_choose(const ib_conv_desc *c);

/* Geometry of one layer in one ISA's build: vl floats per vector (the channel block), gmax
 * vectors of output channels per register tile. */
typedef struct ib_wino_geom {
    const ib_wino_mats *mt;
    int64_t vl, gmax;
    int64_t th, tw, tiles; /* output tiles per image: rows, columns, all */
    int64_t icb, icp;      /* input channel blocks, channels padded to vl */
    int64_t ocb, ocp;      /* output channel blocks, channels padded to vl */
    int64_t ngroups;       /* groups of gmax output blocks (the last may be smaller) */
    int64_t points;        /* alpha * alpha */
} ib_wino_geom;
ib_wino_geom ib_wino_geom_of(const ib_conv_desc *c, const ib_wino_mats *mt, int64_t vl,
                             int64_t gmax);

/* Packed transformed weights: the folded bias (ocp floats), then per group of output blocks
 * (gsz blocks, gmax but the last) and per transform point, icp rows of gsz*vl output
 * channels: U[group][point][ic][gsz*vl], U = G g G^T of the folded filter, computed in double
 * and rounded once. Padded channels are zero. */
int64_t ib_wino_packed_floats(const ib_wino_geom *g);
const float *ib_wino_group_weights(const ib_wino_geom *g, const float *packed, int64_t group);
void ib_wino_pack(const ib_conv_desc *c, const ib_args *a, const ib_wino_geom *g, float *packed);

/* Per-element bound on |winograd - exact| for the folded convolution of c on the NCHW
 * arguments a, into bound (n*oc*oh*ow doubles, NCHW); the derivation is in winograd.c. */
void ib_wino_error_bound(const ib_conv_desc *c, const ib_args *a, const ib_wino_mats *mt,
                         double *bound);

/* Real work of a layer run by mt: multiply-adds of the element-wise products (per tile and
 * point, ic x oc, over the padded channel counts the kernel multiplies) and the flops of the
 * input and output transforms (each nonzero coefficient other than +-1 one multiply-add,
 * +-1 one add). */
void ib_wino_work(const ib_conv_desc *c, const ib_wino_mats *mt, int64_t vl, int64_t *product_macs,
                  int64_t *transform_flops);

#endif
