/* AVX2 direct convolution: the pieces shared by its files (plan, pack, tile geometry, exec). */
#ifndef IB_AVX2_CONV_H
#define IB_AVX2_CONV_H

#include <stddef.h>
#include <stdint.h>

#include "arch/avx2/conv_plan.h"
#include "core/impl.h"

/* What a tile needs of the problem, fixed for one exec. Strides are in floats. */
typedef struct ib_avx2_conv_geom {
    int64_t ih, iw, ow, kh, kw, sh, sw, pt, pl;
    int64_t sbs; /* src per input block: ih*iw*8, or ih*iw when plain (a block is a channel) */
    int64_t dbs; /* dst per output block: oh*ow*8 */
    int relu;    /* a batch-norm is folded into the weights and bias, always present */
} ib_avx2_conv_geom;

/* A range of output pixels (row-major) for J output blocks, accumulated over one chunk of
 * input blocks; cut into tiles of J blocks x P consecutive pixels. */
typedef struct ib_avx2_conv_tile_args {
    const float *src;           /* the image at the chunk's first input block */
    const float *w;             /* the group's packed weights at the chunk's first input block */
    const float *wpf, *wpf_end; /* weights the next chunk will use: prefetched meanwhile */
    float *dst;                 /* the image at the group's first output block, pixel 0 */
    const float *bias;          /* at the group's first output channel */
    int64_t q0, q1;             /* the pixel range */
    int64_t nblk;               /* input blocks in the chunk */
    int64_t lastcnt;            /* channels present in the chunk's last input block */
    int64_t ky0, ky1;           /* the kernel rows of the chunk (blocked sources) */
    int first, last;            /* first chunk: start from zero; last chunk: epilogue */
} ib_avx2_conv_tile_args;

/* The input blocks a border tap runs over: n blocks, sbs floats of source and wbs of
 * weights apart, full channels each (8, or 1 when plain) but the last, which has lastcnt. */
typedef struct ib_avx2_conv_blocks {
    int64_t n, sbs, wbs, full, lastcnt;
} ib_avx2_conv_blocks;

typedef void (*ib_avx2_conv_range_fn)(const ib_avx2_conv_geom *g, const ib_avx2_conv_tile_args *a);
/* One tile of the given width at pixel q = (oy, ox): the last, shorter tile of a range. */
typedef void (*ib_avx2_conv_tail_fn)(const ib_avx2_conv_geom *g, const ib_avx2_conv_tile_args *a,
                                     int64_t q, int64_t oy, int64_t ox);

/* The instantiated variants: blocked source; the pointwise 1x1 (stride 1, no padding) on
 * a blocked source, a matrix multiply over contiguous pixels; plain source; and the stem
 * (conv_plan.h's ib_avx2_conv_stem: 3 channels, 3x3), whose loops unroll whole. */
enum { IB_CONV_BLOCKED, IB_CONV_POINTWISE, IB_CONV_PLAIN, IB_CONV_STEM, IB_CONV_KINDS };

static inline int ib_avx2_conv_kind(const ib_conv_desc *c)
{
    if (!ib_avx2_conv_plain(c))
        return ib_avx2_conv_pointwise(c) ? IB_CONV_POINTWISE : IB_CONV_BLOCKED;
    return ib_avx2_conv_stem(c) ? IB_CONV_STEM : IB_CONV_PLAIN;
}

/* [kind][J], J in 1..IB_CONV_JMAX. */
extern const ib_avx2_conv_range_fn ib_avx2_conv_ranges[IB_CONV_KINDS][IB_CONV_JMAX + 1];
/* [kind][J][P]: P in 1..ib_avx2_conv_tile_p(J)-1, NULL elsewhere. */
extern const ib_avx2_conv_tail_fn ib_avx2_conv_tails[IB_CONV_KINDS][IB_CONV_JMAX + 1]
                                                    [IB_CONV_PMAX + 1];

/* The packed block: the plan (IB_AVX2_CONV_HEAD bytes), the weights, the bias. Its size does
 * not depend on the caches. */
size_t ib_avx2_conv_packed_bytes(const ib_desc *d);
/* Packs for the caches k (tests pretend other CPUs); ib_avx2_conv_pack for the detected one. */
void ib_avx2_conv_pack_for(const ib_desc *d, const ib_args *nchw, void *packed,
                           const ib_avx2_conv_caches *k);
void ib_avx2_conv_pack(const ib_desc *d, const ib_args *nchw, void *packed);
/* The plan ib_avx2_conv_pack makes on this CPU, one line. */
int ib_avx2_conv_describe(const ib_desc *d, char *buf, size_t n);
void ib_avx2_conv_exec(const ib_desc *d, const void *packed, const float *const *src,
                       float *const *dst);

#endif
