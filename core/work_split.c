/* The equal-work thread split (work_split.h). */
#include "core/work_split.h"

ib_split_cut ib_split_unit_start(const ib_split_seq *s, int64_t u)
{
    int64_t t0 = 0, t1 = 0;
    if (u < s->units)
        s->tiles(s->ctx, u, &t0, &t1);
    return (ib_split_cut){u, t0};
}

/* The work of tiles [t0, t1) of unit u. */
static int64_t run_work(const ib_split_seq *s, int64_t u, int64_t t0, int64_t t1)
{
    int64_t w = 0;
    s->walk(s->ctx, u, t0, t1, INT64_MAX, &w);
    return w;
}

ib_split_cut ib_split_cut_at(const ib_split_seq *s, int64_t k, int64_t T)
{
    if (k <= 0)
        return ib_split_unit_start(s, 0);
    const int64_t total = s->units / s->period * s->period_work;
    if (k >= T || total == 0)
        return ib_split_unit_start(s, k >= T ? s->units : 0);
    /* floor(total k / T) without overflowing the product. */
    const int64_t target = total / T * k + total % T * k / T;
    const int64_t image = target / s->period_work;
    int64_t rest = target - image * s->period_work;
    for (int64_t u = image * s->period; u < (image + 1) * s->period; u++) {
        int64_t t0, t1;
        s->tiles(s->ctx, u, &t0, &t1);
        const int64_t w = run_work(s, u, t0, t1);
        if (rest >= w) {
            rest -= w;
            continue;
        }
        int64_t done = 0;
        const int64_t t = s->walk(s->ctx, u, t0, t1, rest, &done);
        /* Tile t holds the target: cut before or after it, whichever is nearer. */
        const int64_t before = rest - done, after = run_work(s, u, t, t + 1) - before;
        return (ib_split_cut){u, before <= after ? t : t + 1};
    }
    return ib_split_unit_start(s, (image + 1) * s->period); /* only work-free units remain */
}

void ib_split_tiles_in(const ib_split_seq *s, ib_split_cut from, ib_split_cut to, int64_t u,
                       int64_t *t0, int64_t *t1)
{
    *t0 = *t1 = 0;
    if (u < from.unit || u > to.unit || u >= s->units)
        return;
    s->tiles(s->ctx, u, t0, t1);
    if (u == from.unit)
        *t0 = from.tile;
    if (u == to.unit)
        *t1 = to.tile;
}
