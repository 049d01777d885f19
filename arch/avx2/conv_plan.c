/* AVX2 direct convolution: the blocking plan from the descriptor and the cache sizes. */
#include "arch/avx2/conv_plan.h"

#include <stdio.h>

/* When detection found no size: the smallest of the machines this runs on (Zen 3). */
enum { DEFAULT_L1D = 32 << 10, DEFAULT_L2 = 512 << 10 };

/* The L1d and L2 sizes the plan blocks for: as detected (or pretended), else the defaults. */
static int64_t plan_l1d(const ib_avx2_conv_plan *p)
{
    return p->caches.l1d > 0 ? p->caches.l1d : DEFAULT_L1D;
}
static int64_t plan_l2(const ib_avx2_conv_plan *p)
{
    return p->caches.l2 > 0 ? p->caches.l2 : DEFAULT_L2;
}

/* Even chunks of at most k input blocks (k at least 1): the fewest, as even as the blocks allow. */
static void plan_even_chunks(ib_avx2_conv_plan *p, int64_t k)
{
    const int64_t chunks = (p->icb + k - 1) / k;
    p->kchunk = (p->icb + chunks - 1) / chunks;
}

/* The image's pixels up to whole tiles of every width: pbmax for one range. */
static int64_t image_pixels(const ib_avx2_conv_plan *p)
{
    return (p->q + p->palign - 1) / p->palign * p->palign;
}

/* The weights overflow half of L2: they do not stay there from one pixel range to the next. */
static int weights_leave_l2(const ib_avx2_conv_plan *p)
{
    return p->wfloats * (int64_t)sizeof(float) > plan_l2(p) / 2;
}

static int64_t gcd(int64_t a, int64_t b)
{
    while (b) {
        const int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Least common multiple of the tiles' P: pixel ranges are whole tiles of every width. */
static int64_t pixel_align(void)
{
    int64_t a = 1;
#define IB_AVX2_CONV_LCM_(J, P) a = a / gcd(a, (P)) * (P);
    IB_AVX2_CONV_TILES(IB_AVX2_CONV_LCM_)
#undef IB_AVX2_CONV_LCM_
    return a;
}

/* Balanced groups of at most jmax blocks: 10 blocks in groups of 4 -> 4,3,3 rather than
 * 4,4,2. */
static void plan_groups(ib_avx2_conv_plan *p, int64_t jmax)
{
    p->groups = (p->ocb + jmax - 1) / jmax;
    p->gbase = p->ocb / p->groups;
    p->gextra = p->ocb % p->groups;
}

/* FMA issue slots one step (one input channel) of a J x n tile takes: its J*n FMAs, but never
 * fewer than the FMAs in flight that hide the latency (each accumulator waits for its last
 * FMA): a tile with fewer accumulators leaves slots idle. */
static int64_t step_slots(int64_t j, int64_t n)
{
    return j * n > IB_AVX2_FMA_INFLIGHT ? j * n : IB_AVX2_FMA_INFLIGHT;
}

/* FMA slots per input channel of the ocb output blocks over q pixels, in groups of at most
 * jmax blocks: each group's tiles, and the shorter last tile of its pixels. */
static int64_t groups_slots(int64_t ocb, int64_t q, int64_t jmax)
{
    ib_avx2_conv_plan g = {.ocb = ocb};
    plan_groups(&g, jmax);
    int64_t slots = 0;
    for (int64_t i = 0; i < g.groups; i++) {
        const int64_t j = ib_avx2_conv_gsize(&g, i), pw = ib_avx2_conv_tile_p(j);
        slots += q / pw * step_slots(j, pw) + (q % pw ? step_slots(j, q % pw) : 0);
    }
    return slots;
}

/* The main tile's J: the groups of a direct convolution, whose border tiles (skipped taps)
 * the count below does not see (3x4 groups measured 1-2% slower than 4x3 on the 8x8 3x3 and
 * stride-2 layers). */
static int64_t main_j(void)
{
#define IB_AVX2_CONV_J_(J, P) return (J);
    IB_AVX2_CONV_TILE_MAIN(IB_AVX2_CONV_J_)
#undef IB_AVX2_CONV_J_
}

/* The largest group (a tile's J) of the 1x1 path for ocb output blocks over q pixels: the one
 * whose tiles waste the fewest FMA slots, the main tile's on a tie (the fewest groups, each of
 * which reads the input again). On 8x8 (64 pixels) the 4x3 tile leaves a 1-pixel tile in
 * every group, 4 accumulators for 8 slots; 3x4 tiles cover 64 exactly. */
static int64_t group_size(int64_t ocb, int64_t q)
{
    int64_t best = 0, best_slots = 0;
#define IB_AVX2_CONV_TRY_(J, P)                                                                    \
    {                                                                                              \
        const int64_t s = groups_slots(ocb, q, (J));                                               \
        if (!best || s < best_slots) {                                                             \
            best = (J);                                                                            \
            best_slots = s;                                                                        \
        }                                                                                          \
    }
    IB_AVX2_CONV_TILES(IB_AVX2_CONV_TRY_)
#undef IB_AVX2_CONV_TRY_
    return best;
}

/* Input blocks per chunk (or the parts of one block's kernel rows, when even one block is
 * too big) so that what a tile uses over and over stays in L1: one group's weights of the
 * chunk, and the tile's window of the chunk's input channels; a quarter of L1 is left for
 * the partial sums and the lines the tiles stream (an eighth measured the same here, and
 * would keep a 5x5 block whole in a 32 KiB L1d, at 85% of it). (Counting the kh input rows the
 * tiles slide along instead of the window made chunks of one block on the 147x147 layers, measured
 * 5-8% slower.)
 * When even one block's weights overflow that (a 5x5 for 4 output blocks on a 32 KiB L1d), the
 * tiles read them from L2 whatever the chunk, so a chunk holds the blocks whose weights fit a
 * quarter of L2 (as the AVX-512 plan's chunks do), and the partial sums go through the output
 * once per chunk. Mixed_5b.branch5x5_2 on a 1 MiB L2 (one chunk of 6 blocks) against oneDNN
 * jit:avx2, 3 alternating processes: 1.047 with each block's 5 kernel rows in 2 parts, 1.022 with
 * chunks of 1 block, 1.012 of 3 (what a 512 KiB L2 gets), 1.005 of 6 (as chosen); the 7x7s of
 * the factorization report (128-192 channels, 17x17) 0.99 -> 0.95-0.97, AuxLogits.conv1's 5x5
 * 1.02 -> 0.86. Chunking every layer that way instead measured 0.973 -> 0.972 over the 43
 * shapes: the 3x3, 5x5 and 7x1 layers 1-3% faster, the 1x1s and the stem's 3x3s 1-3% slower.
 * Only when L2 cannot hold one block either are its kernel rows split.
 * The 1x1 path's weights get half of L1, not three quarters: its tiles read their pixels of every
 * block of the chunk once and move on (a direct tile's window slides along rows its neighbours read
 * too), a stream that needs room of its own. On Zen 3 (32 KiB L1d), in one process beside the same
 * shape under the old plan, interleaved, medians of 6 processes: chunks of 12 blocks instead of
 * 24 (192 -> 48 at 35x35) 0.895, 12 of 18 (288 -> 64) 0.946, 12 of 20 (768 -> 192, 128 at 17x17)
 * 0.944, 0.950; the same half for the direct kinds measured 1.04-1.17 on their 3x3, 1x7, 7x1 and
 * stride-2 shapes. */
static void plan_chunks(ib_avx2_conv_plan *p, const ib_conv_desc *c, int64_t jmax)
{
    const int64_t l1 = plan_l1d(p);
    const int64_t l2 = plan_l2(p);
    const int64_t budget = p->pointwise ? l1 / 2 : l1 - l1 / 4;
    const int64_t row_w = c->kw * p->cb * jmax * 8 * (int64_t)sizeof(float); /* weights */
    /* inputs: one tile's window of a kernel row (the rows the tiles slide along come from L2) */
    const int64_t row_in = (IB_CONV_PMAX * c->sw + c->kw) * p->cb * (int64_t)sizeof(float);
    const int64_t row_bytes = row_w + row_in;
    int64_t k = budget / (c->kh * row_bytes);
    p->rsplit = 1;
    if (k < 1) {
        k = l2 / 4 / (c->kh * row_w);
        p->chunks_l2 = k >= 1;
    }
    if (k < 1) {
        k = 1;
        /* Rows of a plain source are not split: its blocks are single channels, small. */
        if (!p->plain) {
            const int64_t rows = budget / row_bytes > 1 ? budget / row_bytes : 1;
            p->rsplit = (c->kh + rows - 1) / rows;
        }
    }
    /* The stem's tile unrolls its 3 channels: they are one chunk, whatever the caches. */
    if (k > p->icb || ib_avx2_conv_stem(c))
        k = p->icb;
    plan_even_chunks(p, k);
}

/* Pixels per work item: a range's inputs (every input channel: each oc group reads them
 * again) and its partial sums take at most half of L2. */
static void plan_pixels(ib_avx2_conv_plan *p, const ib_conv_desc *c, int64_t jmax)
{
    const int64_t l2 = plan_l2(p);
    const int64_t align = pixel_align();
    const int64_t per_px = (jmax * 8 + c->ic * c->sh * c->sw) * (int64_t)sizeof(float);
    int64_t pb = l2 / 2 / per_px / align * align;
    p->pbmax = pb < 2 * align ? 2 * align : pb;
    p->palign = align;
}

/* The 1x1 path on a small image (8x8): chunks outermost, every group inside, when a chunk of
 * at least IB_AVX2_CONV_MIN_BLOCKS input blocks over all the pixels fits in L1 beside one
 * group's weights of it, and every group's partial sums in half of L2. Each chunk's inputs are
 * then read from L2 once and stay in L1 while all the groups pass over them, instead of every
 * group reading the whole input again (on a 512 KiB L2 the 2048 channels of 8x8 fill it, so
 * each group read them from L3), and the image is one range, so the weights stream once
 * (ranges of 24 pixels read them three times there).
 * The same order serves weights too big to stay in L2 from one pixel range to the next (more
 * than half of it), which ranges would read again from L3 each: over one range they are read
 * once, with the chunks as planned for L1 (at least IB_AVX2_CONV_MIN_BLOCKS blocks), when a
 * chunk's inputs over all the pixels and every group's partial sums fit three quarters of L2;
 * the groups then read the chunk's inputs from L2. On Zen 3's 512 KiB L2 that is the 17x17 1x1s
 * from 768 channels (384-576 KiB of weights): each beside itself under ranges of 60 pixels, in
 * one process, interleaved, medians of 8 processes: 768 -> 192 0.965, -> 128 0.958, -> 160 0.956
 * (chunks of 8 blocks 0.97-0.98).
 * Measured on Zen 3 for the 8x8 1x1s from 1280 and 2048 channels (which stay 1-5% behind
 * oneDNN's jit_1x1 there) and not kept, each beside this plan in one process, medians of 5
 * processes: the groups in batches of 2-4 whose partial sums stay in L1, with chunks of 4-8
 * blocks to make room, 1.01-1.07; the pixels in two ranges of 36 with chunks of 12-16 blocks,
 * 1.06-1.09 (each range reads the weights again, and fewer tiles share them); chunks of 16
 * blocks over the one range, 0.98-1.005 (within the noise); the next step's weights
 * prefetched into L1 instead of L2, or two steps ahead, 0.98-1.04 (within the noise). */
static void plan_chunks_outer(ib_avx2_conv_plan *p, int64_t jmax)
{
    const int64_t l1 = plan_l1d(p);
    const int64_t l2 = plan_l2(p);
    const int64_t px_bytes = p->q * 8 * (int64_t)sizeof(float); /* one block over all pixels */
    const int64_t sums = p->ocb * px_bytes;
    const int64_t k = (l1 - l1 / 4) / (jmax * 8 * 8 * (int64_t)sizeof(float) + px_bytes);
    const int small_image = k >= IB_AVX2_CONV_MIN_BLOCKS && sums + k * px_bytes <= l2 / 2;
    const int big_weights = weights_leave_l2(p) && p->rsplit == 1 && !p->chunks_l2 &&
                            p->kchunk >= IB_AVX2_CONV_MIN_BLOCKS &&
                            sums + p->kchunk * px_bytes <= l2 - l2 / 4;
    if (small_image)
        plan_even_chunks(p, k < p->icb ? k : p->icb);
    else if (!big_weights)
        return; /* the chunks as planned for L1 */
    p->rsplit = 1;
    p->chunks_outer = 1;
    p->pbmax = image_pixels(p);
}

/* Ranges keep a range's inputs in L2 while every group passes over them, but each range reads
 * the weights again, from beyond L2 when they overflow half of it; over one range the weights
 * are read once and every group reads the image's inputs instead. Ranges stay unless they move
 * more bytes that way: Mixed_6a.branch3x3 (288 -> 384, 3x3 stride 2, 4 MiB of weights, 1.4 MiB
 * of inputs) on Zen 3's 512 KiB L2 in 7 ranges read 28 MiB per image, in one 17 MiB, and ran
 * 0.89 and 0.90 of the time (beside itself under the ranges, in one process, interleaved,
 * medians of 4, 6 and 6 processes: 0.87 in the third), Mixed_6e's 7x1 and 1x7 192 -> 192 (2 MiB
 * against 1.3) 0.97 and 1.00 (8 processes), Mixed_5b.branch5x5_2 (0.6 against 0.5) 1.00-1.02;
 * kept in ranges, Conv2d_4a_3x3 (5 MiB against 10) measured the same either way and the 35x35 3x3
 * 96 -> 96 (1 against 1.4) 1.11 in one range. */
static void plan_one_range(ib_avx2_conv_plan *p, const ib_conv_desc *c)
{
    const int64_t wbytes = p->wfloats * (int64_t)sizeof(float);
    const int64_t ibytes = c->ic * c->ih * c->iw * (int64_t)sizeof(float);
    const int64_t n = (p->q + p->pbmax - 1) / p->pbmax;
    if (n > 1 && weights_leave_l2(p) && n * wbytes > p->groups * ibytes)
        p->pbmax = image_pixels(p);
}

/* The fewest ranges of at most pbmax pixels, as even as whole tiles of every width allow. The
 * threads split the work at exec time, between tiles (conv_exec.c): the ranges do not depend on
 * their count. */
static void plan_ranges(ib_avx2_conv_plan *p)
{
    const int64_t n = (p->q + p->pbmax - 1) / p->pbmax;
    p->pb = ((p->q + n - 1) / n + p->palign - 1) / p->palign * p->palign;
    p->nranges = (p->q + p->pb - 1) / p->pb;
}

void ib_avx2_conv_plan_of(const ib_conv_desc *c, const ib_avx2_conv_caches *k, ib_avx2_conv_plan *p)
{
    *p = (ib_avx2_conv_plan){.caches = *k};
    p->plain = ib_avx2_conv_plain(c);
    p->pointwise = ib_avx2_conv_pointwise(c);
    p->icb = p->plain ? c->ic : (c->ic + 7) / 8;
    p->cb = p->plain ? 1 : 8;
    p->ctail = p->plain ? 1 : c->ic - (p->icb - 1) * 8;
    p->ocb = (c->oc + 7) / 8;
    p->q = c->oh * c->ow;
    plan_groups(p, p->pointwise ? group_size(p->ocb, p->q) : main_j());
    p->taps = c->kh * c->kw;
    p->wblk = p->taps * p->cb * 8;
    p->wfloats = p->ocb * p->icb * p->wblk;
    const int64_t jmax = p->gbase + (p->gextra > 0);
    plan_chunks(p, c, jmax);
    plan_pixels(p, c, jmax);
    if (p->pointwise)
        plan_chunks_outer(p, jmax);
    plan_one_range(p, c);
    plan_ranges(p);
}

int ib_avx2_conv_plan_str(const ib_avx2_conv_plan *p, char *buf, size_t n)
{
    const int64_t jmax = p->gbase + (p->gextra > 0);
    char groups[48];
    if (p->gextra)
        snprintf(groups, sizeof groups, "%lldx%lld+%lldx%lld", (long long)p->gextra,
                 (long long)jmax, (long long)(p->groups - p->gextra), (long long)p->gbase);
    else
        snprintf(groups, sizeof groups, "%lldx%lld", (long long)p->groups, (long long)p->gbase);
    char chunk[64];
    if (p->rsplit > 1)
        snprintf(chunk, sizeof chunk, "1 block in %lld parts of its kernel rows",
                 (long long)p->rsplit);
    else
        snprintf(chunk, sizeof chunk, "%lld of %lld blocks", (long long)p->kchunk,
                 (long long)p->icb);
    return snprintf(buf, n,
                    "%s; oc groups %s blocks, tile %lldx%d; ic chunk %s (L1d %lld KiB%s)%s; "
                    "pixels %lld in %lld range%s of %lld (L2 %lld KiB)",
                    p->plain       ? "plain NCHW source"
                    : p->pointwise ? "1x1 as matrix multiply"
                                   : "direct",
                    groups, (long long)jmax, ib_avx2_conv_tile_p(jmax), chunk,
                    (long long)(p->caches.l1d >> 10),
                    p->chunks_l2 ? ", a block over it: weights from L2" : "",
                    p->chunks_outer ? ", chunks outside groups" : "", (long long)p->q,
                    (long long)p->nranges, p->nranges > 1 ? "s" : "",
                    (long long)(p->pb < p->q ? p->pb : p->q), (long long)(p->caches.l2 >> 10));
}
