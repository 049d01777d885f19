/* AVX2 direct convolution: the work of its units and tiles, for the thread split
 * (conv_split.h). */
#include "arch/avx2/conv_split.h"

/* The kernel rows inside of output rows [y0, y1); the kernel columns inside of columns
 * [x0, x1). A pixel's taps inside are the product of its row's and its column's. */
static int64_t rows_sum(const ib_conv_desc *c, int64_t y0, int64_t y1)
{
    return ib_conv_taps_sum(y0, y1, c->sh, c->pt, c->kh, c->ih);
}
static int64_t cols_sum(const ib_conv_desc *c, int64_t x0, int64_t x1)
{
    return ib_conv_taps_sum(x0, x1, c->sw, c->pl, c->kw, c->iw);
}

int64_t ib_avx2_conv_px_work(const ib_avx2_conv_seq *s, int64_t q0, int64_t q1)
{
    const ib_conv_desc *c = s->c;
    if (q0 >= q1)
        return 0;
    const int64_t y0 = q0 / c->ow, x0 = q0 % c->ow, y1 = q1 / c->ow, x1 = q1 % c->ow;
    if (y0 == y1)
        return rows_sum(c, y0, y0 + 1) * cols_sum(c, x0, x1);
    int64_t w = rows_sum(c, y0, y0 + 1) * cols_sum(c, x0, c->ow);
    w += rows_sum(c, y0 + 1, y1) * s->row_work;
    if (x1 > 0)
        w += rows_sum(c, y1, y1 + 1) * cols_sum(c, 0, x1);
    return w;
}

ib_avx2_conv_seq ib_avx2_conv_seq_of(const ib_avx2_conv_plan *p, const ib_conv_desc *c)
{
    ib_avx2_conv_seq s = {.p = p, .c = c, .row_work = cols_sum(c, 0, c->ow)};
    s.image_work = ib_avx2_conv_px_work(&s, 0, p->q) * p->ocb;
    return s;
}

/* Unit u's tiles: those of its range, in its group's tile width (ranges are whole tiles of
 * every width). */
static void unit_tiles(const void *ctx, int64_t u, int64_t *t0, int64_t *t1)
{
    const ib_avx2_conv_plan *p = ((const ib_avx2_conv_seq *)ctx)->p;
    const ib_avx2_conv_unit un = ib_avx2_conv_unit_of(p, u);
    const int64_t pw = ib_avx2_conv_tile_p(ib_avx2_conv_gsize(p, un.group));
    const int64_t q0 = un.range * p->pb, q1 = q0 + p->pb < p->q ? q0 + p->pb : p->q;
    *t0 = q0 / pw;
    *t1 = (q1 + pw - 1) / pw;
}

/* The work of tiles [t0, t1) of a unit of group g. */
static int64_t tiles_work(const ib_avx2_conv_seq *s, int64_t g, int64_t t0, int64_t t1)
{
    int64_t q0, q1;
    ib_avx2_conv_tiles_px(s->p, g, t0, t1, &q0, &q1);
    return ib_avx2_conv_gsize(s->p, g) * ib_avx2_conv_px_work(s, q0, q1);
}

/* The last tile boundary in [t, t1] within budget of t, by bisection: a run's work is a few
 * sums over its rows and columns, not a walk over its tiles. */
static int64_t walk_tiles(const void *ctx, int64_t u, int64_t t, int64_t t1, int64_t budget,
                          int64_t *done)
{
    const ib_avx2_conv_seq *s = ctx;
    const int64_t g = u % s->p->groups;
    int64_t lo = t, hi = t1, w = tiles_work(s, g, t, t1);
    if (w > budget) {
        w = 0; /* work(t, lo) <= budget < work(t, hi) */
        while (hi - lo > 1) {
            const int64_t mid = lo + (hi - lo) / 2, wm = tiles_work(s, g, t, mid);
            if (wm <= budget) {
                lo = mid;
                w = wm;
            } else {
                hi = mid;
            }
        }
        hi = lo;
    }
    *done += w;
    return hi;
}

ib_split_seq ib_avx2_conv_split_of(const ib_avx2_conv_seq *s)
{
    return (ib_split_seq){.ctx = s,
                          .units = s->c->n * s->p->nranges * s->p->groups,
                          .period = s->p->nranges * s->p->groups,
                          .period_work = s->image_work,
                          .tiles = unit_tiles,
                          .walk = walk_tiles};
}
