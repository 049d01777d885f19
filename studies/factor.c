/* The factorization pairs: base and factorized forms on Inception-v3's real shapes, the sweep
 * over grids and channels, and the counterparts of a user's convolution. */
#include "studies/factor.h"

#include <stdio.h>
#include <string.h>

#include "core/inception_v3.h"

/* Building forms: each helper appends one validated layer and returns its output shape. */
typedef struct fshape {
    int64_t c, h, w;
} fshape;

typedef struct fb {
    ib_form *f;
    int64_t n;
    ib_status st;
    ib_err *e;
} fb;

static void form_begin(fb *b, ib_form *f, const char *name, int64_t n, ib_err *e)
{
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    b->f = f;
    b->n = n;
    b->st = IB_OK;
    b->e = e;
}

static fshape push(fb *b, ib_desc *d, fshape fallback)
{
    if (b->st != IB_OK)
        return fallback;
    if (b->f->n == IB_FORM_MAX) {
        b->st = ib_fail(b->e, IB_INVALID, "factor: form %s has too many layers", b->f->name);
        return fallback;
    }
    ib_err ve;
    if (ib_desc_validate(d, &ve) != IB_OK) {
        b->st = ib_fail(b->e, IB_INVALID, "factor: form %s: %s", b->f->name, ve.msg);
        return fallback;
    }
    ib_work w;
    ib_desc_work(d, &w);
    b->f->d[b->f->n++] = *d;
    b->f->macs += w.macs;
    b->f->macs_exec += w.macs_nonpad;
    b->f->params += w.params;
    ib_arg_shapes s;
    ib_arg_shapes_of(d, &s);
    return (fshape){s.out[0].c, s.out[0].h, s.out[0].w};
}

/* BasicConv2d as in the table: folded batch-norm and ReLU. */
static fshape conv(fb *b, fshape in, int64_t oc, int64_t kh, int64_t kw, int64_t s, int64_t pt,
                   int64_t pb, int64_t pl, int64_t pr)
{
    ib_desc d = ib_basic_conv(b->n, in.c, in.h, in.w, oc, kh, kw, s, pt, pb, pl, pr);
    return push(b, &d, in);
}

/* "Same" convolution of stride 1 with symmetric padding. */
static fshape sconv(fb *b, fshape in, int64_t oc, int64_t kh, int64_t kw)
{
    return conv(b, in, oc, kh, kw, 1, (kh - 1) / 2, (kh - 1) / 2, (kw - 1) / 2, (kw - 1) / 2);
}

static fshape pool(fb *b, fshape in, ib_op op, int64_t k, int64_t s, int64_t p)
{
    ib_desc d = {.op = op};
    d.pool = (ib_pool_desc){.n = b->n,
                            .c = in.c,
                            .ih = in.h,
                            .iw = in.w,
                            .kh = k,
                            .kw = k,
                            .sh = s,
                            .sw = s,
                            .pt = p,
                            .pb = p,
                            .pl = p,
                            .pr = p,
                            .count_include_pad = 1};
    return push(b, &d, in);
}

static fshape concat(fb *b, int n, const fshape *in)
{
    ib_desc d = {.op = IB_OP_CONCAT};
    d.concat.n = b->n;
    d.concat.ninputs = n;
    int64_t c = 0;
    for (int i = 0; i < n; i++) {
        d.concat.in[i] = (ib_concat_input){in[i].c, in[i].h, in[i].w};
        c += in[i].c;
    }
    return push(b, &d, (fshape){c, in[0].h, in[0].w});
}

/* k x k replaced by (k-1)/2 chained 3x3 (the first maps ic -> oc). */
static void chain3(fb *b, fshape in, int64_t oc, int64_t k)
{
    for (int64_t i = 0; i < (k - 1) / 2; i++)
        in = sconv(b, in, oc, 3, 3);
}

/* k x k replaced by 1 x k then k x 1. */
static void asym(fb *b, fshape in, int64_t oc, int64_t k)
{
    in = sconv(b, in, oc, 1, k);
    sconv(b, in, oc, k, 1);
}

static int finish(fb *a, fb *b, ib_fcase *c, int pair, const char *pair_name, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#include <stdarg.h>
static int finish(fb *a, fb *b, ib_fcase *c, int pair, const char *pair_name, const char *fmt, ...)
{
    if (a->st != IB_OK || b->st != IB_OK)
        return -1;
    c->pair = pair;
    snprintf(c->pair_name, sizeof c->pair_name, "%s", pair_name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->name, sizeof c->name, fmt, ap);
    va_end(ap);
    return 0;
}

/* Pair 1, 2, 3 on one shape: k x k ic -> oc against its factorization at grid g. */
static int square_case(ib_fcase *c, int pair, int64_t n, int64_t ic, int64_t oc, int64_t g,
                       int64_t k, const char *label, ib_err *e)
{
    fb a, b;
    char an[48], bn[48];
    snprintf(an, sizeof an, "%lldx%lld", (long long)k, (long long)k);
    if (pair == 1)
        snprintf(bn, sizeof bn, "3x3->3x3");
    else
        snprintf(bn, sizeof bn, "1x%lld->%lldx1", (long long)k, (long long)k);
    memset(c, 0, sizeof *c);
    fshape in = {ic, g, g};
    form_begin(&a, &c->a, an, n, e);
    sconv(&a, in, oc, k, k);
    form_begin(&b, &c->b, bn, n, e);
    if (pair == 1)
        chain3(&b, in, oc, k);
    else
        asym(&b, in, oc, k);
    char pn[128];
    snprintf(pn, sizeof pn, "%s vs %s", an, bn);
    c->grid = (int)g;
    c->channels = (int)oc;
    return finish(&a, &b, c, pair, pn, "%s %lld->%lld %lldx%lld", label, (long long)ic,
                  (long long)oc, (long long)g, (long long)g);
}

/* Pair 4: 3x3 against 2x2 -> 2x2 (padding split so the output keeps the grid). */
static int two_by_two(ib_fcase *c, int64_t n, int64_t ch, int64_t g, const char *label, ib_err *e)
{
    fb a, b;
    memset(c, 0, sizeof *c);
    fshape in = {ch, g, g};
    form_begin(&a, &c->a, "3x3", n, e);
    sconv(&a, in, ch, 3, 3);
    form_begin(&b, &c->b, "2x2->2x2", n, e);
    fshape m = conv(&b, in, ch, 2, 2, 1, 0, 1, 0, 1);
    conv(&b, m, ch, 2, 2, 1, 1, 0, 1, 0);
    return finish(&a, &b, c, 4, "3x3 vs 2x2->2x2", "%s %lld->%lld %lldx%lld", label, (long long)ch,
                  (long long)ch, (long long)g, (long long)g);
}

/* Pair 5: grid reduction of ic channels at g to oc channels at g' (3x3 stride-2 windows).
 * Base: conv (3x3, keeps the grid) then max-pool. alt 0: pool then conv; alt 1: Inception's
 * parallel stride-2 branches and pool, concatenated (Mixed_6a when mod 'B', Mixed_7a 'D'). */
static int reduction(ib_fcase *c, int64_t n, int64_t ic, int64_t g, int64_t oc, int alt,
                     const char *label, ib_err *e)
{
    fb a, b;
    memset(c, 0, sizeof *c);
    fshape in = {ic, g, g};
    form_begin(&a, &c->a, "conv->pool", n, e);
    fshape t = sconv(&a, in, oc, 3, 3);
    pool(&a, t, IB_OP_MAXPOOL, 3, 2, 0);
    if (alt == 0) {
        form_begin(&b, &c->b, "pool->conv", n, e);
        t = pool(&b, in, IB_OP_MAXPOOL, 3, 2, 0);
        sconv(&b, t, oc, 3, 3);
    } else {
        form_begin(&b, &c->b, "parallel conv|pool", n, e);
        fshape br[3];
        if (g == 35) { /* Mixed_6a: 384 | 64 -> 96 -> 96 (s2) | pool: 288 + 480 = 768 */
            br[0] = conv(&b, in, 384, 3, 3, 2, 0, 0, 0, 0);
            t = sconv(&b, in, 64, 1, 1);
            t = sconv(&b, t, 96, 3, 3);
            br[1] = conv(&b, t, 96, 3, 3, 2, 0, 0, 0, 0);
        } else { /* Mixed_7a: 192 -> 320 (s2) | 192 -> 1x7 -> 7x1 -> 3x3 (s2) | pool */
            t = sconv(&b, in, 192, 1, 1);
            br[0] = conv(&b, t, 320, 3, 3, 2, 0, 0, 0, 0);
            t = sconv(&b, in, 192, 1, 1);
            t = sconv(&b, t, 192, 1, 7);
            t = sconv(&b, t, 192, 7, 1);
            br[1] = conv(&b, t, 192, 3, 3, 2, 0, 0, 0, 0);
        }
        br[2] = pool(&b, in, IB_OP_MAXPOOL, 3, 2, 0);
        concat(&b, 3, br);
    }
    return finish(&a, &b, c, 5, alt ? "conv->pool vs parallel" : "conv->pool vs pool->conv",
                  "%s %lldx%lld->%lldx%lld, %lld->%lld ch", label, (long long)g, (long long)g,
                  (long long)((g - 3) / 2 + 1), (long long)((g - 3) / 2 + 1), (long long)ic,
                  (long long)oc);
}

/* Pair 6: a whole module at grid g with ic inputs. Branches: 1x1 -> c1; 1x1 -> r -> kxk -> o;
 * 1x1 -> r2 -> kxk -> o2; avgpool 3x3 -> 1x1 -> cp. variant 0 keeps the kxk, 1 makes each a
 * chain of 3x3, 2 makes each 1xk -> kx1. */
typedef struct module_shape {
    int64_t g, ic, k, c1, r, o, r2, o2, cp;
} module_shape;

static void module(fb *b, const module_shape *m, int variant)
{
    fshape in = {m->ic, m->g, m->g}, br[4];
    br[0] = sconv(b, in, m->c1, 1, 1);
    const int64_t rs[2] = {m->r, m->r2}, os[2] = {m->o, m->o2};
    for (int i = 0; i < 2; i++) {
        fshape t = sconv(b, in, rs[i], 1, 1);
        if (variant == 0)
            br[1 + i] = sconv(b, t, os[i], m->k, m->k);
        else if (variant == 1) {
            for (int64_t j = 0; j < (m->k - 1) / 2; j++)
                t = sconv(b, t, os[i], 3, 3);
            br[1 + i] = t;
        } else {
            t = sconv(b, t, os[i], 1, m->k);
            br[1 + i] = sconv(b, t, os[i], m->k, 1);
        }
    }
    fshape p = pool(b, in, IB_OP_AVGPOOL, 3, 1, 1);
    br[3] = sconv(b, p, m->cp, 1, 1);
    concat(b, 4, br);
}

static int module_case(ib_fcase *c, int64_t n, const module_shape *m, int variant,
                       const char *label, ib_err *e)
{
    fb a, b;
    char an[48], bn[48];
    memset(c, 0, sizeof *c);
    snprintf(an, sizeof an, "module %lldx%lld", (long long)m->k, (long long)m->k);
    if (variant == 1)
        snprintf(bn, sizeof bn, "module %lldx(3x3)", (long long)(m->k - 1) / 2);
    else
        snprintf(bn, sizeof bn, "module 1x%lld->%lldx1", (long long)m->k, (long long)m->k);
    form_begin(&a, &c->a, an, n, e);
    module(&a, m, 0);
    form_begin(&b, &c->b, bn, n, e);
    module(&b, m, variant);
    return finish(&a, &b, c, 6,
                  variant == 1 ? "module kxk vs 3x3 chains" : "module kxk vs 1xk->kx1",
                  "%s %lldx%lld, %lld in, %lld out", label, (long long)m->g, (long long)m->g,
                  (long long)m->ic, (long long)(m->c1 + m->o + m->o2 + m->cp));
}

/* Pair 7: the conv with batch-norm and ReLU fused into its epilogue, against conv without
 * epilogue, then standalone batch-norm, then standalone ReLU. Base a = separate passes. */
static int bn_fold(ib_fcase *c, int64_t n, int64_t ic, int64_t oc, int64_t g, int64_t kh,
                   int64_t kw, const char *label, ib_err *e)
{
    fb a, b;
    memset(c, 0, sizeof *c);
    fshape in = {ic, g, g};
    form_begin(&a, &c->a, "conv,bn,relu", n, e);
    ib_desc d = ib_basic_conv(n, ic, g, g, oc, kh, kw, 1, (kh - 1) / 2, (kh - 1) / 2, (kw - 1) / 2,
                              (kw - 1) / 2);
    d.conv.has_scale_shift = d.conv.relu = 0; /* the epilogue runs as the two steps below */
    fshape o = push(&a, &d, in);
    ib_desc bn = {.op = IB_OP_BN, .bn = {n, o.c, o.h, o.w, 0.001f}};
    push(&a, &bn, o);
    ib_desc relu = {.op = IB_OP_RELU, .relu = {n, o.c, o.h, o.w}};
    push(&a, &relu, o);
    form_begin(&b, &c->b, "conv+bn+relu fused", n, e);
    sconv(&b, in, oc, kh, kw);
    return finish(&a, &b, c, 7, "separate BN,ReLU vs fused", "%s %lld->%lld %lldx%lld", label,
                  (long long)ic, (long long)oc, (long long)g, (long long)g);
}

#define ADD(expr)                                                                                  \
    do {                                                                                           \
        if (k == max)                                                                              \
            return ib_fail(e, IB_INVALID, "factor: more than %d cases", max), -1;                  \
        if ((expr) != 0)                                                                           \
            return -1;                                                                             \
        k++;                                                                                       \
    } while (0)

int ib_factor_cases(int64_t n, int quick, ib_fcase *out, int max, ib_err *e)
{
    int k = 0;
    /* 1: Mixed_5b/5c/5d's branch5x5_2 (48 -> 64) and the paper's C -> C. */
    ADD(square_case(&out[k], 1, n, 48, 64, 35, 5, "Mixed_5b/5c/5d.branch5x5_2", e));
    if (!quick)
        ADD(square_case(&out[k], 1, n, 64, 64, 35, 5, "C->C->C", e));
    /* 2: Mixed_7b/7c's branch3x3_2a/2b: 384 at 8x8. */
    ADD(square_case(&out[k], 2, n, 384, 384, 8, 3, "Mixed_7b/7c.branch3x3_2", e));
    /* 3: Mixed_6b..6e's 7x7 branches: 128, 160, 192 at 17x17. */
    static const int64_t c7[] = {128, 160, 192};
    static const char *const c7n[] = {"Mixed_6b.branch7x7", "Mixed_6c/6d.branch7x7",
                                      "Mixed_6e.branch7x7"};
    for (int i = quick ? 2 : 0; i < 3; i++)
        ADD(square_case(&out[k], 3, n, c7[i], c7[i], 17, 7, c7n[i], e));
    /* 4: the 11% case, on Mixed_5b's branch3x3dbl_3 (96 at 35x35). */
    ADD(two_by_two(&out[k], n, 96, 35, "Mixed_5b.branch3x3dbl_3", e));
    /* 5: grid reduction 35 -> 17 (Mixed_6a: 288 -> 768) and 17 -> 8 (Mixed_7a: 768 -> 1280). */
    ADD(reduction(&out[k], n, 288, 35, 768, 1, "Mixed_6a", e));
    if (!quick) {
        ADD(reduction(&out[k], n, 288, 35, 768, 0, "Mixed_6a", e));
        ADD(reduction(&out[k], n, 768, 17, 1280, 0, "Mixed_7a", e));
    }
    ADD(reduction(&out[k], n, 768, 17, 1280, 1, "Mixed_7a", e));
    /* 6: modules with the same grid and channel budget as Mixed_5d (5x5) and Mixed_6c (7x7). */
    const module_shape m5 = {35, 288, 5, 64, 48, 64, 64, 96, 64};
    const module_shape m7 = {17, 768, 7, 192, 160, 192, 160, 192, 192};
    ADD(module_case(&out[k], n, &m5, 1, "Mixed_5d-like", e));
    if (!quick)
        ADD(module_case(&out[k], n, &m5, 2, "Mixed_5d-like", e));
    ADD(module_case(&out[k], n, &m7, 2, "Mixed_6c-like", e));
    if (!quick)
        ADD(module_case(&out[k], n, &m7, 1, "Mixed_6c-like", e));
    /* 7: batch-norm folding on a 1x1 at 35x35, a 1x7 at 17x17 and a 1x3 at 8x8. */
    ADD(bn_fold(&out[k], n, 192, 64, 35, 1, 1, "Mixed_5b.branch1x1", e));
    if (!quick) {
        ADD(bn_fold(&out[k], n, 128, 128, 17, 1, 7, "Mixed_6b.branch7x7_2", e));
        ADD(bn_fold(&out[k], n, 384, 384, 8, 1, 3, "Mixed_7b.branch3x3_2a", e));
    }
    return k;
}

int ib_factor_sweep_cases(int64_t n, int quick, ib_fcase *out, int max, ib_err *e)
{
    static const int64_t grids[] = {8, 12, 17, 23, 35}, quick_grids[] = {8, 17, 35};
    static const int64_t chans[] = {64, 192}, quick_chans[] = {128};
    const int64_t *g = quick ? quick_grids : grids, *c = quick ? quick_chans : chans;
    const int ng = quick ? 3 : 5, nc = quick ? 1 : 2;
    static const int64_t ks[] = {5, 3, 7};
    int k = 0;
    for (int p = 1; p <= 3; p++)
        for (int ci = 0; ci < nc; ci++)
            for (int gi = 0; gi < ng; gi++)
                ADD(square_case(&out[k], p, n, c[ci], c[ci], g[gi], ks[p - 1], "sweep", e));
    return k;
}

int ib_factor_user_cases(const char *name, const ib_desc *d, ib_fcase *out, int max, ib_err *e)
{
    if (d->op != IB_OP_CONV)
        return 0;
    const ib_conv_desc *c = &d->conv;
    if (c->kh != c->kw || c->kh < 3 || c->sh != 1 || c->sw != 1 || c->pt != c->pb ||
        c->pl != c->pr || c->pt != c->pl)
        return 0;
    const int64_t k0 = c->kh, p = c->pt;
    const fshape in = {c->ic, c->ih, c->iw};
    int k = 0;
    for (int variant = 0; variant < 2; variant++) {
        if (variant == 0 && k0 % 2 == 0)
            continue; /* an even kernel has no 3x3 chain of the same reach */
        if (k == max)
            return k;
        ib_fcase *x = &out[k];
        fb a, b;
        memset(x, 0, sizeof *x);
        char an[48], bn[48];
        snprintf(an, sizeof an, "%lldx%lld", (long long)k0, (long long)k0);
        form_begin(&a, &x->a, an, c->n, e);
        ib_desc base = *d;
        push(&a, &base, in);
        if (variant == 0) {
            /* "valid" (p = 0) or "same" (p = (k-1)/2) only: (k-1)/2 3x3, or for k = 3 two
             * 2x2 whose one-sided pads add up to 1 on each side. */
            const int steps = k0 == 3 ? 2 : (int)(k0 - 1) / 2;
            const int64_t kk = k0 == 3 ? 2 : 3;
            if (p != 0 && p != (k0 - 1) / 2)
                continue;
            snprintf(bn, sizeof bn, "%dx(%lldx%lld)", steps, (long long)kk, (long long)kk);
            form_begin(&b, &x->b, bn, c->n, e);
            fshape t = in;
            for (int s = 0; s < steps; s++) {
                ib_desc cd = base;
                cd.conv.ic = t.c, cd.conv.ih = t.h, cd.conv.iw = t.w;
                cd.conv.kh = cd.conv.kw = kk;
                const int64_t lo = kk == 2 ? (s == 1 && p) : (p > 0);
                const int64_t hi = kk == 2 ? (s == 0 && p) : (p > 0);
                cd.conv.pt = cd.conv.pl = lo;
                cd.conv.pb = cd.conv.pr = hi;
                t = push(&b, &cd, t);
            }
        } else {
            snprintf(bn, sizeof bn, "1x%lld->%lldx1", (long long)k0, (long long)k0);
            form_begin(&b, &x->b, bn, c->n, e);
            ib_desc c1 = base, c2 = base;
            c1.conv.kh = 1, c1.conv.pt = c1.conv.pb = 0;
            fshape t = push(&b, &c1, in);
            c2.conv.ic = t.c, c2.conv.ih = t.h, c2.conv.iw = t.w;
            c2.conv.kw = 1, c2.conv.pl = c2.conv.pr = 0;
            push(&b, &c2, t);
        }
        char pn[128];
        snprintf(pn, sizeof pn, "%s vs %s", an, bn);
        if (finish(&a, &b, x, 0, pn, "%s", name) != 0)
            return -1;
        k++;
    }
    return k;
}

double ib_fcase_theory(const ib_fcase *c)
{
    return c->a.macs > 0 ? 1.0 - (double)c->b.macs / (double)c->a.macs : 0;
}

double ib_fcase_theory_exec(const ib_fcase *c)
{
    return c->a.macs_exec > 0 ? 1.0 - (double)c->b.macs_exec / (double)c->a.macs_exec : 0;
}
