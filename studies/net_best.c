/* `best` in incbench net: per-layer choice among native families with measured reorder costs
 * (coordinate descent over the layer list from the fastest single family). */
#include "studies/net_best.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/run_common.h"

enum { CACHE_MAX = 512 };

/* One measured reorder: a tensor's dims between two layouts. */
typedef struct rcost {
    ib_dims d;
    ib_layout sl, dl;
    double s;
} rcost;

typedef struct ctx {
    const ib_best_in *in;
    int *assign;         /* per layer: candidate index */
    ib_layout (*lay)[2]; /* per candidate * layers + layer: src, dst layout */
    ib_dims (*dims)[IB_MAX_IN];
    rcost cache[CACHE_MAX];
    int ncache;
    int failed;
} ctx;

typedef struct rrun {
    const float *src;
    float *dst;
    ib_layout sl, dl;
    ib_dims d;
} rrun;

static int run_reorder(void *p)
{
    rrun *r = p;
    ib_reorder(r->src, r->sl, r->dst, r->dl, r->d.n, r->d.c, r->d.h, r->d.w);
    return 0;
}

/* Seconds of a reorder of d from sl to dl, as the chain would run it (measured once). */
static double reorder_cost(ctx *x, ib_dims d, ib_layout sl, ib_layout dl)
{
    if (sl == dl)
        return 0;
    for (int k = 0; k < x->ncache; k++) {
        const rcost *c = &x->cache[k];
        if (c->sl == sl && c->dl == dl && !memcmp(&c->d, &d, sizeof d))
            return c->s;
    }
    const int64_t ns = ib_layout_elems(sl, d.n, d.c, d.h, d.w);
    const int64_t nd = ib_layout_elems(dl, d.n, d.c, d.h, d.w);
    float *src = ns > 0 ? ib_alloc((size_t)ns * sizeof(float)) : NULL;
    float *dst = nd > 0 ? ib_alloc((size_t)nd * sizeof(float)) : NULL;
    ib_timing t = {0};
    double s = INFINITY;
    if (src && dst) {
        memset(src, 0, (size_t)ns * sizeof(float));
        rrun r = {src, dst, sl, dl, d};
        if (!ib_time(run_reorder, &r, x->in->min_time, x->in->reps, &t))
            s = t.min; /* as the layer times: minimums */
    }
    ib_free(src);
    ib_free(dst);
    if (!isfinite(s))
        x->failed = 1;
    if (x->ncache < CACHE_MAX)
        x->cache[x->ncache++] = (rcost){d, sl, dl, s};
    return s;
}

static ib_layout out_layout(const ctx *x, int i)
{
    if (i < 0)
        return IB_LAYOUT_NCHW;
    const ib_layer *l = &x->in->net->layers[i];
    if (l->identity)
        return l->src[0] < 0 ? IB_LAYOUT_NCHW : out_layout(x, l->src[0]);
    return x->lay[x->assign[i] * x->in->net->count + i][1];
}

/* The sum of steps the chain builder would run for the current assignment: each layer's
 * kernel, and a reorder per input whose producer wrote another layout. */
static double cost(ctx *x, double *reorders)
{
    const ib_net *net = x->in->net;
    double total = 0, ro = 0;
    for (int i = 0; i < net->count; i++) {
        const ib_layer *l = &net->layers[i];
        if (!x->in->use[i] || l->identity)
            continue;
        const int a = x->assign[i];
        total += x->in->time[a][i];
        const ib_layout want = x->lay[a * net->count + i][0];
        for (int k = 0; k < l->nsrc; k++) {
            const ib_layout have = l->src[k] < 0 ? IB_LAYOUT_NCHW : out_layout(x, l->src[k]);
            ro += reorder_cost(x, x->dims[i][k], have, want);
        }
    }
    if (reorders)
        *reorders = ro;
    return total + ro;
}

static int usable(const ctx *x, int c, int i)
{
    return x->in->impls[c][i] && isfinite(x->in->time[c][i]) && x->in->time[c][i] > 0;
}

/* Layer i clearly faster with candidate c than with w: no overlap of their ranges. */
static int clearly_faster(const ctx *x, int c, int w, int i)
{
    return x->in->time_hi[c][i] < x->in->time[w][i];
}

double ib_net_best_pick(const ib_best_in *in, const ib_impl **pick, ib_best_choice *how)
{
    const int nl = in->net->count;
    ctx *x = calloc(1, sizeof *x);
    if (!x)
        return -1;
    x->in = in;
    x->assign = calloc((size_t)nl, sizeof *x->assign);
    x->lay = calloc((size_t)nl * (size_t)in->ncand, sizeof *x->lay);
    x->dims = calloc((size_t)nl, sizeof *x->dims);
    double best = -1;
    if (!x->assign || !x->lay || !x->dims)
        goto done;
    for (int i = 0; i < nl; i++) {
        const ib_layer *l = &in->net->layers[i];
        if (!in->use[i] || l->identity)
            continue;
        ib_arg_shapes as;
        ib_arg_shapes_of(&l->desc, &as);
        memcpy(x->dims[i], as.in, sizeof x->dims[i]);
        for (int c = 0; c < in->ncand; c++) {
            const ib_native *nat = in->impls[c][i] ? in->impls[c][i]->native(&l->desc) : NULL;
            x->lay[c * nl + i][0] = nat ? nat->src_layout : IB_LAYOUT_NCHW;
            x->lay[c * nl + i][1] = nat ? nat->dst_layout : IB_LAYOUT_NCHW;
        }
    }
    /* the start: the fastest single family (every layer it has) */
    int start = -1;
    for (int c = 0; c < in->ncand; c++) {
        int ok = 1;
        for (int i = 0; i < nl && ok; i++) {
            x->assign[i] = c;
            ok = !in->use[i] || in->net->layers[i].identity || usable(x, c, i);
        }
        const double v = ok ? cost(x, NULL) : INFINITY;
        if (ok && (start < 0 || v < best))
            start = c, best = v;
    }
    if (start < 0) {
        best = -1;
        goto done;
    }
    for (int i = 0; i < nl; i++)
        x->assign[i] = start;
    /* one layer at a time, in forward order, until a whole sweep changes nothing */
    for (int sweep = 0, changed = 1; changed && sweep < 8; sweep++) {
        changed = 0;
        for (int i = 0; i < nl; i++) {
            if (!in->use[i] || in->net->layers[i].identity)
                continue;
            const int was = x->assign[i];
            for (int c = 0; c < in->ncand; c++) {
                if (c == was || !usable(x, c, i) || !clearly_faster(x, c, x->assign[i], i))
                    continue;
                const int keep = x->assign[i];
                x->assign[i] = c;
                const double v = cost(x, NULL);
                if (v < best * (1 - 1e-9))
                    best = v, changed = 1;
                else
                    x->assign[i] = keep;
            }
        }
    }
    best = cost(x, &how->reorder_s);
    how->start = start;
    how->moved = 0;
    for (int i = 0; i < nl; i++) {
        pick[i] = in->use[i] && !in->net->layers[i].identity ? in->impls[x->assign[i]][i] : NULL;
        how->moved += pick[i] != NULL && pick[i] != in->impls[start][i];
    }
    if (x->failed)
        best = -1;
done:
    free(x->assign);
    free(x->lay);
    free(x->dims);
    free(x);
    return best;
}
