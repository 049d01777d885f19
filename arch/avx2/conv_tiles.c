/* AVX2 direct convolution: the micro-kernel instantiated for every tile shape and variant. */
#include "arch/avx2/conv_tile.h"

/* Full-width ranges: J output blocks, P = ib_avx2_conv_tile_p(J) pixels per tile. */
/* PL: the variant, IB_CONV_BLOCKED (0), IB_CONV_PLAIN (1) or IB_CONV_PLAIN3 (2). */
#define IB_CONV_RANGES(X, PL) X(4, PL) X(3, PL) X(2, PL) X(1, PL)
/* The shorter last tiles: every P below the full width. */
#define IB_CONV_TAILS(X, PL)                                                                       \
    X(4, 1, PL)                                                                                    \
    X(4, 2, PL) X(3, 1, PL) X(3, 2, PL) X(3, 3, PL) X(2, 1, PL) X(2, 2, PL) X(2, 3, PL)            \
        X(1, 1, PL) X(1, 2, PL) X(1, 3, PL)

#define IB_CONV_TAIL_DEF(J, P, PL)                                                                 \
    static void conv_tail_##PL##_##J##x##P(const ib_avx2_conv_geom *g,                             \
                                           const ib_avx2_conv_tile_args *a, int64_t q, int64_t oy, \
                                           int64_t ox)                                             \
    {                                                                                              \
        ib_avx2_conv_tile(g, a, q, oy, ox, J, P, PL);                                              \
    }
IB_CONV_TAILS(IB_CONV_TAIL_DEF, 0)
IB_CONV_TAILS(IB_CONV_TAIL_DEF, 1)
IB_CONV_TAILS(IB_CONV_TAIL_DEF, 2)

#define IB_CONV_TAIL_ENTRY(J, P, PL) [J][P] = conv_tail_##PL##_##J##x##P,
const ib_avx2_conv_tail_fn ib_avx2_conv_tails[IB_CONV_KINDS][IB_CONV_JMAX + 1][IB_CONV_PMAX + 1] = {
    [0] = {IB_CONV_TAILS(IB_CONV_TAIL_ENTRY, 0)},
    [1] = {IB_CONV_TAILS(IB_CONV_TAIL_ENTRY, 1)},
    [2] = {IB_CONV_TAILS(IB_CONV_TAIL_ENTRY, 2)},
};

#define IB_CONV_RANGE_DEF(J, PL)                                                                   \
    static void conv_range_##PL##_##J(const ib_avx2_conv_geom *g, const ib_avx2_conv_tile_args *a) \
    {                                                                                              \
        ib_avx2_conv_range(g, a, J, PL);                                                           \
    }
IB_CONV_RANGES(IB_CONV_RANGE_DEF, 0)
IB_CONV_RANGES(IB_CONV_RANGE_DEF, 1)
IB_CONV_RANGES(IB_CONV_RANGE_DEF, 2)

#define IB_CONV_RANGE_ENTRY(J, PL) [J] = conv_range_##PL##_##J,
const ib_avx2_conv_range_fn ib_avx2_conv_ranges[IB_CONV_KINDS][IB_CONV_JMAX + 1] = {
    [0] = {IB_CONV_RANGES(IB_CONV_RANGE_ENTRY, 0)},
    [1] = {IB_CONV_RANGES(IB_CONV_RANGE_ENTRY, 1)},
    [2] = {IB_CONV_RANGES(IB_CONV_RANGE_ENTRY, 2)},
};
