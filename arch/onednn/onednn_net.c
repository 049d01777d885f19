/* oneDNN's network as its users build it: one primitive per layer over the layer list, each
 * reading its producer's destination memory, convolutions in format "any", and a reorder
 * step wherever the layout one primitive writes is not the one the next wants. */
#include "arch/onednn/onednn_net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/onednn/onednn_common.h"
#include "core/buffer_plan.h"
#include "core/layout.h"

typedef struct dstep {
    int layer;
    int reorder;
    dnnl_primitive_t prim; /* not owned: the instance's or the net's */
    int nargs;
    dnnl_exec_arg_t args[IB_DNNL_MAX_ARGS];
    char label[96];
} dstep;

typedef struct dnet {
    const ib_net *net;
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dstep *steps;
    int n;
    dnnl_memory_t *out;  /* per layer: its output memory (identity layers share it) */
    dnnl_memory_t *alt;  /* per layer: its output reordered once for consumers wanting another */
    ib_dnnl_inst **inst; /* per layer: convolutions, built by the peer's own conv setup */
    /* owned: memories, primitives and primitive descriptors made here */
    dnnl_memory_t *mems;
    int nmems;
    dnnl_primitive_t *prims;
    int nprims;
    dnnl_primitive_desc_t *pds;
    int npds;
    dnnl_memory_t *acts; /* activations: every memory a step writes, placed in the arena */
    int nacts;
    void *arena;
    double fresh_bytes, arena_bytes;
    float *scratch; /* zeros: what the conv setup's untimed source copy reads */
} dnet;

static ib_status keep_mem(dnet *n, const dnnl_memory_desc_t *md, void *handle, dnnl_memory_t *m,
                          ib_err *e)
{
    IB_DNNL_TRY(e, dnnl_memory_create(m, md, n->engine, handle ? handle : DNNL_MEMORY_ALLOCATE));
    n->mems[n->nmems++] = *m;
    return IB_OK;
}

/* An activation: a memory without storage until plan_activations places it in the arena. */
static ib_status keep_act(dnet *n, const dnnl_memory_desc_t *md, dnnl_memory_t *m, ib_err *e)
{
    IB_DNNL_TRY(e, dnnl_memory_create(m, md, n->engine, DNNL_MEMORY_NONE));
    n->mems[n->nmems++] = *m;
    n->acts[n->nacts++] = *m;
    return IB_OK;
}

/* pd must already be kept (own). */
static ib_status keep_prim(dnet *n, dnnl_primitive_desc_t pd, dnnl_primitive_t *p, ib_err *e)
{
    IB_DNNL_TRY(e, dnnl_primitive_create(p, pd));
    n->prims[n->nprims++] = *p;
    return IB_OK;
}

static dnnl_primitive_desc_t own(dnet *n, dnnl_primitive_desc_t pd)
{
    n->pds[n->npds++] = pd;
    return pd;
}

static const dnnl_memory_desc_t *md_of(dnnl_memory_t m)
{
    const dnnl_memory_desc_t *md = NULL;
    dnnl_memory_get_memory_desc(m, &md);
    return md;
}

/* "nchw", "nhwc", "nChw16c", ... for step labels. */
static const char *md_name(const dnnl_memory_desc_t *md, char *buf, size_t len)
{
    const dnnl_blocking_desc_t *b = &md->format_desc.blocking;
    if (md->format_kind != dnnl_blocked || md->ndims < 2) {
        snprintf(buf, len, "%s", md->format_kind == dnnl_blocked ? "x" : "opaque");
        return buf;
    }
    const char *plain = md->ndims == 2 ? "nc" : "nchw";
    if (b->inner_nblks == 0)
        snprintf(buf, len, "%s", md->ndims == 4 && b->strides[1] == 1 ? "nhwc" : plain);
    else if (b->inner_nblks == 1 && b->inner_idxs[0] == 1)
        snprintf(buf, len, "%s%lldc", md->ndims == 2 ? "nC" : "nChw", (long long)b->inner_blks[0]);
    else
        snprintf(buf, len, "blocked");
    return buf;
}

static dstep *new_step(dnet *n, int layer, dnnl_primitive_t p)
{
    dstep *s = &n->steps[n->n++];
    memset(s, 0, sizeof *s);
    s->layer = layer;
    s->prim = p;
    return s;
}

/* Memory of producer p (-1: the network input) in layout want: the producer's own, or a
 * reorder step into a memory kept for every consumer that wants the same. */
static ib_status input_mem(dnet *n, int layer, int p, const dnnl_memory_desc_t *want,
                           dnnl_memory_t *m, ib_err *e)
{
    dnnl_memory_t have = p < 0 ? n->out[n->net->count] : n->out[p];
    dnnl_memory_t *alt = p < 0 ? &n->alt[n->net->count] : &n->alt[p];
    if (!want || dnnl_memory_desc_equal(md_of(have), want)) {
        *m = have;
        return IB_OK;
    }
    if (*alt && dnnl_memory_desc_equal(md_of(*alt), want)) {
        *m = *alt;
        return IB_OK;
    }
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_t r = NULL;
    ib_status st;
    IB_DNNL_TRY(
        e, dnnl_reorder_primitive_desc_create(&pd, md_of(have), n->engine, want, n->engine, NULL));
    if ((st = keep_prim(n, own(n, pd), &r, e)) || (st = keep_act(n, want, m, e)))
        return st;
    dstep *s = new_step(n, layer, r);
    char a[24], b[24];
    s->reorder = 1;
    s->nargs = 2;
    s->args[0] = (dnnl_exec_arg_t){DNNL_ARG_FROM, have};
    s->args[1] = (dnnl_exec_arg_t){DNNL_ARG_TO, *m};
    snprintf(s->label, sizeof s->label, "reorder %s->%s", md_name(md_of(have), a, sizeof a),
             md_name(want, b, sizeof b));
    *alt = *m;
    return IB_OK;
}

/* Untimed: a parameter from its NCHW form into a memory in the layout the primitive wants. */
static ib_status param_mem(dnet *n, const dnnl_memory_desc_t *user, const float *p,
                           const dnnl_memory_desc_t *want, dnnl_memory_t *m, ib_err *e)
{
    dnnl_memory_t u = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_t r = NULL;
    ib_status st;
    /* The reorder only reads its source: dropping const here is safe. */
    if ((st = keep_mem(n, user, (void *)(uintptr_t)p, &u, e)) ||
        (st = keep_mem(n, want, NULL, m, e)))
        return st;
    IB_DNNL_TRY(e, dnnl_reorder_primitive_desc_create(&pd, user, n->engine, want, n->engine, NULL));
    if ((st = keep_prim(n, own(n, pd), &r, e)))
        return st;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, u}, {DNNL_ARG_TO, *m}};
    IB_DNNL_TRY(e, dnnl_primitive_execute(r, n->stream, 2, args));
    IB_DNNL_TRY(e, dnnl_stream_wait(n->stream));
    return IB_OK;
}

/* The step of a primitive pd (kept) on layer i: its destination becomes the layer's output. */
static ib_status finish(dnet *n, int i, dnnl_primitive_desc_t pd, int nsrc,
                        const dnnl_exec_arg_t *src, ib_err *e)
{
    dnnl_primitive_t p = NULL;
    dnnl_memory_t dst = NULL;
    ib_status st;
    if ((st = keep_prim(n, pd, &p, e)) ||
        (st = keep_act(n, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), &dst, e)))
        return st;
    dstep *s = new_step(n, i, p);
    memcpy(s->args, src, (size_t)nsrc * sizeof *src);
    s->args[nsrc] = (dnnl_exec_arg_t){DNNL_ARG_DST, dst};
    s->nargs = nsrc + 1;
    const char *info = "";
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &info);
    snprintf(s->label, sizeof s->label, "onednn %.80s", info ? info : "");
    n->out[i] = dst;
    return IB_OK;
}

/* Pooling (and global average pooling) straight on the producer's layout. */
static ib_status pool(dnet *n, int i, const ib_pool_desc *d, dnnl_alg_kind_t alg, ib_err *e)
{
    const ib_layer *l = &n->net->layers[i];
    dnnl_memory_t src = NULL;
    ib_status st = input_mem(n, i, l->src[0], NULL, &src, e);
    if (st)
        return st;
    const int64_t ddims[4] = {d->n, d->c, d->oh, d->ow};
    dnnl_memory_desc_t dst_any;
    if ((st = ib_dnnl_md(&dst_any, 4, ddims, dnnl_format_tag_any, e)))
        return st;
    dnnl_pooling_v2_desc_t pdesc;
    dnnl_dims_t strides = {d->sh, d->sw}, kernel = {d->kh, d->kw}, dil = {0, 0};
    dnnl_dims_t pad_l = {d->pt, d->pl}, pad_r = {d->pb, d->pr};
    IB_DNNL_TRY(e,
                dnnl_pooling_v2_forward_desc_init(&pdesc, dnnl_forward_inference, alg, md_of(src),
                                                  &dst_any, strides, kernel, dil, pad_l, pad_r));
    dnnl_primitive_desc_t pd = NULL;
    IB_DNNL_TRY(e, dnnl_primitive_desc_create(&pd, &pdesc, NULL, n->engine, NULL));
    const dnnl_exec_arg_t a = {DNNL_ARG_SRC, src};
    return finish(n, i, own(n, pd), 1, &a, e);
}

/* Concat along channels of the producers' memories as they are; oneDNN picks dst. */
static ib_status concat(dnet *n, int i, ib_err *e)
{
    const ib_layer *l = &n->net->layers[i];
    dnnl_memory_desc_t mds[IB_CONCAT_MAX];
    dnnl_exec_arg_t a[IB_CONCAT_MAX];
    for (int k = 0; k < l->nsrc; k++) {
        dnnl_memory_t m = NULL;
        ib_status st = input_mem(n, i, l->src[k], NULL, &m, e);
        if (st)
            return st;
        mds[k] = *md_of(m);
        a[k] = (dnnl_exec_arg_t){DNNL_ARG_MULTIPLE_SRC + k, m};
    }
    dnnl_primitive_desc_t pd = NULL;
    IB_DNNL_TRY(e, dnnl_concat_primitive_desc_create(&pd, NULL, l->nsrc, 1, mds, NULL, n->engine));
    return finish(n, i, own(n, pd), l->nsrc, a, e);
}

/* Inner product on the producer's memory (n x c x h x w from global pooling, flattened as
 * the reference does), weights in the layout oneDNN wants, reordered untimed. */
static ib_status fc(dnet *n, int i, float *const *params, ib_err *e)
{
    const ib_layer *l = &n->net->layers[i];
    const ib_fc_desc *d = &l->desc.fc;
    dnnl_memory_t src = NULL;
    ib_status st = input_mem(n, i, l->src[0], NULL, &src, e);
    if (st)
        return st;
    const dnnl_memory_desc_t *smd = md_of(src);
    const int nd = smd->ndims;
    int64_t wdims[4] = {d->oc, d->ic, 1, 1}, ddims[2] = {d->n, d->oc};
    for (int k = 1; k < nd; k++)
        wdims[k] = smd->dims[k];
    dnnl_memory_desc_t wei_u, wei_any, dst_any, vec;
    if ((st = ib_dnnl_md(&wei_u, nd, wdims, nd == 4 ? dnnl_oihw : dnnl_oi, e)) ||
        (st = ib_dnnl_md(&wei_any, nd, wdims, dnnl_format_tag_any, e)) ||
        (st = ib_dnnl_md(&dst_any, 2, ddims, dnnl_format_tag_any, e)) ||
        (st = ib_dnnl_md(&vec, 1, &d->oc, dnnl_x, e)))
        return st;
    dnnl_inner_product_desc_t ipd;
    IB_DNNL_TRY(e, dnnl_inner_product_forward_desc_init(&ipd, dnnl_forward_inference, smd, &wei_any,
                                                        d->has_bias ? &vec : NULL, &dst_any));
    dnnl_primitive_desc_t pd = NULL;
    IB_DNNL_TRY(e, dnnl_primitive_desc_create(&pd, &ipd, NULL, n->engine, NULL));
    own(n, pd);
    dnnl_memory_t w = NULL, b = NULL;
    if ((st = param_mem(n, &wei_u, params[1],
                        dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), &w, e)) ||
        (d->has_bias && (st = param_mem(n, &vec, params[2], &vec, &b, e))))
        return st;
    dnnl_exec_arg_t a[3] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}};
    return finish(n, i, pd, d->has_bias ? 3 : 2, a, e);
}

static ib_status softmax(dnet *n, int i, ib_err *e)
{
    const ib_layer *l = &n->net->layers[i];
    dnnl_memory_t src = NULL;
    ib_status st = input_mem(n, i, l->src[0], NULL, &src, e);
    if (st)
        return st;
    dnnl_softmax_desc_t sd;
    IB_DNNL_TRY(e, dnnl_softmax_forward_desc_init(&sd, dnnl_forward_inference, md_of(src), 1));
    dnnl_primitive_desc_t pd = NULL;
    IB_DNNL_TRY(e, dnnl_primitive_desc_create(&pd, &sd, NULL, n->engine, NULL));
    const dnnl_exec_arg_t a = {DNNL_ARG_SRC, src};
    return finish(n, i, own(n, pd), 1, &a, e);
}

/* Convolution through the peer's own setup (the same primitive, post-ops and parameters as
 * `incbench bench` times), then rewired: its source is the producer's memory (reordered to
 * what "any" chose, as a step), its destination is the layer's output. */
static ib_status conv(dnet *n, int i, float *const *params, ib_err *e)
{
    const ib_layer *l = &n->net->layers[i];
    ib_args a;
    memset(&a, 0, sizeof a);
    for (int k = 0; k < IB_MAX_IN; k++)
        a.in[k] = params[k];
    a.in[0] = n->scratch;
    void *inst = NULL;
    ib_status st = ib_dnnl_prepare(ib_dnnl_setup_conv, &l->desc, &a, &inst, e);
    if (st)
        return st;
    ib_dnnl_inst *in = n->inst[i] = inst;
    int si = -1;
    for (int k = 0; k < in->nargs; k++)
        if (in->args[k].arg == DNNL_ARG_SRC)
            si = k;
    if (si < 0 || !in->dst)
        return ib_fail(e, IB_FAILED, "onednn chain: %s: convolution without src or dst", l->name);
    /* the setup's private copy of the source is not used: the producer's memory is */
    dnnl_memory_destroy(in->args[si].memory);
    in->args[si].memory = NULL;
    dnnl_memory_t src = NULL;
    if ((st = input_mem(n, i, l->src[0], dnnl_primitive_desc_query_md(in->pd, dnnl_query_src_md, 0),
                        &src, e)))
        return st;
    dstep *s = new_step(n, i, in->prim);
    memcpy(s->args, in->args, (size_t)in->nargs * sizeof *in->args);
    s->args[si].memory = src;
    s->nargs = in->nargs;
    snprintf(s->label, sizeof s->label, "onednn %.80s", in->info);
    n->out[i] = in->dst;
    n->acts[n->nacts++] = in->dst; /* the arena's bytes replace the setup's own */
    return IB_OK;
}

static ib_status layer(dnet *n, int i, float *const *params, ib_err *e)
{
    const ib_layer *l = &n->net->layers[i];
    const ib_desc *d = &l->desc;
    if (l->identity) {
        n->out[i] = n->out[l->src[0] < 0 ? n->net->count : l->src[0]];
        return IB_OK;
    }
    switch (d->op) {
    case IB_OP_CONV:
        return conv(n, i, params, e);
    case IB_OP_MAXPOOL:
        return pool(n, i, &d->pool, dnnl_pooling_max, e);
    case IB_OP_AVGPOOL:
        return pool(n, i, &d->pool,
                    d->pool.count_include_pad ? dnnl_pooling_avg_include_padding
                                              : dnnl_pooling_avg_exclude_padding,
                    e);
    case IB_OP_GAP: {
        const ib_pool_desc p = {.n = d->gap.n,
                                .c = d->gap.c,
                                .ih = d->gap.h,
                                .iw = d->gap.w,
                                .kh = d->gap.h,
                                .kw = d->gap.w,
                                .sh = 1,
                                .sw = 1,
                                .oh = 1,
                                .ow = 1};
        return pool(n, i, &p, dnnl_pooling_avg_exclude_padding, e);
    }
    case IB_OP_CONCAT:
        return concat(n, i, e);
    case IB_OP_FC:
        return fc(n, i, params, e);
    case IB_OP_SOFTMAX:
        return softmax(n, i, e);
    default:
        return ib_fail(e, IB_UNSUPPORTED, "onednn chain: %s: no chained form for %s", l->name,
                       ib_op_name(d->op));
    }
}

static void net_release(void *chain)
{
    dnet *n = chain;
    if (!n)
        return;
    for (int i = 0; n->inst && i < n->net->count; i++)
        ib_dnnl_release(n->inst[i]);
    for (int k = 0; k < n->nprims; k++)
        dnnl_primitive_destroy(n->prims[k]);
    for (int k = 0; k < n->npds; k++)
        dnnl_primitive_desc_destroy(n->pds[k]);
    for (int k = 0; k < n->nmems; k++)
        dnnl_memory_destroy(n->mems[k]);
    if (n->stream)
        dnnl_stream_destroy(n->stream);
    ib_free(n->arena);
    free(n->acts);
    free(n->scratch);
    free(n->steps);
    free(n->out);
    free(n->alt);
    free(n->inst);
    free(n->mems);
    free(n->prims);
    free(n->pds);
    free(n);
}

/* Allocations sized for the whole net: per layer at most one primitive and its descriptor,
 * a destination, one reorder (primitive, descriptor, memory) and two parameter memories. */
static ib_status net_alloc(dnet *n, const ib_chain_spec *sp, ib_err *e)
{
    const int nl = sp->net->count;
    int64_t scratch = 1;
    for (int i = 0; i < nl; i++) {
        const ib_desc *d = &sp->net->layers[i].desc;
        if (!sp->net->layers[i].identity && d->op == IB_OP_CONV && sp->use[i]) {
            const int64_t k = d->conv.n * d->conv.ic * d->conv.ih * d->conv.iw;
            scratch = k > scratch ? k : scratch;
        }
    }
    n->steps = calloc((size_t)nl * (IB_CONCAT_MAX + 1), sizeof *n->steps);
    n->out = calloc((size_t)nl + 1, sizeof *n->out);
    n->alt = calloc((size_t)nl + 1, sizeof *n->alt);
    n->inst = calloc((size_t)nl, sizeof *n->inst);
    n->mems = calloc((size_t)nl * 8 + 1, sizeof *n->mems);
    n->prims = calloc((size_t)nl * 4 + 4, sizeof *n->prims);
    n->pds = calloc((size_t)nl * 4 + 4, sizeof *n->pds);
    n->scratch = calloc((size_t)scratch, sizeof(float));
    n->acts = calloc((size_t)nl * 2 + 1, sizeof *n->acts);
    if (!n->steps || !n->out || !n->alt || !n->inst || !n->mems || !n->prims || !n->pds ||
        !n->scratch || !n->acts)
        return ib_fail(e, IB_NOMEM, "onednn chain: out of memory");
    return IB_OK;
}

static int act_index(const dnet *n, dnnl_memory_t m)
{
    for (int a = 0; a < n->nacts; a++)
        if (n->acts[a] == m)
            return a;
    return -1;
}

/* Activations planned as inference engines plan them (core/buffer_plan.h): a memory lives from
 * the step that writes it to the last step that reads it, and memories whose lives do not
 * meet share the arena's bytes, so the pass touches a working set that stays in cache rather
 * than a fresh buffer per layer. A memory no step reads (an output of the network) lives to
 * the end of the pass; a layer read after it (keep) has bytes no other step writes. */
static ib_status plan_activations(dnet *n, const int *keep, ib_err *e)
{
    ib_buf_life *b = calloc((size_t)n->nacts + 1, sizeof *b);
    if (!b)
        return ib_fail(e, IB_NOMEM, "onednn chain: out of memory");
    for (int a = 0; a < n->nacts; a++)
        b[a] = ib_buffer_life(dnnl_memory_desc_get_size(md_of(n->acts[a])));
    for (int k = 0; k < n->n; k++)
        for (int j = 0; j < n->steps[k].nargs; j++) {
            const dnnl_exec_arg_t *x = &n->steps[k].args[j];
            const int a = act_index(n, x->memory);
            if (a >= 0)
                ib_buffer_access(&b[a], k, x->arg == DNNL_ARG_DST || x->arg == DNNL_ARG_TO);
        }
    for (int i = 0; keep && i < n->net->count; i++)
        if (keep[i] && act_index(n, n->out[i]) >= 0)
            ib_buffer_keep(&b[act_index(n, n->out[i])]);
    const size_t size = ib_buffer_plan(b, n->nacts);
    for (int a = 0; a < n->nacts; a++)
        n->fresh_bytes += (double)b[a].bytes;
    n->arena_bytes = (double)size;
    ib_status st = IB_OK;
    if (n->nacts > 0 && !(n->arena = ib_alloc(size)))
        st = ib_fail(e, IB_NOMEM, "onednn chain: out of memory for %zu bytes of activations", size);
    for (int a = 0; !st && a < n->nacts; a++)
        if (dnnl_memory_set_data_handle(n->acts[a], (char *)n->arena + b[a].offset) != dnnl_success)
            st = ib_fail(e, IB_FAILED, "onednn chain: placing an activation failed");
    free(b);
    return st;
}

static ib_status net_create(const ib_chain_spec *sp, void **chain, ib_err *e)
{
    *chain = NULL;
    dnet *n = calloc(1, sizeof *n);
    if (!n)
        return ib_fail(e, IB_NOMEM, "onednn chain: out of memory");
    n->net = sp->net;
    ib_status st = net_alloc(n, sp, e);
    if (!st && !(st = ib_dnnl_engine(&n->engine, e))) {
        dnnl_status_t s = dnnl_stream_create(&n->stream, n->engine, dnnl_stream_default_flags);
        if (s != dnnl_success)
            st = ib_dnnl_fail(e, s, "dnnl_stream_create");
    }
    /* the network input: the user's NCHW buffer, read in place */
    const ib_layer *first = NULL;
    for (int i = 0; !st && i < sp->net->count && !first; i++)
        for (int k = 0; k < sp->net->layers[i].nsrc; k++)
            if (sp->net->layers[i].src[k] < 0 && sp->net->layers[i].desc.op == IB_OP_CONV)
                first = &sp->net->layers[i];
    if (!st && !first)
        st = ib_fail(e, IB_INVALID, "onednn chain: no convolution reads the network input");
    if (!st) {
        const ib_conv_desc *c = &first->desc.conv;
        const int64_t dims[4] = {c->n, c->ic, c->ih, c->iw};
        dnnl_memory_desc_t md;
        if (!(st = ib_dnnl_md(&md, 4, dims, dnnl_nchw, e)))
            st = keep_mem(n, &md, (void *)(uintptr_t)sp->input, &n->out[sp->net->count], e);
    }
    for (int i = 0; !st && i < sp->net->count; i++)
        if (sp->use[i])
            st = layer(n, i, sp->params[i], e);
    if (!st)
        st = plan_activations(n, sp->keep, e);
    if (st) {
        net_release(n);
        return st;
    }
    *chain = n;
    return IB_OK;
}

static int net_steps(const void *chain)
{
    return ((const dnet *)chain)->n;
}

static int net_step_info(const void *chain, int k, int *reorder, const char **label)
{
    const dstep *s = &((const dnet *)chain)->steps[k];
    if (reorder)
        *reorder = s->reorder;
    if (label)
        *label = s->label;
    return s->layer;
}

static ib_status net_run_step(void *chain, int k)
{
    dnet *n = chain;
    const dstep *s = &n->steps[k];
    if (dnnl_primitive_execute(s->prim, n->stream, s->nargs, s->args) != dnnl_success ||
        dnnl_stream_wait(n->stream) != dnnl_success)
        return IB_FAILED;
    return IB_OK;
}

/* Untimed, with temporaries: read may be called any number of times. */
static ib_status net_read(void *chain, int layer, float *nchw)
{
    dnet *n = chain;
    ib_err e = {{0}};
    if (!n->out[layer])
        return IB_INVALID;
    const dnnl_memory_desc_t *md = md_of(n->out[layer]);
    dnnl_memory_desc_t user;
    if (ib_dnnl_md(&user, md->ndims, md->dims, md->ndims == 4 ? dnnl_nchw : dnnl_nc, &e))
        return IB_FAILED;
    dnnl_memory_t m = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_t r = NULL;
    int ok = !dnnl_memory_create(&m, &user, n->engine, nchw) &&
             !dnnl_reorder_primitive_desc_create(&pd, md, n->engine, &user, n->engine, NULL) &&
             !dnnl_primitive_create(&r, pd);
    if (ok) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, n->out[layer]}, {DNNL_ARG_TO, m}};
        ok = !dnnl_primitive_execute(r, n->stream, 2, args) && !dnnl_stream_wait(n->stream);
    }
    dnnl_primitive_destroy(r);
    dnnl_primitive_desc_destroy(pd);
    dnnl_memory_destroy(m);
    return ok ? IB_OK : IB_FAILED;
}

static void net_activations(const void *chain, double *fresh, double *arena)
{
    const dnet *n = chain;
    *fresh = n->fresh_bytes;
    *arena = n->arena_bytes;
}

static ib_status net_poison(void *chain, int layer)
{
    dnet *n = chain;
    void *h = NULL;
    if (!n->out[layer] || dnnl_memory_get_data_handle(n->out[layer], &h) || !h)
        return IB_INVALID;
    const size_t count = dnnl_memory_desc_get_size(md_of(n->out[layer])) / sizeof(float);
    float *p = h;
    for (size_t k = 0; k < count; k++)
        p[k] = NAN;
    return IB_OK;
}

const ib_chain_ops ib_onednn_chain = {
    .create = net_create,
    .steps = net_steps,
    .step_info = net_step_info,
    .run_step = net_run_step,
    .read = net_read,
    .activations = net_activations,
    .poison = net_poison,
    .release = net_release,
};
