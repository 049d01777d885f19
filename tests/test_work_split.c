/* The shared equal-work split (core/work_split.h) on made-up sequences: images of units of tiles
 * of random work (zero-work tiles, units without tiles, tile numbers that do not start at 0),
 * cut for 1 to 9 threads. Every tile of every unit belongs to exactly one stretch, in order; each
 * cut is the tile boundary nearest its share of the work (ties: the earlier), so each thread's work
 * is within one tile of total/T; a sequence without work goes whole to the last thread. Ends with
 * "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>

#include "core/rng.h"
#include "core/work_split.h"
#include "tests/check.h"

enum { MAX_PERIOD = 9, MAX_TILES = 12, MAX_THREADS = 9 };

/* A sequence whose images repeat one image's units: unit u of an image has ntiles[u] tiles
 * numbered from first[u], tile j of work work[u][j]. */
typedef struct made_up {
    int64_t period, images;
    int64_t ntiles[MAX_PERIOD], first[MAX_PERIOD];
    int64_t work[MAX_PERIOD][MAX_TILES];
} made_up;

static void tiles(const void *ctx, int64_t u, int64_t *t0, int64_t *t1)
{
    const made_up *m = ctx;
    *t0 = m->first[u % m->period];
    *t1 = *t0 + m->ntiles[u % m->period];
}

static int64_t tile_work(const made_up *m, int64_t u, int64_t t)
{
    return m->work[u % m->period][t - m->first[u % m->period]];
}

/* Tile by tile, as the contract says: passes tiles while the work passed stays within budget. */
static int64_t walk(const void *ctx, int64_t u, int64_t t, int64_t t1, int64_t budget,
                    int64_t *done)
{
    int64_t passed = 0;
    for (; t < t1 && passed + tile_work(ctx, u, t) <= budget; t++)
        passed += tile_work(ctx, u, t);
    *done += passed;
    return t;
}

static ib_split_seq seq_of(const made_up *m)
{
    int64_t image = 0;
    for (int64_t u = 0; u < m->period; u++)
        for (int64_t j = 0; j < m->ntiles[u]; j++)
            image += m->work[u][j];
    return (ib_split_seq){.ctx = m,
                          .units = m->images * m->period,
                          .period = m->period,
                          .period_work = image,
                          .tiles = tiles,
                          .walk = walk};
}

/* The work before cut c (every tile of the units before it, and its unit's tiles before it). */
static int64_t work_before(const made_up *m, ib_split_cut c)
{
    int64_t w = 0;
    for (int64_t u = 0; u <= c.unit && u < m->images * m->period; u++) {
        int64_t t0, t1;
        tiles(m, u, &t0, &t1);
        for (int64_t t = t0; t < (u == c.unit ? c.tile : t1); t++)
            w += tile_work(m, u, t);
    }
    return w;
}

/* Splits m among 1..MAX_THREADS threads and checks every cut; what the sequence is, on failure. */
static void check(const made_up *m, const char *what)
{
    const ib_split_seq s = seq_of(m);
    const int64_t total = m->images * s.period_work;
    int64_t most_tile = 0;
    for (int64_t u = 0; u < m->period; u++)
        for (int64_t j = 0; j < m->ntiles[u]; j++)
            most_tile = m->work[u][j] > most_tile ? m->work[u][j] : most_tile;
    /* Every boundary's work before it, to find the nearest to each share. */
    int64_t *bounds = malloc(sizeof *bounds * (size_t)(s.units * (MAX_TILES + 1) + 1));
    int64_t nb = 0, acc = 0;
    for (int64_t u = 0; u < s.units; u++) {
        int64_t t0, t1;
        tiles(m, u, &t0, &t1);
        for (int64_t t = t0; t < t1; t++) {
            bounds[nb++] = acc;
            acc += tile_work(m, u, t);
        }
    }
    bounds[nb++] = acc;
    unsigned char *seen = calloc((size_t)(s.units * MAX_TILES), 1);
    for (int64_t T = 1; T <= MAX_THREADS; T++) {
        int ok_order = 1, ok_near = 1, ok_share = 1, ok_ends = 1;
        for (int64_t i = 0; i < s.units * MAX_TILES; i++)
            seen[i] = 0;
        for (int64_t k = 0; k < T; k++) {
            const ib_split_cut from = ib_split_cut_at(&s, k, T), to = ib_split_cut_at(&s, k + 1, T);
            ok_order &= from.unit < to.unit || (from.unit == to.unit && from.tile <= to.tile);
            int64_t work = 0;
            for (int64_t u = from.unit; u <= to.unit && u < s.units; u++) {
                int64_t t0, t1;
                ib_split_tiles_in(&s, from, to, u, &t0, &t1);
                for (int64_t t = t0; t < t1; t++) {
                    seen[u * MAX_TILES + t - m->first[u % m->period]]++;
                    work += tile_work(m, u, t);
                }
            }
            const double share = (double)total / (double)T;
            ok_share &= work >= share - (double)most_tile - 1 && work <= share + most_tile + 1;
            /* Cut k + 1 is the boundary nearest floor(total (k + 1) / T), the earlier on a tie. */
            if (k + 1 < T && total > 0) {
                const int64_t target = total * (k + 1) / T, got = work_before(m, to);
                const int64_t dist = got > target ? got - target : target - got;
                for (int64_t b = 0; b < nb; b++) {
                    const int64_t db = bounds[b] > target ? bounds[b] - target : target - bounds[b];
                    ok_near &= db > dist || (db == dist && (got <= target || bounds[b] > target));
                }
            }
        }
        ok_ends &= ib_split_cut_at(&s, 0, T).unit == 0 && ib_split_cut_at(&s, T, T).unit == s.units;
        if (total == 0) /* nothing to share: the whole sequence, empty of work, is the last's */
            ok_ends &= T == 1 || ib_split_cut_at(&s, T - 1, T).unit == 0;
        int64_t once = 1;
        for (int64_t u = 0; u < s.units; u++)
            for (int64_t j = 0; j < m->ntiles[u % m->period]; j++)
                once &= seen[u * MAX_TILES + j] == 1;
        ib_check(ok_order && once && ok_near && ok_share && ok_ends,
                 "%s, %lld threads: in order %d, every tile once %d, nearest cuts %d, shares "
                 "within a tile %d, ends %d",
                 what, (long long)T, ok_order, (int)once, ok_near, ok_share, ok_ends);
    }
    free(seen);
    free(bounds);
}

int main(void)
{
    uint64_t rng = 14;
    for (int i = 0; i < 400; i++) {
        made_up m = {.period = 1 + (int64_t)(ib_splitmix64(&rng) % MAX_PERIOD),
                     .images = 1 + (int64_t)(ib_splitmix64(&rng) % 4)};
        /* Some sequences of equal tiles, some with zero-work tiles and units without tiles. */
        const int kind = i % 4;
        for (int64_t u = 0; u < m.period; u++) {
            m.ntiles[u] = (int64_t)(ib_splitmix64(&rng) % (MAX_TILES + 1));
            if (kind != 2 && m.ntiles[u] == 0)
                m.ntiles[u] = 1;
            m.first[u] = (int64_t)(ib_splitmix64(&rng) % 50);
            for (int64_t j = 0; j < m.ntiles[u]; j++)
                m.work[u][j] = kind == 0   ? 7
                               : kind == 3 ? 0
                                           : (int64_t)(ib_splitmix64(&rng) % 10) * (1 + i % 3);
        }
        char what[96];
        snprintf(what, sizeof what, "sequence %d (%lld images of %lld units, kind %d)", i,
                 (long long)m.images, (long long)m.period, kind);
        check(&m, what);
    }
    /* One tile: every thread but one gets nothing, and the tile is run once. */
    const made_up one = {.period = 1, .images = 1, .ntiles = {1}, .work = {{5}}};
    check(&one, "one tile");
    return ib_check_done();
}
