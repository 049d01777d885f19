/* The AVX-512 convolution's thread split. One call's work is a sequence, in the plan's loop
 * order, of units (image x output-channel group x pixel block) of tiles, which the shared
 * equal-work split (core/work_split.h) cuts at exec time, with the thread count of that moment,
 * into one contiguous stretch per thread holding 1/T of the multiply-adds the kernel runs, cut
 * between tiles: any unit count, a smaller last group and tiles of unequal width or taps are then
 * balanced to within one tile of one group. A stretch keeps what the plan's order keeps cached:
 * groups outer, the threads split the weights and each streams the input; blocks outer, they
 * split the pixels and each streams the weights. This file says what the units and tiles are and
 * what a run of tiles costs. */
#ifndef IB_AVX512_CONV_SPLIT_H
#define IB_AVX512_CONV_SPLIT_H

#include <stdint.h>

#include "arch/avx512/conv_plan.h"
#include "core/work_split.h"

/* The work of one call. Work is counted in pixel-taps of one output block: x 16 output channels
 * x the channels of an input block (icn) x the input blocks (icb) = the kernel's multiply-adds. */
typedef struct ib512_conv_seq {
    const ib512_conv_plan *pl;
    const ib_conv_desc *c;
    int64_t outer, inner; /* loops per image: groups x blocks, or blocks x groups (blocks outer) */
    int64_t units;        /* images x outer x inner */
    int64_t line_work;    /* a line's pixels x span taps (times its line taps: its work) */
    int64_t image_work;   /* one image, every group: that of every tile x the output blocks */
} ib512_conv_seq;

/* Unit u of the sequence: image n, group (gsz output blocks), tiles [t0, t1). */
typedef struct ib512_conv_unit {
    int64_t n, group, gsz, t0, t1;
} ib512_conv_unit;

static inline ib512_conv_unit ib512_conv_unit_of(const ib512_conv_seq *s, int64_t u)
{
    const ib512_conv_plan *pl = s->pl;
    const int64_t a = u / s->inner % s->outer, b = u % s->inner;
    const int blocks_outer = pl->order == IB512_ORDER_BLOCKS_OUTER;
    ib512_conv_unit un = {.n = u / (s->outer * s->inner), .group = blocks_outer ? b : a};
    const int64_t blk = blocks_outer ? a : b;
    un.gsz = pl->ocb - un.group * pl->g < pl->g ? pl->ocb - un.group * pl->g : pl->g;
    un.t0 = blk * pl->tiles_per_block;
    un.t1 = un.t0 + pl->tiles_per_block < pl->ntiles ? un.t0 + pl->tiles_per_block : pl->ntiles;
    return un;
}

/* Walks tiles [t, t1) of one output block, whole lines at once where it can, while the work
 * passed stays within budget: returns the tile it stopped before (t1: it got through) and adds
 * the work passed to *done. */
static inline int64_t ib512_conv_walk_tiles(const ib512_conv_seq *s, int64_t t, int64_t t1,
                                            int64_t budget, int64_t *done)
{
    const ib512_conv_plan *pl = s->pl;
    int64_t passed = 0;
    while (t < t1) {
        const int64_t line = t / pl->tiles_per_line, j = t % pl->tiles_per_line;
        const int64_t lt = ib512_conv_line_taps(pl, s->c, line);
        if (j == 0 && t + pl->tiles_per_line <= t1 && passed + lt * s->line_work <= budget) {
            passed += lt * s->line_work;
            t += pl->tiles_per_line;
            continue;
        }
        int64_t st;
        const int64_t np = ib512_conv_span_taps(pl, s->c, j, &st), w = lt * st * np;
        if (passed + w > budget)
            break;
        passed += w;
        t++;
    }
    *done += passed;
    return t;
}

static inline ib512_conv_seq ib512_conv_seq_of(const ib512_conv_plan *pl, const ib_conv_desc *c)
{
    const int blocks_outer = pl->order == IB512_ORDER_BLOCKS_OUTER;
    ib512_conv_seq s = {.pl = pl, .c = c};
    s.outer = blocks_outer ? pl->nblocks : pl->ngroups;
    s.inner = blocks_outer ? pl->ngroups : pl->nblocks;
    s.units = c->n * s.outer * s.inner;
    /* Unpadded along the span, every tile has the same taps: no walk over a line's tiles at
     * every call (the stem's flat line is 1851 tiles, 2% of its time). */
    if (ib512_conv_span_unpadded(pl, c)) {
        int64_t st;
        ib512_conv_span_taps(pl, c, 0, &st);
        s.line_work = pl->line_px * st;
    } else {
        for (int64_t j = 0; j < pl->tiles_per_line; j++) {
            int64_t st;
            const int64_t np = ib512_conv_span_taps(pl, c, j, &st);
            s.line_work += np * st;
        }
    }
    int64_t all = 0;
    ib512_conv_walk_tiles(&s, 0, pl->ntiles, INT64_MAX, &all);
    s.image_work = all * pl->ocb;
    return s;
}

/* The shared split's view of the sequence: unit u's tiles and the work of a run of them, that
 * of its tiles times its group's output blocks. */
static inline void ib512_conv_split_tiles(const void *ctx, int64_t u, int64_t *t0, int64_t *t1)
{
    const ib512_conv_unit un = ib512_conv_unit_of(ctx, u);
    *t0 = un.t0;
    *t1 = un.t1;
}

static inline int64_t ib512_conv_split_walk(const void *ctx, int64_t u, int64_t t, int64_t t1,
                                            int64_t budget, int64_t *done)
{
    const int64_t gsz = ib512_conv_unit_of(ctx, u).gsz;
    int64_t passed = 0;
    t = ib512_conv_walk_tiles(ctx, t, t1, budget / gsz, &passed);
    *done += passed * gsz;
    return t;
}

/* The shared split's description of s (which it reads while it is used): thread k of T runs
 * from ib_split_cut_at(k, T) to ib_split_cut_at(k + 1, T). */
static inline ib_split_seq ib512_conv_split_of(const ib512_conv_seq *s)
{
    return (ib_split_seq){.ctx = s,
                          .units = s->units,
                          .period = s->outer * s->inner,
                          .period_work = s->image_work,
                          .tiles = ib512_conv_split_tiles,
                          .walk = ib512_conv_split_walk};
}

#endif
