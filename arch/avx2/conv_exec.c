/* AVX2 direct convolution: the exec, splitting work over images, oc groups and pixel ranges. */
#include <omp.h>

#include "arch/avx2/conv.h"

static int64_t round_up(int64_t x, int64_t m)
{
    return (x + m - 1) / m * m;
}

/* Splits the q pixels into *npb ranges of *pb (the last may be shorter): no range above the
 * plan's pbmax, so that a range's data stays in L2, and with several threads enough work
 * items that they share it evenly (at least 90% of the ideal). */
static void split_pixels(const ib_avx2_conv_plan *p, int64_t outer, int nthr, int64_t *npb,
                         int64_t *pb)
{
    const int64_t q = p->q, align = p->palign;
    int64_t n = (q + p->pbmax - 1) / p->pbmax;
    int64_t size = round_up((q + n - 1) / n, align);
    for (; nthr > 1; n++) {
        const int64_t s = round_up((q + n - 1) / n, align);
        const int64_t real = (q + s - 1) / s; /* ranges of size s actually needed */
        const int64_t items = outer * real, rounds = (items + nthr - 1) / nthr;
        if (s < 2 * align && n > 1)
            break; /* ranges too small to be worth it: keep the last good split */
        size = s;
        if (10 * items >= 9 * rounds * nthr)
            break;
    }
    *pb = size;
    *npb = (q + size - 1) / size;
}

/* What every (work item, chunk) step of one exec shares. A work item is one image's pixel
 * range for one oc group. */
typedef struct exec_ctx {
    const ib_conv_desc *c;
    const ib_avx2_conv_plan *p;
    ib_avx2_conv_geom g;
    const float *w, *bias, *src;
    float *dst;
    int64_t src_img, dst_img, nchunks, npb, pb;
    const ib_avx2_conv_range_fn *ranges;
} exec_ctx;

/* Item it's group: its first output block and its size. */
static void item_group(const exec_ctx *x, int64_t it, int64_t *b0, int64_t *jg)
{
    const int64_t gi = it % x->p->groups;
    *b0 = ib_avx2_conv_gstart(x->p, gi);
    *jg = ib_avx2_conv_gsize(x->p, gi);
}

/* The weights of item it's group for chunk ch, from the chunk's first kernel row. */
static const float *chunk_weights(const exec_ctx *x, int64_t it, int64_t ch)
{
    const ib_avx2_conv_plan *p = x->p;
    int64_t b0, jg;
    item_group(x, it, &b0, &jg);
    const int64_t k0 = ch / p->rsplit * p->kchunk, ky0 = ch % p->rsplit * x->c->kh / p->rsplit;
    return x->w + b0 * p->icb * p->wblk + k0 * jg * p->wblk + ky0 * x->c->kw * p->cb * jg * 8;
}

/* Item it over chunk ch; the weights at next (the step after this one) are prefetched
 * meanwhile. */
static void run_step(const exec_ctx *x, int64_t it, int64_t ch, const float *next)
{
    const ib_avx2_conv_plan *p = x->p;
    const int64_t r = it / p->groups % x->npb, n = it / p->groups / x->npb;
    int64_t b0, jg;
    item_group(x, it, &b0, &jg);
    const int64_t k0 = ch / p->rsplit * p->kchunk, part = ch % p->rsplit;
    const int64_t k1 = k0 + p->kchunk < p->icb ? k0 + p->kchunk : p->icb;
    const float *wend = x->w + p->wfloats;
    ib_avx2_conv_tile_args a = {
        .src = x->src + n * x->src_img + k0 * x->g.sbs,
        .w = chunk_weights(x, it, ch),
        .wpf = next ? next : wend,
        .dst = x->dst + n * x->dst_img + b0 * x->g.dbs,
        .bias = x->bias + b0 * 8,
        .q0 = r * x->pb,
        .q1 = r * x->pb + x->pb < p->q ? r * x->pb + x->pb : p->q,
        .nblk = k1 - k0,
        .lastcnt = k1 == p->icb ? p->ctail : p->cb,
        .ky0 = part * x->c->kh / p->rsplit,
        .ky1 = (part + 1) * x->c->kh / p->rsplit,
        .first = ch == 0,
        .last = ch == x->nchunks - 1,
    };
    a.wpf_end = a.wpf + p->kchunk * IB_CONV_JMAX * p->wblk;
    if (a.wpf_end > wend)
        a.wpf_end = wend;
    x->ranges[jg](&x->g, &a);
}

/* Items [i0, i1) of one thread. Each item through all its chunks in turn; or, with chunks
 * outside the groups, for each run of items over one pixel range (the range's groups) the
 * chunks in turn, each through all the run's items, whose inputs it then reads from L1. */
static void run_items(const exec_ctx *x, int64_t i0, int64_t i1)
{
    const int64_t groups = x->p->groups, nch = x->nchunks;
    if (!x->p->chunks_outer) {
        for (int64_t it = i0; it < i1; it++)
            for (int64_t ch = 0; ch < nch; ch++) {
                const int64_t nit = ch + 1 < nch ? it : it + 1, nch1 = ch + 1 < nch ? ch + 1 : 0;
                run_step(x, it, ch, nit < i1 ? chunk_weights(x, nit, nch1) : NULL);
            }
        return;
    }
    for (int64_t r0 = i0; r0 < i1;) {
        const int64_t r1 = (r0 / groups + 1) * groups < i1 ? (r0 / groups + 1) * groups : i1;
        for (int64_t ch = 0; ch < nch; ch++)
            for (int64_t it = r0; it < r1; it++) {
                const float *next = NULL;
                if (it + 1 < r1)
                    next = chunk_weights(x, it + 1, ch);
                else if (ch + 1 < nch)
                    next = chunk_weights(x, r0, ch + 1);
                else if (r1 < i1)
                    next = chunk_weights(x, r1, 0);
                run_step(x, it, ch, next);
            }
        r0 = r1;
    }
}

void ib_avx2_conv_exec(const ib_desc *d, const void *packed, const float *const *src,
                       float *const *dst)
{
    const ib_conv_desc *c = &d->conv;
    const ib_avx2_conv_plan *p = packed;
    const float *w = (const float *)((const char *)packed + IB_AVX2_CONV_HEAD);
    exec_ctx x = {
        .c = c,
        .p = p,
        .g =
            {
                .ih = c->ih,
                .iw = c->iw,
                .ow = c->ow,
                .kh = c->kh,
                .kw = c->kw,
                .sh = c->sh,
                .sw = c->sw,
                .pt = c->pt,
                .pl = c->pl,
                .sbs = c->ih * c->iw * p->cb,
                .dbs = p->q * 8,
                .relu = c->relu,
            },
        .w = w,
        .bias = w + p->wfloats,
        .src = src[0],
        .dst = dst[0],
        .nchunks = (p->icb + p->kchunk - 1) / p->kchunk * p->rsplit,
        .ranges = ib_avx2_conv_ranges[ib_avx2_conv_kind(c)],
    };
    x.src_img = p->icb * x.g.sbs;
    x.dst_img = p->ocb * x.g.dbs;

    const int nthr = omp_get_max_threads();
    split_pixels(p, c->n * p->groups, nthr, &x.npb, &x.pb);
    /* Items in order image, pixel range, group: groups innermost, so a pixel range's inputs
     * stay in cache while every group passes over them (and each group's weights follow the
     * previous group's in memory). Each thread takes an even contiguous share. */
    const int64_t items = c->n * p->groups * x.npb;
#pragma omp parallel if (nthr > 1 && items > 1)
    {
        const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
        run_items(&x, items * t / nt, items * (t + 1) / nt);
    }
}
