/* AVX2 direct convolution: the micro-kernel instantiated for every tile of IB_AVX2_CONV_TILES
 * and every source kind. Symbols say layout, tile and ISA: conv_nchw8c_4x3__avx2 runs a range
 * of 4x3 tiles, conv_nchw8c_4x3_tail2__avx2 one last tile of 2 pixels. */
#include "arch/avx2/conv_tile.h"

/* The source kinds (conv.h): IB_CONV_BLOCKED, IB_CONV_POINTWISE, IB_CONV_PLAIN, IB_CONV_STEM. */
#define IB_CONV_KIND_0 nchw8c
#define IB_CONV_KIND_1 nchw8c_1x1
#define IB_CONV_KIND_2 nchw_to_nchw8c
#define IB_CONV_KIND_3 nchw3x3_to_nchw8c

#define IB_CONV_SYM_(NAME, J, P, SUF) conv_##NAME##_##J##x##P##SUF##__avx2
#define IB_CONV_SYM(KIND, J, P, SUF) IB_CONV_SYM_(KIND, J, P, SUF)

/* The shorter last tile of a range: t pixels, t < P (an entry for t >= P stays NULL). */
#define IB_CONV_TAIL_DEF(KIND, J, P, t)                                                            \
    static void IB_CONV_SYM(IB_CONV_KIND_##KIND, J, P,                                             \
                            _tail##t)(const ib_avx2_conv_geom *g, const ib_avx2_conv_tile_args *a, \
                                      int64_t q, int64_t oy, int64_t ox)                           \
    {                                                                                              \
        ib_avx2_conv_tile(g, a, q, oy, ox, J, (t) < (P) ? (t) : 1, KIND);                          \
    }
#define IB_CONV_TAIL_ENTRY(KIND, J, P, t)                                                          \
    [J][t] = (t) < (P) ? IB_CONV_SYM(IB_CONV_KIND_##KIND, J, P, _tail##t) : 0,

#define IB_CONV_RANGE_DEF(KIND, J, P)                                                              \
    _Static_assert((J) <= IB_CONV_JMAX && (P) <= IB_CONV_PMAX, "tile above the bounds");           \
    static void IB_CONV_SYM(IB_CONV_KIND_##KIND, J, P, )(const ib_avx2_conv_geom *g,               \
                                                         const ib_avx2_conv_tile_args *a)          \
    {                                                                                              \
        ib_avx2_conv_range(g, a, J, KIND);                                                         \
    }
#define IB_CONV_RANGE_ENTRY(KIND, J, P) [J] = IB_CONV_SYM(IB_CONV_KIND_##KIND, J, P, ),

/* Every tail width below IB_CONV_PMAX of one tile. */
#define IB_CONV_TAILS_OF(X, KIND, J, P) X(KIND, J, P, 1) X(KIND, J, P, 2) X(KIND, J, P, 3)

#define IB_CONV_DEFS(KIND, J, P)                                                                   \
    IB_CONV_TAILS_OF(IB_CONV_TAIL_DEF, KIND, J, P)                                                 \
    IB_CONV_RANGE_DEF(KIND, J, P)
#define IB_CONV_DEFS_0(J, P) IB_CONV_DEFS(0, J, P)
#define IB_CONV_DEFS_1(J, P) IB_CONV_DEFS(1, J, P)
#define IB_CONV_DEFS_2(J, P) IB_CONV_DEFS(2, J, P)
#define IB_CONV_DEFS_3(J, P) IB_CONV_DEFS(3, J, P)
IB_AVX2_CONV_TILES(IB_CONV_DEFS_0)
IB_AVX2_CONV_TILES(IB_CONV_DEFS_1)
IB_AVX2_CONV_TILES(IB_CONV_DEFS_2)
IB_AVX2_CONV_TILES(IB_CONV_DEFS_3)

#define IB_CONV_TAILS_0(J, P) IB_CONV_TAILS_OF(IB_CONV_TAIL_ENTRY, 0, J, P)
#define IB_CONV_TAILS_1(J, P) IB_CONV_TAILS_OF(IB_CONV_TAIL_ENTRY, 1, J, P)
#define IB_CONV_TAILS_2(J, P) IB_CONV_TAILS_OF(IB_CONV_TAIL_ENTRY, 2, J, P)
#define IB_CONV_TAILS_3(J, P) IB_CONV_TAILS_OF(IB_CONV_TAIL_ENTRY, 3, J, P)
const ib_avx2_conv_tail_fn ib_avx2_conv_tails[IB_CONV_KINDS][IB_CONV_JMAX + 1][IB_CONV_PMAX + 1] = {
    [0] = {IB_AVX2_CONV_TILES(IB_CONV_TAILS_0)},
    [1] = {IB_AVX2_CONV_TILES(IB_CONV_TAILS_1)},
    [2] = {IB_AVX2_CONV_TILES(IB_CONV_TAILS_2)},
    [3] = {IB_AVX2_CONV_TILES(IB_CONV_TAILS_3)},
};

#define IB_CONV_RANGES_0(J, P) IB_CONV_RANGE_ENTRY(0, J, P)
#define IB_CONV_RANGES_1(J, P) IB_CONV_RANGE_ENTRY(1, J, P)
#define IB_CONV_RANGES_2(J, P) IB_CONV_RANGE_ENTRY(2, J, P)
#define IB_CONV_RANGES_3(J, P) IB_CONV_RANGE_ENTRY(3, J, P)
const ib_avx2_conv_range_fn ib_avx2_conv_ranges[IB_CONV_KINDS][IB_CONV_JMAX + 1] = {
    [0] = {IB_AVX2_CONV_TILES(IB_CONV_RANGES_0)},
    [1] = {IB_AVX2_CONV_TILES(IB_CONV_RANGES_1)},
    [2] = {IB_AVX2_CONV_TILES(IB_CONV_RANGES_2)},
    [3] = {IB_AVX2_CONV_TILES(IB_CONV_RANGES_3)},
};
