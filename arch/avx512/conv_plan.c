/* The AVX-512 convolution's plan: which tile, how the reduction and the pixels are blocked. */
#include "arch/avx512/conv_plan.h"

#include <stdio.h>

#include "arch/avx512/common.h"

/* When detection found no size: those of the smaller of the CPUs this project runs on. */
static const ib512_caches default_caches = {32 << 10, 512 << 10, 8 << 20};

static const struct {
    int g, p;
} tiles[IB512_CONV_NTILES] = {
#define TILE_ROW(G, P) {G, P},
    IB512_CONV_MAIN_TILES(TILE_ROW)
#undef TILE_ROW
};

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* Modelled cycles of one reduction step (one input channel of one tap) of a g x p tile: its
 * FMAs on two ports, plus what each weight vector and each broadcast costs beyond them. The
 * weights' share is what makes wide tiles pay: fitted to this kernel on the Xeon (8x8 1x1 with
 * 1280 inputs: 3x8 at 81% of peak, 4x6 at 55%, 4x5 at 50%; 35x35 1x1: 4x6 79%, 4x5 69%).
 * A cost per weight vector streamed from L2 (a 1x1 group over half of L1d) moved the 35x35 and
 * 17x17 1x1 layers to 2x12: 0-16% slower against oneDNN there, as were AuxLogits.conv0 (from 4x6)
 * and Mixed_6c.branch7x7_1 (from 5x5). */
static double step_cycles(int64_t g, int64_t p)
{
    return 0.5 * (double)(g * p) + 1.5 * (double)g + 0.5 * (double)p;
}

static void shape_tiles(ib512_conv_plan *pl, const ib_conv_desc *c)
{
    const int cols = pl->walk == IB512_WALK_COLS, flat = pl->walk == IB512_WALK_FLAT;
    pl->lines = flat ? 1 : cols ? c->ow : c->oh;
    pl->line_px = flat ? c->oh * c->ow : cols ? c->oh : c->ow;
    pl->line_step = cols ? 1 : pl->line_px;
    pl->px_step = cols ? c->ow : 1;
    pl->tiles_per_line = ib512_cdiv(pl->line_px, pl->p);
    pl->ntiles = pl->lines * pl->tiles_per_line;
    pl->tile_base = pl->line_px / pl->tiles_per_line;
    pl->tile_rem = pl->line_px % pl->tiles_per_line;
}

/* Of the taps tile j of a line runs along its span, the pixels whose FMAs the kernel skips
 * because they read padding there (conv_tile's `edge`), summed over the taps: row and column
 * tiles of a blocked source skip the first or the last pixel; rows at stride 1 in w (one
 * pointer) every pixel at one end, up to IB512_CONV_LINE_SKIP_MAX. */
static int64_t edge_skips(const ib512_conv_plan *pl, const ib_conv_desc *c, int64_t j)
{
    const int rows = pl->walk == IB512_WALK_ROWS;
    if (pl->walk == IB512_WALK_FLAT || ib512_conv_plain(c))
        return 0;
    int64_t q0, at[2];
    const int64_t np = ib512_conv_tile_in_line(pl, c->ow, 0, j, &q0, at);
    const int64_t v0 = rows ? at[1] : at[0], s = rows ? c->sw : c->sh;
    const int64_t pad = rows ? c->pl : c->pt, k = rows ? c->kw : c->kh, n = rows ? c->iw : c->ih;
    const int line = rows && s == 1;
    int64_t skips = 0;
    for (int64_t kk = 0; np > 1 && kk < k; kk++) {
        int64_t lead = 0, trail = 0, inside = 0; /* padding pixels at each end, the others */
        for (int64_t v = v0; v < v0 + np; v++) {
            const int64_t x = v * s - pad + kk;
            if (x < 0)
                lead++;
            else if (x >= n)
                trail++;
            else
                inside++;
        }
        if (!inside || (!lead && !trail))
            continue;
        if (!line)
            skips++;
        else if (ib512_conv_line_skips(lead, trail, np))
            skips += lead + trail;
    }
    return skips;
}

/* Modelled cycles of the whole convolution with tile t, across rows or not. Per tap of each
 * tile: icn steps of every group, and the per-pixel address work (about 2 + 1.5 p cycles). */
static double model_cycles(const ib_conv_desc *c, ib512_conv_plan *pl)
{
    shape_tiles(pl, c);
    const int64_t last_g = pl->ocb - (pl->ngroups - 1) * pl->g;
    double cycles = 0;
    for (int64_t line = 0; line < pl->lines; line++)
        for (int64_t j = 0; j < pl->tiles_per_line; j++) {
            int64_t np;
            const double taps = (double)ib512_conv_tile_taps(pl, c, line, j, &np);
            const double skips = (double)(ib512_conv_line_taps(pl, c, line) * edge_skips(pl, c, j));
            /* steps of every group at np pixels, at np - 1: a step is linear in its pixels, so
             * each skipped pixel saves the difference */
            double groups[2];
            for (int e = 0; e < 2; e++)
                groups[e] = (double)(pl->ngroups - 1) * step_cycles(pl->g, np - e) +
                            step_cycles(last_g, np - e);
            cycles +=
                taps * ((double)pl->icn * groups[0] + (double)pl->ngroups * (2.0 + 1.5 * np)) -
                skips * (double)pl->icn * (groups[0] - groups[1]);
        }
    return cycles * (double)pl->icb;
}

/* Whether tile t may run in this walk. 3x9 runs a 17-pixel column (the padded 1x7s at 17x17) as
 * 9 + 8 pixels, not 6 + 6 + 5: each weight vector it streams from L2 feeds 9 FMAs, not 6.
 * Measured on the Xeon (ours / oneDNN brgconv, plans against each other, 8 alternations), in
 * the one-pointer column kind (conv.c's KIND_COLS_LINE): against 4x6 columns Mixed_6c.branch7x7_2
 * 1.066 -> 0.992 and Mixed_6b.branch7x7_2 1.050 -> 1.023; before that kind, 2-3% faster with 12
 * output blocks and 4.5% slower with 8. The model also chose it where it lost: rows
 * and flat tiles up to 8.5% (7x1s, 35x35 3x3s, 1x1s; the 17x17 stride-2 3x3s gained 1-1.5%),
 * columns of the 35x35 3x3s padded on every side 3% (whose ends read padding rows, checked per
 * pixel). So it is offered to columns without padding rows only. */
static int tile_offered(const ib_conv_desc *c, int t, int walk)
{
    return t != IB512_CONV_TILE_3x9 || (walk == IB512_WALK_COLS && c->pt == 0 && c->pb == 0);
}

/* The tile and the pixel walk of least modelled time; ties keep the earlier table entry and
 * walk. Flat needs no column padding (a tile's taps are then one offset from its first, its
 * pixels' rows checked only near padding rows); columns only pay where padding is (they can skip
 * taps rows cannot). Rows and flat tie where they cut the same tiles (rows as wide as a tile, as
 * at 8x8); at stride 1 in w flat goes first there: its tiles run each tap from one pointer at
 * constant offsets, where a row tile's taps carry the variants that skip padding pixels (the 8x8
 * 3x1s with 3x8 tiles: flat 0.94-0.96 x rows on the Xeon, 3 runs of 12-16 alternations; the 8x8
 * 1x1s run the pointwise kind either way). At stride 2 rows stay first (conv.c's
 * KIND_ROWS_STRIDED, the 17x17 -> 8x8 reductions: flat measured the same, 0.99). */
static void choose_tile(ib512_conv_plan *pl, const ib_conv_desc *c)
{
    double best = -1;
    ib512_conv_plan t = *pl, keep = *pl;
    static const int walk_order[2][3] = {
        {IB512_WALK_ROWS, IB512_WALK_FLAT, IB512_WALK_COLS}, /* stride 2 or more in w */
        {IB512_WALK_FLAT, IB512_WALK_ROWS, IB512_WALK_COLS}, /* stride 1 in w */
    };
    const int *walks = walk_order[c->sw == 1];
    for (int i = 0; i < IB512_CONV_NTILES; i++)
        for (int k = 0; k < 3; k++) {
            const int walk = walks[k];
            if (walk == IB512_WALK_FLAT && (c->pl > 0 || c->pr > 0 || c->oh == 1))
                continue;
            if (walk == IB512_WALK_COLS && ib512_conv_unpadded(c))
                continue;
            if (!tile_offered(c, i, walk))
                continue;
            t.tile = i;
            t.g = tiles[i].g;
            t.p = tiles[i].p;
            t.walk = walk;
            t.ngroups = ib512_cdiv(t.ocb, t.g);
            const double m = model_cycles(c, &t);
            if (best < 0 || m < best * 0.999) {
                best = m;
                keep = t;
            }
        }
    *pl = keep;
}

/* Reduction chunks: as many rows as keep one group's weights of a chunk in a quarter of L2
 * (the rest holds the input of a pixel block), so the tiles after the first read them from L2
 * rather than L3; partial sums go through the output between chunks. Measured on the Xeon:
 * chunks sized for L1d (24 KiB) lose more to the partial sums' round trips than they gain, as
 * L2 feeds one tile's weights (G vectors per G*P FMAs) fast enough. Measured again on the 35x35
 * and 17x17 1x1 layers (36-192 KiB per group): chunks of half of L1d ran 2-7% slower against
 * oneDNN than one chunk; run over batches of 8 tiles at a time (a batch's partial sums stay in
 * L1, and it reads each chunk's weights from L2 once), 24 KiB chunks of the 35x35 and 17x17
 * 1x1s measured within the noise of one chunk (2 runs), 16 KiB chunks over 16 tiles 3-8%
 * slower. Software prefetch of the next rows' weights and input into L1 in the 1x1 tiles
 * gained nothing measurable either (the next chunk's weights into L2 did, where the weights
 * overflow L2: choose_prefetch).
 * On the 3x3s: chunks of half of L1d (2 rows, 18-24 KiB) took Conv2d_4a_3x3 (135 KiB per
 * group) from 0.96 to 1.06 x oneDNN brgconv (median of 3 old/new alternations; run inside batches
 * of 8 tiles whose partial sums stay in L1, 0.92 to 1.00 in one), Conv2d_2b_3x3,
 * Mixed_5b.branch3x3dbl_3 and Mixed_6a.branch3x3 (486 KiB) within the noise. An eighth of L2 for
 * spatial kernels (2-4 chunks on 10 layers), one alternation: 7x1/1x7s 0.91-1.10 to 0.93-0.98,
 * AuxLogits.conv1 0.92 to 0.89, the 3x3s and Mixed_5b.branch5x5_2 0.89-1.02 to 1.05-1.16; for the
 * 7x1/1x7s alone, 4 alternations: within the noise. Neither is kept. */
static void choose_chunks(ib512_conv_plan *pl, const ib_conv_desc *c)
{
    const int64_t row_bytes = c->kw * pl->icn * pl->g * IB512_V * (int64_t)sizeof(float);
    pl->rows = pl->icb * c->kh;
    int64_t per = pl->caches.l2 / 4 / row_bytes;
    per = per < 1 ? 1 : per > pl->rows ? pl->rows : per;
    pl->nchunks = ib512_cdiv(pl->rows, per);
    pl->rows_per_chunk = ib512_cdiv(pl->rows, pl->nchunks);
    pl->chunk_bytes = pl->rows_per_chunk * row_bytes;
}

/* A short reduction per tile runs each tap's channels in a loop (see IB512_CONV_SHORT_TAPS):
 * the flat tiles of a blocked source whose pixels' inputs lie one pixel apart. */
static void choose_loop(ib512_conv_plan *pl, const ib_conv_desc *c)
{
    pl->short_loop = !ib512_conv_plain(c) && pl->walk == IB512_WALK_FLAT &&
                     pl->rows_per_chunk * c->kw <= IB512_CONV_SHORT_TAPS;
}

/* The packed weights of every group. */
static int64_t plan_weight_bytes(const ib512_conv_plan *pl, const ib_conv_desc *c)
{
    return pl->ocb * IB512_V * pl->icb * pl->icn * c->kh * c->kw * (int64_t)sizeof(float);
}

/* Pixel blocks and loop order, from the bytes each order moves beyond L2: groups outer reads
 * the input once per group unless the image's input fits in half of L2; blocks outer reads
 * every weight once per block unless they all fit. The blocks are for L2 only: the threads cut
 * the work between tiles at exec time (arch/avx512/conv_split.h), whatever the unit count. */
static void choose_blocks(ib512_conv_plan *pl, const ib_conv_desc *c)
{
    const int64_t fl = (int64_t)sizeof(float);
    const int64_t in_bytes = pl->icb * pl->icn * c->ih * c->iw * fl;
    const int64_t w_bytes = plan_weight_bytes(pl, c);
    const int64_t budget = pl->caches.l2 / 2;
    const int64_t px_bytes = in_bytes / (c->oh * c->ow) + 1; /* input per output pixel */

    int64_t tpb = budget / (px_bytes * pl->p);
    tpb = tpb < 1 ? 1 : min64(tpb, pl->ntiles);
    const int64_t nb = ib512_cdiv(pl->ntiles, tpb);
    const double groups_outer =
        (double)w_bytes + (double)in_bytes * (in_bytes <= budget ? 1.0 : (double)pl->ngroups);
    const double blocks_outer =
        (double)in_bytes + (double)w_bytes * (w_bytes <= budget ? 1.0 : (double)nb);
    pl->order = blocks_outer < groups_outer ? IB512_ORDER_BLOCKS_OUTER : IB512_ORDER_GROUPS_OUTER;
    pl->nblocks = pl->order == IB512_ORDER_BLOCKS_OUTER ? nb : 1;
    pl->tiles_per_block = ib512_cdiv(pl->ntiles, pl->nblocks);
    pl->nblocks = ib512_cdiv(pl->ntiles, pl->tiles_per_block);
    pl->block_bytes = pl->tiles_per_block * pl->p * px_bytes;
}

/* The 8x8 1x1s with 1280 and 2048 input channels stream 1.6-3.7 MiB of weights, more than L2
 * holds beside the input: each group's chunk comes from L3 for the first of its 8 tiles, and
 * reading it once per group leaves its line fills exposed. Where the weights do not all fit in
 * half of L2, the pointwise tiles prefetch the next chunk's weights into L2 (prefetcht1), a few
 * lines per reduction row. Measured on the Xeon (ours against ours, pinned, 6 alternations of the
 * builds): Mixed_7c.branch1x1, branch3x3_1 and branch3x3dbl_1 and Mixed_7b.branch3x3dbl_1
 * 0.966-0.979, the other 8x8 1x1s (their 192-384 channels: 1.0-2.0 MiB) within the noise. Not
 * kept: the same in the spatial kinds' row loop, which took Mixed_7b.branch3x3dbl_2 (6 MiB)
 * 2% faster but cost the row kinds' register allocation 2-5% (Mixed_6a.branch3x3 and
 * Mixed_7a.branch3x3_2 1.02-1.03, and layers that prefetch nothing); and a burst before each
 * tile instead: the 8x8 layers 3-12% slower, the loads behind a burst wait for it. */
static void choose_prefetch(ib512_conv_plan *pl, const ib_conv_desc *c)
{
    pl->prefetch = ib512_conv_runs_pointwise(pl, c) && plan_weight_bytes(pl, c) > pl->caches.l2 / 2;
}

ib512_conv_plan IB_AVX512_SYM(ib512_conv_plan_make)(const ib_conv_desc *c, const ib512_caches *cs)
{
    ib512_conv_plan pl = {0};
    pl.caches.l1d = cs && cs->l1d > 0 ? cs->l1d : default_caches.l1d;
    pl.caches.l2 = cs && cs->l2 > 0 ? cs->l2 : default_caches.l2;
    pl.caches.l3 = cs && cs->l3 > 0 ? cs->l3 : default_caches.l3;
    const int plain = ib512_conv_plain(c);
    pl.icb = plain ? 1 : ib512_blocks(c->ic);
    pl.icn = plain ? c->ic : IB512_V;
    pl.ocb = ib512_blocks(c->oc);
    choose_tile(&pl, c);
    shape_tiles(&pl, c);
    choose_chunks(&pl, c);
    choose_loop(&pl, c);
    choose_blocks(&pl, c);
    choose_prefetch(&pl, c);
    return pl;
}

static const char *const walk_names[] = {"rows", "flat", "columns"};
static const char *const line_names[] = {"row", "image", "column"};

int IB_AVX512_SYM(ib512_conv_plan_describe)(const ib512_conv_plan *pl, char *buf, size_t n)
{
    char loop[40] = "unrolled";
    if (pl->short_loop)
        snprintf(loop, sizeof loop, "in loops of %d channels", IB512_CONV_SHORT_STEPS);
    return snprintf(
        buf, n,
        "tile %dx%d %s (%lld tiles of <= %d px per %lld-px %s), %lld oc groups; "
        "reduction %lld rows in %lld chunks of %lld (%.1f KiB weights per group), "
        "taps %s%s; "
        "%lld pixel blocks of %lld tiles (%.1f KiB input), %s outer (L2 %lld KiB)",
        pl->g, pl->p, walk_names[pl->walk], (long long)pl->tiles_per_line, pl->p,
        (long long)pl->line_px, line_names[pl->walk], (long long)pl->ngroups, (long long)pl->rows,
        (long long)pl->nchunks, (long long)pl->rows_per_chunk, (double)pl->chunk_bytes / 1024.0,
        loop, pl->prefetch ? ", the next chunk's weights prefetched into L2" : "",
        (long long)pl->nblocks, (long long)pl->tiles_per_block, (double)pl->block_bytes / 1024.0,
        pl->order == IB512_ORDER_BLOCKS_OUTER ? "blocks" : "groups",
        (long long)(pl->caches.l2 >> 10));
}
