/* libxsmm convolution: batch-reduce GEMM (M = V output channels, N = output pixels of a row,
 * K = V input channels) reduced over input-channel blocks and taps, with the epilogue applied
 * to each row while it is in cache. Kernels are dispatched per shape at pack time. */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "arch/xsmm/conv_plan.h"
#include "arch/xsmm/xsmm.h"
#include "core/conv_fold.h"

/* Input channel block: the stem (3 channels) reads nChw4c, so each batch entry is a K = 4
 * GEMM with one zero channel rather than K = 16 with 13 (K = 1 rank-1 updates over plain
 * NCHW were tried first: about 20% slower on AVX-512). */
static int in_block(const ib_conv_desc *c, int V)
{
    return c->ic < 8 ? 4 : V;
}

/* Output columns that kernel column s reaches inside the input: [*x0, *x0 + *len). */
static void reach(const ib_conv_desc *c, int64_t s, int64_t *x0, int64_t *len)
{
    int64_t lo = c->pl - s, hi = c->iw - 1 + c->pl - s; /* x*sw in [lo, hi] */
    int64_t a = lo <= 0 ? 0 : (lo + c->sw - 1) / c->sw;
    int64_t b = hi < 0 ? -1 : hi / c->sw;
    if (b > c->ow - 1)
        b = c->ow - 1;
    *x0 = a;
    *len = b >= a ? b - a + 1 : 0;
}

/* The plan without kernels; 0 and *why when the shape is out of the plan's limits. */
static int plan_of(const ib_conv_desc *c, int V, xc_plan *p, const char **why)
{
    memset(p, 0, sizeof *p);
    p->V = V;
    p->kdim = in_block(c, V);
    p->flat = c->kh == 1 && c->kw == 1 && c->sh == 1 && c->sw == 1 && c->pt == 0 && c->pb == 0 &&
              c->pl == 0 && c->pr == 0;
    p->ncin = (c->ic + p->kdim - 1) / p->kdim;
    p->ocb = (c->oc + V - 1) / V;
    p->taps = c->kh * c->kw;
    p->ablk = V * p->kdim;
    p->wfloats = p->ocb * p->ncin * p->taps * p->ablk;
    p->bp = p->kdim;
    p->bc = c->ih * c->iw * p->bp;
    p->src_img = p->ncin * p->bc;
    p->dst_blk = c->oh * c->ow * V;
    p->dst_img = p->ocb * p->dst_blk;
    if (p->flat) {
        const int64_t q = c->oh * c->ow;
        p->npb = (q + XC_FLAT_PB - 1) / XC_FLAT_PB;
        p->pb = (q + p->npb - 1) / p->npb;
        p->tail = q - (p->npb - 1) * p->pb;
        return 1;
    }
    /* Group kernel columns by the output columns they reach; the widest group goes first. */
    for (int64_t s = 0; s < c->kw; s++) {
        int64_t x0, len;
        reach(c, s, &x0, &len);
        if (len == 0)
            continue;
        xc_pass *last = p->npass ? &p->pass[p->npass - 1] : NULL;
        if (last && last->s1 == s && last->x0 == x0 && last->len == len) {
            last->s1 = s + 1;
            continue;
        }
        if (p->npass == XC_MAXPASS) {
            if (why)
                *why = "more than 16 distinct column ranges of the kernel";
            return 0;
        }
        p->pass[p->npass++] = (xc_pass){.x0 = x0, .len = len, .s0 = s, .s1 = s + 1};
    }
    for (int i = 1; i < p->npass; i++)
        if (p->pass[i].len > p->pass[0].len) {
            xc_pass t = p->pass[0];
            p->pass[0] = p->pass[i];
            p->pass[i] = t;
        }
    p->cover = p->npass > 0 && p->pass[0].len == c->ow;
    return 1;
}

/* JIT-compiles (or finds in libxsmm's registry) every kernel of the plan; 0 and *why when
 * libxsmm gives none for one of them. */
static int dispatch(const ib_conv_desc *c, xc_plan *p, const char **why)
{
    static _Thread_local char msg[128];
    const float alpha = 1.0f, beta[2] = {0.0f, 1.0f};
    const int flags = LIBXSMM_GEMM_FLAG_NONE, pf = LIBXSMM_GEMM_PREFETCH_NONE;
    const libxsmm_blasint m = p->V, k = (libxsmm_blasint)p->kdim, lda = p->V, ldc = p->V;
    const libxsmm_blasint ldb = (libxsmm_blasint)(c->sw * p->bp);
    for (int b = 0; b < 2; b++) {
        if (p->flat) {
            const libxsmm_blasint n = (libxsmm_blasint)(b ? p->tail : p->pb);
            p->fk[b] = libxsmm_smmdispatch_reducebatch_strd(
                m, n, k, (libxsmm_blasint)(p->ablk * sizeof(float)),
                (libxsmm_blasint)(p->bc * sizeof(float)), &lda, &ldb, &ldc, &alpha, &beta[0],
                &flags, &pf);
            if (!p->fk[b]) {
                snprintf(msg, sizeof msg, "libxsmm has no batch-reduce kernel M=%d N=%d K=%d",
                         (int)m, (int)n, (int)k);
                goto fail;
            }
            continue;
        }
        for (int i = 0; i < p->npass; i++) {
            const libxsmm_blasint n = (libxsmm_blasint)p->pass[i].len;
            p->pass[i].k[b] = libxsmm_smmdispatch_reducebatch_offs(m, n, k, &lda, &ldb, &ldc,
                                                                   &alpha, &beta[b], &flags, &pf);
            if (!p->pass[i].k[b]) {
                snprintf(msg, sizeof msg,
                         "libxsmm has no batch-reduce kernel M=%d N=%d K=%d ldb=%d beta=%d", (int)m,
                         (int)n, (int)k, (int)ldb, b);
                goto fail;
            }
        }
    }
    return 1;
fail:
    if (why)
        *why = msg;
    return 0;
}

/* Packed block: the plan (with its kernels), then the folded convolution's (core/conv_fold.h)
 * weights [ob][channel][tap][kdim][V] (zero for padding channels) and bias of ocb*V floats. */
static size_t head_bytes(void)
{
    return ib_xsmm_round64(sizeof(xc_plan));
}

static size_t conv_packed_bytes(const ib_desc *d)
{
    xc_plan p;
    if (!plan_of(&d->conv, IB_XSMM_V, &p, NULL))
        return 0;
    return head_bytes() + (size_t)(p.wfloats + p.ocb * p.V) * sizeof(float);
}

static void conv_pack(const ib_desc *d, const ib_args *nchw, void *packed)
{
    const ib_conv_desc *c = &d->conv;
    xc_plan *p = packed;
    ib_xsmm_init();
    /* supports() saw the same plan and dispatch succeed; should libxsmm still refuse, exec
     * finds no output block to compute (the output stays unwritten) rather than a NULL call. */
    if (!plan_of(c, IB_XSMM_V, p, NULL) || !dispatch(c, p, NULL)) {
        p->ocb = 0;
        return;
    }
    const int64_t V = p->V, kd = p->kdim;
    float *w = (float *)((char *)packed + head_bytes());
    for (int64_t ob = 0; ob < p->ocb; ob++)
        for (int64_t ci = 0; ci < p->ncin; ci++)
            for (int64_t t = 0; t < p->taps; t++)
                for (int64_t kk = 0; kk < kd; kk++)
                    for (int64_t v = 0; v < V; v++) {
                        const int64_t oc = ob * V + v, ic = ci * kd + kk;
                        *w++ = oc < c->oc && ic < c->ic ? ib_conv_folded_weight(c, nchw, oc, ic, t)
                                                        : 0.0f;
                    }
    float *bias = w;
    memset(bias, 0, (size_t)(p->ocb * V) * sizeof(float));
    for (int64_t oc = 0; oc < c->oc; oc++)
        bias[oc] = ib_conv_folded_bias(c, nchw, oc);
}

typedef struct xc_epi {
    const float *bias;
    int relu;
} xc_epi;

static void epilogue(const xc_plan *p, const xc_epi *e, float *y, int64_t npix, int64_t ob)
{
    ib_xsmm_epilogue(y, npix, p->V, e->bias ? e->bias + ob * p->V : NULL, e->relu);
}

/* One output row (image n, output block ob, row y): every pass, chunked batch reductions. */
static void conv_row(const ib_conv_desc *c, const xc_plan *p, const float *w, const float *src,
                     float *dst, int64_t ob, int64_t y)
{
    unsigned long long aoff[XC_CHUNK], boff[XC_CHUNK];
    const int64_t V = p->V, ih0 = y * c->sh - c->pt;
    const int64_t r0 = ih0 < 0 ? -ih0 : 0, r1 = c->ih - ih0 < c->kh ? c->ih - ih0 : c->kh;
    float *row = dst + y * c->ow * V;
    /* init: the row holds partial sums (beta 1). Pass 0 starts it with beta 0 when it reaches
     * every output column; otherwise (or with no kernel row inside the input) zeros do. */
    int init = !(p->cover && r1 > r0);
    if (init)
        memset(row, 0, (size_t)(c->ow * V) * sizeof(float));
    for (int i = 0; i < p->npass && r1 > r0; i++) {
        const xc_pass *ps = &p->pass[i];
        float *out = row + ps->x0 * V;
        const int64_t ix0 = ps->x0 * c->sw - c->pl;
        unsigned long long cnt = 0;
        for (int64_t ci = 0; ci < p->ncin; ci++)
            for (int64_t r = r0; r < r1; r++)
                for (int64_t s = ps->s0; s < ps->s1; s++) {
                    aoff[cnt] =
                        (unsigned long long)(((ob * p->ncin + ci) * p->taps + r * c->kw + s) *
                                             p->ablk * 4);
                    boff[cnt] =
                        (unsigned long long)((ci * p->bc + ((ih0 + r) * c->iw + ix0 + s) * p->bp) *
                                             4);
                    if (++cnt == XC_CHUNK) {
                        ps->k[init](w, src, out, &cnt, aoff, boff);
                        init = 1;
                        cnt = 0;
                    }
                }
        if (cnt) {
            ps->k[init](w, src, out, &cnt, aoff, boff);
            init = 1;
        }
    }
}

/* 1x1, stride 1, unpadded: pixel block b of the flattened image, reduced over input blocks
 * with a fixed stride. */
static void conv_flat(const xc_plan *p, const float *w, const float *src, float *dst, int64_t ob,
                      int64_t b)
{
    const int last = b == p->npb - 1;
    unsigned long long cnt = (unsigned long long)p->ncin;
    p->fk[last](w + ob * p->ncin * p->ablk, src + b * p->pb * p->bp, dst + b * p->pb * p->V, &cnt);
}

static void conv_exec(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst)
{
    const ib_conv_desc *c = &d->conv;
    const xc_plan *p = packed;
    const float *w = (const float *)((const char *)packed + head_bytes());
    const xc_epi e = {
        .bias = ib_conv_folded(c).has_bias ? w + p->wfloats : NULL,
        .relu = c->relu,
    };
    /* Work items: (image, output block, row or pixel block); consecutive items share the
     * block's weights. libxsmm's kernels are single-threaded calls. */
    const int64_t inner = p->flat ? p->npb : c->oh;
    const int64_t items = c->n * p->ocb * inner;
    const int nthr = omp_get_max_threads();
#pragma omp parallel for schedule(static) if (nthr > 1 && items > 1)
    for (int64_t it = 0; it < items; it++) {
        const int64_t j = it % inner, ob = it / inner % p->ocb, n = it / inner / p->ocb;
        const float *s = src[0] + n * p->src_img;
        float *y = dst[0] + n * p->dst_img + ob * p->dst_blk;
        if (p->flat) {
            conv_flat(p, w, s, y, ob, j);
            epilogue(p, &e, y + j * p->pb * p->V, j == p->npb - 1 ? p->tail : p->pb, ob);
        } else {
            conv_row(c, p, w, s, y, ob, j);
            epilogue(p, &e, y + j * c->ow * p->V, c->ow, ob);
        }
    }
}

static int conv_supports(const ib_desc *d, const char **why)
{
    xc_plan p;
    if (d->op != IB_OP_CONV) {
        if (why)
            *why = "not a convolution";
        return 0;
    }
    ib_xsmm_init();
    return plan_of(&d->conv, IB_XSMM_V, &p, why) && dispatch(&d->conv, &p, why);
}

#define XC_NATIVE(sym, name, sl, dl)                                                               \
    static const ib_native sym = {                                                                 \
        .kernel = name,                                                                            \
        .src_layout = sl,                                                                          \
        .dst_layout = dl,                                                                          \
        .packed_bytes = conv_packed_bytes,                                                         \
        .pack = conv_pack,                                                                         \
        .exec = conv_exec,                                                                         \
    };
XC_NATIVE(conv_nchw16c, "conv_nchw16c_brgemm__xsmm", IB_LAYOUT_NCHW16C, IB_LAYOUT_NCHW16C)
XC_NATIVE(conv_nchw4c_nchw16c, "conv_nchw4c_to_nchw16c_brgemm__xsmm", IB_LAYOUT_NCHW4C,
          IB_LAYOUT_NCHW16C)

static const ib_native *conv_native(const ib_desc *d)
{
    return in_block(&d->conv, IB_XSMM_V) == 4 ? &conv_nchw4c_nchw16c : &conv_nchw16c;
}

const ib_impl ib_xsmm_conv_impl = {
    .name = "xsmm",
    .op = IB_OP_CONV,
    .isa = IB_ISA_AVX2,
    .kind = IB_KIND_PEER,
    .supports = conv_supports,
    .native = conv_native,
};
