/* AVX2 direct convolution: the exec, splitting work over images, oc groups and pixel ranges. */
#include <omp.h>

#include "arch/avx2/conv.h"
#include "core/conv_fold.h"

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

void ib_avx2_conv_exec(const ib_desc *d, const void *packed, const float *const *src,
                       float *const *dst)
{
    const ib_conv_desc *c = &d->conv;
    const ib_avx2_conv_plan *p = packed;

    const ib_avx2_conv_geom g = {
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
        .bias = ib_conv_folded(c).has_bias,
        .relu = c->relu,
    };
    const float *w = (const float *)((const char *)packed + IB_AVX2_CONV_HEAD);
    const float *bias = w + p->wfloats;
    const int64_t src_img = p->icb * g.sbs;
    const int64_t dst_img = p->ocb * g.dbs;
    const int64_t nchunks = (p->icb + p->kchunk - 1) / p->kchunk * p->rsplit;

    const int nthr = omp_get_max_threads();
    int64_t npb, pb;
    split_pixels(p, c->n * p->groups, nthr, &npb, &pb);
    const int64_t items = c->n * p->groups * npb;
    const ib_avx2_conv_range_fn *ranges = ib_avx2_conv_ranges[ib_avx2_conv_kind(c)];

#pragma omp parallel for schedule(static) if (nthr > 1 && items > 1)
    for (int64_t it = 0; it < items; it++) {
        /* Groups innermost: a pixel range's inputs stay in cache while every group passes
         * over them (and each group's weights follow the previous group's in memory). */
        const int64_t gi = it % p->groups, r = it / p->groups % npb, n = it / p->groups / npb;
        const int64_t b0 = ib_avx2_conv_gstart(p, gi), jg = ib_avx2_conv_gsize(p, gi);
        const float *wg = w + b0 * p->icb * p->wblk;
        ib_avx2_conv_tile_args a = {
            .dst = dst[0] + n * dst_img + b0 * g.dbs,
            .q0 = r * pb,
            .q1 = r * pb + pb < p->q ? r * pb + pb : p->q,
            .bias = bias + b0 * 8,
        };
        for (int64_t ch = 0; ch < nchunks; ch++) {
            const int64_t k0 = ch / p->rsplit * p->kchunk, part = ch % p->rsplit;
            const int64_t k1 = k0 + p->kchunk < p->icb ? k0 + p->kchunk : p->icb;
            a.ky0 = part * c->kh / p->rsplit;
            a.ky1 = (part + 1) * c->kh / p->rsplit;
            a.src = src[0] + n * src_img + k0 * g.sbs;
            a.w = wg + k0 * jg * p->wblk + a.ky0 * c->kw * p->cb * jg * 8;
            a.nblk = k1 - k0;
            a.lastcnt = k1 == p->icb ? p->ctail : p->cb;
            /* The next chunk, or the next group's first (groups lie back to back). */
            a.wpf = wg + k1 * jg * p->wblk;
            a.wpf_end = a.wpf + p->kchunk * IB_CONV_JMAX * p->wblk;
            if (a.wpf_end > w + p->wfloats)
                a.wpf_end = w + p->wfloats;
            a.first = ch == 0;
            a.last = ch == nchunks - 1;
            ranges[jg](&g, &a);
        }
    }
}
