/* An equal-work thread split of a sequence of units of tiles. Each of T threads takes one
 * contiguous stretch of the sequence holding 1/T of its work, cut between tiles rather than
 * between units: any unit count, units of unequal size and tiles of unequal work are then balanced
 * to within one tile. Contiguous stretches keep whatever the sequence's order keeps cached. The
 * caller says what a unit's tiles are and what a run of them costs; the split knows nothing else
 * of them. Pure functions of the sequence, so every thread finds the same cuts. */
#ifndef IB_WORK_SPLIT_H
#define IB_WORK_SPLIT_H

#include <stdint.h>

typedef struct ib_split_seq {
    const void *ctx; /* what the two functions below read */
    /* units in the sequence: images of `period` units each (period >= 1), every image of the
     * same work, period_work, so that a cut finds its image without walking those before. */
    int64_t units, period, period_work;
    /* Unit u's tiles, [*t0, *t1), numbered in order in any way the caller likes. */
    void (*tiles)(const void *ctx, int64_t u, int64_t *t0, int64_t *t1);
    /* Walks tiles [t, t1) of unit u while the work passed stays within budget: returns the
     * tile it stopped before (t1: it got through) and adds the work passed to *done. */
    int64_t (*walk)(const void *ctx, int64_t u, int64_t t, int64_t t1, int64_t budget,
                    int64_t *done);
} ib_split_seq;

/* A cut between tiles: before tile `tile` of unit `unit` (the unit's t1: after its last); the
 * end of the sequence is unit `units`. */
typedef struct ib_split_cut {
    int64_t unit, tile;
} ib_split_cut;

/* The start of unit u (u = units: the end). */
ib_split_cut ib_split_unit_start(const ib_split_seq *s, int64_t u);

/* Cut k of T (0 <= k <= T): the tile boundary whose work before it is nearest k/T of the total
 * (ties: the earlier one); thread k runs from cut k to cut k + 1. */
ib_split_cut ib_split_cut_at(const ib_split_seq *s, int64_t k, int64_t T);

/* The tiles of unit u that the stretch from..to holds: [*t0, *t1), empty when *t0 >= *t1. */
void ib_split_tiles_in(const ib_split_seq *s, ib_split_cut from, ib_split_cut to, int64_t u,
                       int64_t *t0, int64_t *t1);

#endif
