/* AVX2 direct convolution: the blocking plan from the descriptor and the cache sizes. */
#include "arch/avx2/conv_plan.h"

#include <stdio.h>

/* When detection found no size: the smallest of the machines this runs on (Zen 3). */
enum { DEFAULT_L1D = 32 << 10, DEFAULT_L2 = 512 << 10 };

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

/* Input blocks per chunk (or the parts of one block's kernel rows, when even one block is
 * too big) so that what a tile uses over and over stays in L1: one group's weights of the
 * chunk, and the tile's window of the chunk's input channels; a quarter of L1 is left for
 * the partial sums and the lines the tiles stream (an eighth measured the same here, and
 * would keep a 5x5 block whole in a 32 KiB L1d, at 85% of it). (Counting the kh input rows the
 * tiles slide along instead of the window made chunks of one block on the 147x147 layers, measured
 * 5-8% slower.) */
static void plan_chunks(ib_avx2_conv_plan *p, const ib_conv_desc *c, int64_t jmax)
{
    const int64_t l1 = p->caches.l1d > 0 ? p->caches.l1d : DEFAULT_L1D;
    const int64_t budget = l1 - l1 / 4;
    const int64_t row_w = c->kw * p->cb * jmax * 8 * (int64_t)sizeof(float); /* weights */
    /* inputs: one tile's window of a kernel row (the rows the tiles slide along come from L2) */
    const int64_t row_in = (IB_CONV_PMAX * c->sw + c->kw) * p->cb * (int64_t)sizeof(float);
    const int64_t row_bytes = row_w + row_in;
    int64_t k = budget / (c->kh * row_bytes);
    p->rsplit = 1;
    if (k < 1) {
        k = 1;
        /* Rows of a plain source are not split: its blocks are single channels, small. */
        if (!p->plain) {
            const int64_t rows = budget / row_bytes > 1 ? budget / row_bytes : 1;
            p->rsplit = (c->kh + rows - 1) / rows;
        }
    }
    if (k > p->icb)
        k = p->icb;
    const int64_t chunks = (p->icb + k - 1) / k;
    p->kchunk = (p->icb + chunks - 1) / chunks; /* even chunks */
}

/* Pixels per work item: a range's inputs (every input channel: each oc group reads them
 * again) and its partial sums take at most half of L2. */
static void plan_pixels(ib_avx2_conv_plan *p, const ib_conv_desc *c, int64_t jmax)
{
    const int64_t l2 = p->caches.l2 > 0 ? p->caches.l2 : DEFAULT_L2;
    const int64_t align = pixel_align();
    const int64_t per_px = (jmax * 8 + c->ic * c->sh * c->sw) * (int64_t)sizeof(float);
    int64_t pb = l2 / 2 / per_px / align * align;
    p->pbmax = pb < 2 * align ? 2 * align : pb;
    p->palign = align;
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
    /* Balanced groups of at most JMAX blocks: 10 blocks -> 4,3,3 rather than 4,4,2. */
    p->groups = (p->ocb + IB_CONV_JMAX - 1) / IB_CONV_JMAX;
    p->gbase = p->ocb / p->groups;
    p->gextra = p->ocb % p->groups;
    p->taps = c->kh * c->kw;
    p->wblk = p->taps * p->cb * 8;
    p->wfloats = p->ocb * p->icb * p->wblk;
    p->q = c->oh * c->ow;
    const int64_t jmax = p->gbase + (p->gextra > 0);
    plan_chunks(p, c, jmax);
    plan_pixels(p, c, jmax);
}

int ib_avx2_conv_plan_str(const ib_avx2_conv_plan *p, char *buf, size_t n)
{
    const int64_t jmax = p->gbase + (p->gextra > 0);
    const int64_t ranges = (p->q + p->pbmax - 1) / p->pbmax;
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
                    "%s; oc groups %s blocks, tile %lldx%d; ic chunk %s (L1d %lld KiB); "
                    "pixels %lld in %lld range%s of <= %lld (L2 %lld KiB)",
                    p->plain       ? "plain NCHW source"
                    : p->pointwise ? "1x1 as matrix multiply"
                                   : "direct",
                    groups, (long long)jmax, ib_avx2_conv_tile_p(jmax), chunk,
                    (long long)(p->caches.l1d >> 10), (long long)p->q, (long long)ranges,
                    ranges > 1 ? "s" : "", (long long)p->pbmax, (long long)(p->caches.l2 >> 10));
}
