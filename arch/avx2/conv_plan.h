/* AVX2 direct convolution: the register tiles and the blocking plan, made at pack time from
 * the descriptor and the cache sizes, and stored at the head of the packed block. */
#ifndef IB_AVX2_CONV_PLAN_H
#define IB_AVX2_CONV_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/conv_taps.h"
#include "core/desc.h"

/* The register tiles, X(J, P): J output-channel blocks of 8 x P output pixels, J*P
 * accumulators + min(J, P) + 1 operands in the 16 ymm registers. The first is the main tile
 * (it names the kernels); output channels are split into groups of 1..4 blocks, each run by
 * its J's tile, the largest group chosen per layer so its tiles waste the fewest FMA slots
 * on its pixel count (conv_plan.c). This list drives the instantiations (conv_tiles.c), the plan,
 * tools/mca.py and the tests. */
#define IB_AVX2_CONV_TILE_MAIN(X) X(4, 3)
#define IB_AVX2_CONV_TILES(X) IB_AVX2_CONV_TILE_MAIN(X) X(3, 4) X(2, 4) X(1, 4)

/* Bounds of the tiles above (array sizes). */
enum { IB_CONV_JMAX = 4, IB_CONV_PMAX = 4 };

/* Independent FMAs a core must have in flight to issue one per slot: latency 4 x 2 pipes on
 * the AVX2 cores this runs on (Haswell to Golden Cove, Zen 2 and 3). A tile with fewer
 * accumulators waits on them; the plan counts its steps at this many slots. */
enum { IB_AVX2_FMA_INFLIGHT = 8 };

/* Input blocks a chunk has at least when chunks are outside the groups: a tile's J*P partial
 * sums are loaded and stored once per chunk, against 8*J*P FMAs per 8-channel block, so 4
 * blocks keep that traffic at 1/16 of the FMAs. */
enum { IB_AVX2_CONV_MIN_BLOCKS = 4 };

/* "4x3": the main tile, as kernel names carry it. */
#define IB_AVX2_CONV_TILE_STR_(J, P) #J "x" #P
#define IB_AVX2_CONV_TILE_NAME IB_AVX2_CONV_TILE_MAIN(IB_AVX2_CONV_TILE_STR_)

/* Pixels of the tile with J output blocks (a constant when J is). */
static inline int ib_avx2_conv_tile_p(int64_t j)
{
#define IB_AVX2_CONV_P_OF_(J, P)                                                                   \
    if (j == (J))                                                                                  \
        return (P);
    IB_AVX2_CONV_TILES(IB_AVX2_CONV_P_OF_)
#undef IB_AVX2_CONV_P_OF_
    return 0;
}

/* The cache sizes a plan is made for, in bytes (0: unknown). */
typedef struct ib_avx2_conv_caches {
    int64_t l1d, l2, l3;
} ib_avx2_conv_caches;

typedef struct ib_avx2_conv_plan {
    int plain;      /* src is plain NCHW (few input channels): each channel is a block */
    int pointwise;  /* 1x1, stride 1, no padding: the matrix multiply path */
    int64_t icb;    /* input channel blocks (ic when plain) */
    int64_t cb;     /* channels per input block: 8, or 1 when plain */
    int64_t ctail;  /* channels that exist in the last input block */
    int64_t ocb;    /* output channel blocks */
    int64_t groups; /* oc groups: the first gextra have gbase+1 blocks, the rest gbase */
    int64_t gbase, gextra;
    int64_t taps;    /* kh*kw */
    int64_t wblk;    /* floats of packed weights per (output block, input block) */
    int64_t wfloats; /* all packed weights */
    int64_t q;       /* output pixels per image and channel: oh*ow */
    /* Reduction blocking: one group's weights of one chunk stay in L1 (in L2 when one block's
     * are too big for L1: a 5x5 on a 32 KiB L1d) while every pixel tile of a range passes over
     * them. A chunk is kchunk whole input blocks or, when one block's weights are too big for
     * L2 too, one of rsplit parts of its kernel rows (whose weights are contiguous, and each tap
     * keeps its 8 channels). */
    int64_t kchunk, rsplit;
    int chunks_l2; /* the chunks' weights are sized for L2: one block's overflow L1 */
    /* Pixels per work item at most (a multiple of every tile's P): the range's partial sums
     * and its inputs of one chunk stay in L2 while the chunks pass. The pixels are cut into
     * nranges ranges of pb (the last may be shorter), as even as palign allows. */
    int64_t pbmax, palign, pb, nranges;
    /* Loop order: chunks outside the oc groups (the 1x1 path on small images), or each group
     * through all its chunks (conv_plan.c's plan_chunks_outer). */
    int chunks_outer;
    ib_avx2_conv_caches caches; /* what the plan was made for (as detected or pretended) */
} ib_avx2_conv_plan;

/* Bytes before the weights in the packed block: the plan, padded so the weights stay aligned
 * for 32-byte loads. */
enum { IB_AVX2_CONV_HEAD = 256 };

/* Small input channel counts read the plain NCHW source directly (the 3-channel stem). */
static inline int ib_avx2_conv_plain(const ib_conv_desc *c)
{
    return c->ic < 8;
}

/* The RGB stem: a plain source of 3 channels and a 3x3 kernel. Its tiles are short (27 FMA
 * steps), so its channel and tap loops unroll whole at compile time; its weights (3.4 KB for 32
 * output channels) are one chunk on any L1d. */
enum { IB_AVX2_CONV_STEM_C = 3, IB_AVX2_CONV_STEM_K = 3 };
static inline int ib_avx2_conv_stem(const ib_conv_desc *c)
{
    return c->ic == IB_AVX2_CONV_STEM_C && c->kh == IB_AVX2_CONV_STEM_K &&
           c->kw == IB_AVX2_CONV_STEM_K;
}

/* 1x1, stride 1, no padding on a blocked source: output pixel q reads input pixel q, so a
 * tile's pixels are contiguous in every input block (a matrix multiply, any grid). */
static inline int ib_avx2_conv_pointwise(const ib_conv_desc *c)
{
    return !ib_avx2_conv_plain(c) && c->kh == 1 && c->kw == 1 && c->sh == 1 && c->sw == 1 &&
           c->pt == 0 && c->pb == 0 && c->pl == 0 && c->pr == 0;
}

/* The plan of c for caches k. */
void ib_avx2_conv_plan_of(const ib_conv_desc *c, const ib_avx2_conv_caches *k,
                          ib_avx2_conv_plan *p);

/* The plan, one line (what --verbose prints); returns snprintf's count. */
int ib_avx2_conv_plan_str(const ib_avx2_conv_plan *p, char *buf, size_t n);

/* First output block of group g and its size. */
static inline int64_t ib_avx2_conv_gstart(const ib_avx2_conv_plan *p, int64_t g)
{
    return g * p->gbase + (g < p->gextra ? g : p->gextra);
}
static inline int64_t ib_avx2_conv_gsize(const ib_avx2_conv_plan *p, int64_t g)
{
    return p->gbase + (g < p->gextra);
}

#endif
