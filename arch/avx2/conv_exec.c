/* AVX2 direct convolution: the exec. Each thread runs one contiguous stretch of the call's work
 * items, cut between tiles for an equal share of the multiply-adds (conv_split.h). */
#include "arch/avx2/conv.h"
#include "arch/avx2/conv_split.h"
#include "core/par.h"

/* What every (work item, chunk) step of one exec shares. A work item is one image's pixel
 * range for one oc group (conv_split.h's unit); a thread runs the pixels of each item that its
 * stretch, from cut `from` to cut `to`, holds. */
typedef struct exec_ctx {
    const ib_conv_desc *c;
    const ib_avx2_conv_plan *p;
    ib_avx2_conv_geom g;
    const float *w, *bias, *src;
    float *dst;
    int64_t src_img, dst_img, nchunks;
    const ib_avx2_conv_range_fn *ranges;
    const ib_split_seq *seq;
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

/* One thread's stretch: items [i0, i1), each non-empty; the first and the last may hold only
 * some of their tiles. */
typedef struct stretch {
    ib_split_cut from, to;
    int64_t i0, i1;
} stretch;

static stretch stretch_of(const ib_split_seq *seq, ib_split_cut from, ib_split_cut to)
{
    stretch st = {.from = from, .to = to, .i0 = from.unit, .i1 = to.unit};
    int64_t t0, t1;
    if (from.unit < seq->units) {
        seq->tiles(seq->ctx, from.unit, &t0, &t1);
        st.i0 += from.tile >= t1; /* from is the end of its item */
    }
    if (to.unit < seq->units) {
        seq->tiles(seq->ctx, to.unit, &t0, &t1);
        st.i1 += to.tile > t0; /* to is inside its item */
    }
    if (st.i1 < st.i0 || (from.unit == to.unit && from.tile >= to.tile))
        st.i1 = st.i0; /* nothing */
    return st;
}

/* Item it over chunk ch, the pixels of it the stretch holds; the weights at next (the step after
 * this one) are prefetched meanwhile. */
static void run_step(const exec_ctx *x, const stretch *st, int64_t it, int64_t ch,
                     const float *next)
{
    const ib_avx2_conv_plan *p = x->p;
    const int64_t n = it / p->groups / p->nranges;
    int64_t b0, jg, t0, t1, q0, q1;
    item_group(x, it, &b0, &jg);
    ib_split_tiles_in(x->seq, st->from, st->to, it, &t0, &t1);
    ib_avx2_conv_tiles_px(p, it % p->groups, t0, t1, &q0, &q1);
    const int64_t k0 = ch / p->rsplit * p->kchunk, part = ch % p->rsplit;
    const int64_t k1 = k0 + p->kchunk < p->icb ? k0 + p->kchunk : p->icb;
    const float *wend = x->w + p->wfloats;
    ib_avx2_conv_tile_args a = {
        .src = x->src + n * x->src_img + k0 * x->g.sbs,
        .w = chunk_weights(x, it, ch),
        .wpf = next ? next : wend,
        .dst = x->dst + n * x->dst_img + b0 * x->g.dbs,
        .bias = x->bias + b0 * 8,
        .q0 = q0,
        .q1 = q1,
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

/* A thread's stretch. Each item through all its chunks in turn; or, with chunks outside the
 * groups, for each run of items over one pixel range (the range's groups) the chunks in turn,
 * each through all the run's items, whose inputs it then reads from L1. */
static void run_stretch(const exec_ctx *x, const stretch *st)
{
    const int64_t groups = x->p->groups, nch = x->nchunks, i0 = st->i0, i1 = st->i1;
    if (!x->p->chunks_outer) {
        for (int64_t it = i0; it < i1; it++)
            for (int64_t ch = 0; ch < nch; ch++) {
                const int64_t nit = ch + 1 < nch ? it : it + 1, nch1 = ch + 1 < nch ? ch + 1 : 0;
                run_step(x, st, it, ch, nit < i1 ? chunk_weights(x, nit, nch1) : NULL);
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
                run_step(x, st, it, ch, next);
            }
        r0 = r1;
    }
}

/* Thread k of nt takes its stretch, cut for nt threads. */
static void run_share(const exec_ctx *x, const ib_split_seq *seq, int64_t k, int64_t nt)
{
    const stretch st =
        stretch_of(seq, ib_split_cut_at(seq, k, nt), ib_split_cut_at(seq, k + 1, nt));
    run_stretch(x, &st);
}

void ib_avx2_conv_exec(const ib_desc *d, const void *packed, const float *const *src,
                       float *const *dst)
{
    const ib_conv_desc *c = &d->conv;
    const ib_avx2_conv_plan *p = packed;
    const float *w = (const float *)((const char *)packed + IB_AVX2_CONV_HEAD);
    const ib_avx2_conv_seq s = ib_avx2_conv_seq_of(p, c);
    const ib_split_seq seq = ib_avx2_conv_split_of(&s);
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
        .seq = &seq,
    };
    x.src_img = p->icb * x.g.sbs;
    x.dst_img = p->ocb * x.g.dbs;

    IB_PAR_TEAM(k, nt, run_share(&x, &seq, k, nt););
}
