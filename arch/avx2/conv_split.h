/* AVX2 direct convolution: the thread split's view of one call. Its work is a sequence, in the
 * exec's order (image, pixel range, oc group: groups innermost, so a range's inputs stay in cache
 * while every group passes over them), of units of tiles: a unit is one group over one range, a
 * tile is P of its pixels (P of the group's tile; the last may be shorter). The shared equal-work
 * split (core/work_split.h) cuts it between tiles, one contiguous stretch per thread. The work
 * counted is the multiply-adds the tiles run: taps in the padding are skipped, so a tile's work
 * is its pixels' taps inside (core/conv_taps.h, as the tiles run them) x its group's blocks (the
 * channels are a common factor, left out). */
#ifndef IB_AVX2_CONV_SPLIT_H
#define IB_AVX2_CONV_SPLIT_H

#include <stdint.h>

#include "arch/avx2/conv_plan.h"
#include "core/work_split.h"

typedef struct ib_avx2_conv_seq {
    const ib_avx2_conv_plan *p;
    const ib_conv_desc *c;
    int64_t row_work;   /* one whole output row: its pixels' kernel columns inside */
    int64_t image_work; /* one image, every group */
} ib_avx2_conv_seq;

/* Unit u: image n, pixel range, oc group. */
typedef struct ib_avx2_conv_unit {
    int64_t n, range, group;
} ib_avx2_conv_unit;

ib_avx2_conv_seq ib_avx2_conv_seq_of(const ib_avx2_conv_plan *p, const ib_conv_desc *c);

/* The shared split's description of s (which it reads while it is used). */
ib_split_seq ib_avx2_conv_split_of(const ib_avx2_conv_seq *s);

static inline ib_avx2_conv_unit ib_avx2_conv_unit_of(const ib_avx2_conv_plan *p, int64_t u)
{
    return (ib_avx2_conv_unit){.n = u / p->groups / p->nranges,
                               .range = u / p->groups % p->nranges,
                               .group = u % p->groups};
}

/* The pixels [*q0, *q1) of tiles [t0, t1) of a unit of group g (tile t: its group's tile width
 * of pixels from t times that width, the last cut at the image's q pixels). */
static inline void ib_avx2_conv_tiles_px(const ib_avx2_conv_plan *p, int64_t g, int64_t t0,
                                         int64_t t1, int64_t *q0, int64_t *q1)
{
    const int64_t pw = ib_avx2_conv_tile_p(ib_avx2_conv_gsize(p, g));
    *q0 = t0 * pw < p->q ? t0 * pw : p->q;
    *q1 = t1 * pw < p->q ? t1 * pw : p->q;
}

/* The work of output pixels [q0, q1) of one output block: their taps inside. */
int64_t ib_avx2_conv_px_work(const ib_avx2_conv_seq *s, int64_t q0, int64_t q1);

#endif
