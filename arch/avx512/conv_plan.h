/* The AVX-512 convolution's plan: tile, blocking and loop order chosen once at pack time from
 * the descriptor and the CPU's cache sizes, and stored at the head of the packed block. */
#ifndef IB_AVX512_CONV_PLAN_H
#define IB_AVX512_CONV_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "arch/avx512/conv_tiles.h"
#include "core/conv_taps.h"
#include "core/desc.h"
#include "core/impl.h"

/* Up to this many input channels (the RGB stem) the source stays NCHW: 3 channels would waste
 * 13 of 16 lanes of a block. */
enum { IB512_CONV_PLAIN_IC_MAX = 4 };

static inline int ib512_conv_plain(const ib_conv_desc *c)
{
    return c->ic <= IB512_CONV_PLAIN_IC_MAX;
}

/* Without padding no tap falls outside the input: a pixel's taps are one offset from its first
 * (the same in every input block), so the kernel skips the bounds checks and tiles may run
 * across output rows (flat). */
static inline int ib512_conv_unpadded(const ib_conv_desc *c)
{
    return c->pt == 0 && c->pb == 0 && c->pl == 0 && c->pr == 0;
}

/* A 1x1 at stride 1 without padding: output pixel q reads input pixel q, every tap inside. */
static inline int ib512_conv_pointwise(const ib_conv_desc *c)
{
    return c->kh == 1 && c->kw == 1 && c->sh == 1 && c->sw == 1 && ib512_conv_unpadded(c);
}

/* Cache sizes in bytes the plan is built for (ib_cpu_get()'s, or a pretend CPU's in tests);
 * 0 means unknown and takes the default of the CPUs this project runs on. */
typedef struct ib512_caches {
    int64_t l1d, l2, l3;
} ib512_caches;

/* How the tiles walk the output pixels. A tile's pixels are consecutive in rows and flat, one
 * row apart in columns: down a column every pixel of a tile shares its input column, so a tap
 * whose column lies in the left or right padding is skipped for the whole tile instead of
 * multiplying zeros (the 1x7 convolutions, padded only in w). Flat tiles run across rows, so
 * the columns must have no padding; padding rows (the 7x1 convolutions, padded only in h) are
 * checked only in the tiles that reach them, the others run unchecked.
 * Where the padded 17x17 layers stand (Xeon, ours / oneDNN brgconv, 160 -> 192 channels): the
 * same 1x7 and 7x1 without padding (on a 17x23 or 23x17 input) ran at brgconv's speed, 0.99-1.02
 * and 1.00-1.03; padded they were 4-9% behind: brgconv runs them 8-10% faster than unpadded
 * (their padding share is 10%), ours 2-5%. The 1x7s closed most of it down columns of one pointer
 * and a stride per tap with 3x9 tiles (conv.c's KIND_COLS_LINE, tile_offered in conv_plan.c):
 * 1.04-1.09 -> 1.00-1.03. Measured alike on them before that (plans against each other in one
 * process, or builds alternated against oneDNN; within +-2%): rows against columns for the 1x7s;
 * tiles 4x6, 5x5 and 3x9 in the checked walks; L1-sized reduction chunks (one row: 28 KiB); for
 * the 7x1s, flat tiles near the padding rows taking one pointer per tap that is inside for every
 * pixel; for row tiles, taps outer and input blocks inner (a tap's skip variant chosen once per
 * chunk: the 8x8 3x1s 5% faster, the 35x35 3x3s and 5x5 1-3% slower). The 7x1s in rows of 3x9
 * (the transpose of the 1x7s' columns, one pointer) ran 0-8% slower than flat 3x8 tiles. A padded
 * copy of the input with unchecked tiles would multiply the zeros at the unpadded speed, which is
 * slower than now.
 * The 35x35 3x3s (96 -> 96 channels, the same way, 5 interleaved repetitions): unpadded 0.99 and
 * padded only in h 0.985 (flat), padded only in w 1.06 (columns of 3x9), padded on every side
 * 1.05 (rows: 5 tiles of 7 px per row). On the h-only shape rows ran 2-3% behind flat (2 runs
 * each): a 7-px step feeds 21 FMAs per 3 weight vectors, not 24; the rest of the gap is the taps
 * that skip padding pixels. Rows of 3x9, 2x12 and 4x6 and columns of 3x8 and 3x9 ran 3-9% slower
 * than rows of 3x8 on the real layer (one run each); a copy padded in w would run flat over 37
 * columns for 35 (5% more pixels): no gain. */
typedef enum ib512_conv_walk {
    IB512_WALK_ROWS, /* tiles within an output row */
    IB512_WALK_FLAT, /* across rows: the image as one line (no column padded) */
    IB512_WALK_COLS  /* tiles within an output column */
} ib512_conv_walk;

/* A row tile of a blocked source at stride 1 in w (the kernel's one-pointer rows) skips the FMAs
 * of up to this many pixels at one end that read the padding in a tap: 3, the widest padding of
 * Inception-v3's kernels (7 taps, 3 on each side), where skipping one pixel left a 7x7 at
 * 17x17 multiplying zeros 6 times for every 107 executed multiply-adds. A tap with more, or with
 * padding at both ends, multiplies zeros; the other row and column tiles skip their first or last
 * pixel. */
enum { IB512_CONV_LINE_SKIP_MAX = 3 };

/* Whether a one-pointer row tile of np pixels runs a tap whose first s0 and last s1 pixels read
 * padding by skipping those pixels: they lie at one end, number at most
 * IB512_CONV_LINE_SKIP_MAX and leave a pixel inside (s0 = s1 = 0: nothing to skip). Otherwise
 * the tap multiplies zeros, or is skipped whole when every pixel reads padding. The kernel and
 * the plan's model both ask. */
static inline int ib512_conv_line_skips(int64_t s0, int64_t s1, int64_t np)
{
    return (s0 == 0 || s1 == 0) && s0 + s1 <= IB512_CONV_LINE_SKIP_MAX && s0 + s1 < np;
}

/* A blocked source's tap runs its 16 input channels straight-line, or, where a tile's reduction
 * (one chunk: its rows x kw taps) is at most IB512_CONV_SHORT_TAPS taps, in a loop of
 * IB512_CONV_SHORT_STEPS channels (conv_tap16 in conv.c). Measured on the Xeon, ours / oneDNN
 * brgconv, 3 alternations of each build: the loop took the 35x35 1x1 layers (12-18 taps) 3-7%
 * faster (Mixed_5b.branch_pool 1.12 -> 1.05), Conv2d_2a_3x3 (18) 2%, and left Conv2d_2b_3x3 (18)
 * within the noise; on longer reductions it lost 1-5% (the 17x17 and 8x8 1x1s, 48-128 taps; the
 * 3x3s and 7x1s at 36-162 taps 0.5-2%). Why, this CPU's counters could not say (none are
 * exposed); the rule is the measured boundary. */
enum { IB512_CONV_SHORT_STEPS = 2, IB512_CONV_SHORT_TAPS = 18 };

typedef enum ib512_conv_order {
    IB512_ORDER_GROUPS_OUTER, /* a group's weights stay cached while its pixel blocks run */
    IB512_ORDER_BLOCKS_OUTER  /* a pixel block's input stays in L2 while every group runs */
} ib512_conv_order;

/* The reduction (input channels x kernel taps) is walked in rows: one row = one input-channel
 * block (16 channels; the plain source: all of them) x one kernel row (kw taps). */
typedef struct ib512_conv_plan {
    int32_t tile;           /* ib512_conv_tile: the main register tile */
    int32_t g, p;           /* its output-channel blocks and pixels */
    int32_t walk;           /* ib512_conv_walk */
    int32_t order;          /* ib512_conv_order */
    int32_t short_loop;     /* a tap's channels in a loop (IB512_CONV_SHORT_STEPS), not unrolled */
    int32_t prefetch;       /* the next chunk's weights prefetched into L2 while one runs */
    int64_t icb, icn;       /* input blocks, channels per block (plain source: 1 block of ic) */
    int64_t ocb, ngroups;   /* output blocks, groups of g blocks (the last may be smaller) */
    int64_t lines, line_px; /* tiles split lines of line_px pixels: rows (oh x ow), 1 x oh*ow
                               (flat) or columns (ow x oh) */
    int64_t line_step, px_step; /* flat output pixels between lines, between a line's pixels */
    int64_t tiles_per_line, ntiles;
    int64_t tile_base, tile_rem; /* a line's tiles: tile_rem of tile_base + 1 px, then tile_base */
    int64_t rows, rows_per_chunk, nchunks; /* reduction rows, per chunk, chunks */
    int64_t tiles_per_block, nblocks;      /* pixel blocks (L2 and threads) */
    int64_t chunk_bytes;                   /* one group's weights of one chunk (L1) */
    int64_t block_bytes;                   /* one pixel block's input (L2) */
    ib512_caches caches;                   /* what it was built for */
} ib512_conv_plan;

/* Whether the kernel runs the plan's tiles as its pointwise kind (conv.c's KIND_POINTWISE): a
 * blocked 1x1 at stride 1 without padding whose taps are unrolled. */
static inline int ib512_conv_runs_pointwise(const ib512_conv_plan *pl, const ib_conv_desc *c)
{
    return !ib512_conv_plain(c) && ib512_conv_pointwise(c) && !pl->short_loop;
}

/* Tile j of line `line` (tile line * tiles_per_line + j of the plan; a line is split into tiles
 * of as equal width as possible: 8 -> 4 + 4, not 6 + 2): its width, its first flat output pixel
 * (*q0) and that pixel's output row and column (oh_ow), which only the flat walk divides for.
 * Pixel p of the tile is flat output pixel *q0 + p * px_step. */
static inline int64_t ib512_conv_tile_in_line(const ib512_conv_plan *pl, int64_t ow, int64_t line,
                                              int64_t j, int64_t *q0, int64_t oh_ow[2])
{
    const int64_t start = j * pl->tile_base + (j < pl->tile_rem ? j : pl->tile_rem);
    *q0 = line * pl->line_step + start * pl->px_step;
    oh_ow[0] = pl->walk == IB512_WALK_ROWS   ? line
               : pl->walk == IB512_WALK_COLS ? start
                                             : start / ow;
    oh_ow[1] = pl->walk == IB512_WALK_ROWS   ? start
               : pl->walk == IB512_WALK_COLS ? line
                                             : start % ow;
    return pl->tile_base + (j < pl->tile_rem);
}

/* The taps the kernel runs for tile j of line `line` (a tap is skipped when it reads only
 * padding for every pixel of the tile) are line_taps x span_taps: a row's pixels share their
 * input row, so its kernel rows inside times the kernel columns some pixel reads inside, and the
 * other way round down columns. A flat tile (one line; no column padded) runs every kernel column
 * of the kernel rows some pixel reads inside, over the output rows its pixels reach. */
static inline int64_t ib512_conv_line_taps(const ib512_conv_plan *pl, const ib_conv_desc *c,
                                           int64_t line)
{
    return pl->walk == IB512_WALK_ROWS   ? ib_conv_taps_any(line, 1, c->sh, c->pt, c->kh, c->ih)
           : pl->walk == IB512_WALK_COLS ? ib_conv_taps_any(line, 1, c->sw, c->pl, c->kw, c->iw)
                                         : 1;
}

/* Whether the dimension a line's tiles span (columns along rows; rows down columns and across
 * the flat image) is unpadded: every tap of every tile then reads inside along it. */
static inline int ib512_conv_span_unpadded(const ib512_conv_plan *pl, const ib_conv_desc *c)
{
    return pl->walk == IB512_WALK_ROWS ? c->pl == 0 && c->pr == 0 : c->pt == 0 && c->pb == 0;
}

/* Tile j of a line: its pixels (returned) and, in *taps, its span taps (see above). */
static inline int64_t ib512_conv_span_taps(const ib512_conv_plan *pl, const ib_conv_desc *c,
                                           int64_t j, int64_t *taps)
{
    const int rows = pl->walk == IB512_WALK_ROWS, cols = pl->walk == IB512_WALK_COLS;
    if (ib512_conv_span_unpadded(pl, c)) { /* no division per tile */
        *taps = rows ? c->kw : cols ? c->kh : c->kh * c->kw;
        return pl->tile_base + (j < pl->tile_rem);
    }
    int64_t q0, at[2];
    const int64_t np = ib512_conv_tile_in_line(pl, c->ow, 0, j, &q0, at);
    if (rows)
        *taps = ib_conv_taps_any(at[1], np, c->sw, c->pl, c->kw, c->iw);
    else if (cols)
        *taps = ib_conv_taps_any(at[0], np, c->sh, c->pt, c->kh, c->ih);
    else
        *taps = c->kw * ib_conv_taps_any(at[0], (q0 + np - 1) / c->ow - at[0] + 1, c->sh, c->pt,
                                         c->kh, c->ih);
    return np;
}

/* The taps the kernel runs for tile j of line `line` (the plan's cost model and the thread
 * split both count them here), its pixels in *np. */
static inline int64_t ib512_conv_tile_taps(const ib512_conv_plan *pl, const ib_conv_desc *c,
                                           int64_t line, int64_t j, int64_t *np)
{
    int64_t span;
    *np = ib512_conv_span_taps(pl, c, j, &span);
    return ib512_conv_line_taps(pl, c, line) * span;
}

/* Declared for both builds of arch/avx512 (native, and _simde in test programs). */
#define IB512_CONV_PLAN_DECLARE(sfx)                                                               \
    ib512_conv_plan ib512_conv_plan_make##sfx(const ib_conv_desc *c, const ib512_caches *cs);      \
    int ib512_conv_plan_describe##sfx(const ib512_conv_plan *pl, char *buf, size_t n);             \
    void ib512_conv_pack_for##sfx(const ib_desc *d, const ib_args *a, void *packed,                \
                                  const ib512_caches *cs);
IB512_CONV_PLAN_DECLARE()
IB512_CONV_PLAN_DECLARE(_simde)

#endif
