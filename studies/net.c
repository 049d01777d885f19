/* Inception-v3 forward pass per implementation family, against the reference network. */
#include "studies/net.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buffer_plan.h"
#include "core/chain.h"
#include "core/inception_v3.h"
#include "core/registry.h"
#include "core/rng.h"
#include "harness/gbench.h"
#include "harness/peak_probes.h"
#include "harness/stats.h"
#include "ops/op_traits.h"
#include "reference/reference.h"
#include "report/csv.h"
#include "report/results.h"
#include "studies/net_best.h"

enum { MAX_FAM = 8 };

/* A pass against another family's (best against the family it started from, the others against
 * the peer): BESIDE_ROUNDS rounds, each its own Google Benchmark run of the two passes,
 * BESIDE_REPS repetitions each interleaved at random. A burst
 * of load lasts several repetitions, so repetitions of one run are not independent and their
 * interval came out narrower than the spread between runs (two identical passes 1.077 [1.014,
 * 1.159] apart); rounds are the independent units, as in factor (ib_ratio_ci_rounds: 10 rounds
 * give an interval from the 9th smallest to the 9th largest of 55 Walsh averages). */
enum { BESIDE_ROUNDS = 10, BESIDE_REPS = 5, BESIDE_SAMPLES = BESIDE_ROUNDS * BESIDE_REPS };
_Static_assert((int)BESIDE_SAMPLES <= (int)IB_MAX_REPS, "one ib_timing holds every round");

/* The network with its parameters and the reference activations. */
typedef struct model {
    ib_net net;
    int use_aux;
    float *params[256][IB_MAX_IN]; /* per layer: parameter inputs (NULL for data) */
    float *input;
    float **ref_out;    /* per layer, NCHW */
    int logits;         /* index of the main fc */
    int depth;          /* conv/fc layers on the longest path */
    int64_t kmax;       /* longest accumulation */
    double param_bytes; /* weights, biases and scales of the layers in the pass */
} model;

static int included(const model *m, int i)
{
    return !m->net.layers[i].aux || m->use_aux;
}

static int64_t out_elems(const ib_desc *d)
{
    ib_arg_shapes s;
    ib_arg_shapes_of(d, &s);
    return ib_dims_count(s.out[0]);
}

/* Fills the parameters: He-uniform conv weights (activations keep their scale through
 * ReLUs), folded batch-norm scale near 1 and shift near 0, small fc weights. */
static ib_status model_init(model *m, int64_t batch, int aux, ib_err *e)
{
    memset(m, 0, sizeof *m);
    m->use_aux = aux;
    if (ib_inception_v3_build(batch, &m->net, e) != IB_OK)
        return IB_FAILED;
    if (m->net.count > 256)
        return ib_fail(e, IB_INVALID, "net: %d layers", m->net.count);
    uint64_t s = 0x1ce97;
    m->input = ib_alloc((size_t)(batch * 3 * 299 * 299) * sizeof(float));
    m->ref_out = calloc((size_t)m->net.count, sizeof *m->ref_out);
    if (!m->input || !m->ref_out)
        return ib_fail(e, IB_NOMEM, "net: out of memory");
    for (int64_t k = 0; k < batch * 3 * 299 * 299; k++)
        m->input[k] = ib_rng_uniform(&s, -1, 1);
    int *depth = calloc((size_t)m->net.count, sizeof *depth);
    for (int i = 0; i < m->net.count; i++) {
        ib_layer *l = &m->net.layers[i];
        int dep = 0;
        for (int k = 0; k < l->nsrc; k++)
            if (l->src[k] >= 0 && depth[l->src[k]] > dep)
                dep = depth[l->src[k]];
        if (l->identity) {
            depth[i] = dep;
            continue;
        }
        ib_arg_shapes as;
        ib_arg_shapes_of(&l->desc, &as);
        const int weighted = l->desc.op == IB_OP_CONV || l->desc.op == IB_OP_FC;
        depth[i] = dep + weighted;
        if (!l->aux && l->desc.op == IB_OP_FC)
            m->logits = i;
        int64_t fan = l->desc.op == IB_OP_CONV ? l->desc.conv.ic * l->desc.conv.kh * l->desc.conv.kw
                      : l->desc.op == IB_OP_FC ? l->desc.fc.ic
                                               : 1;
        if (weighted && fan > m->kmax && included(m, i))
            m->kmax = fan;
        for (int k = 0; k < as.nin; k++) {
            int64_t n = ib_dims_count(as.in[k]);
            if (as.in_is_data[k] || n == 0)
                continue;
            float *p = m->params[i][k] = ib_alloc((size_t)n * sizeof(float));
            if (!p)
                return ib_fail(e, IB_NOMEM, "net: out of memory");
            if (included(m, i))
                m->param_bytes += (double)n * sizeof(float);
            const float a =
                l->desc.op == IB_OP_CONV ? sqrtf(6.0f / (float)fan) : 1.0f / sqrtf((float)fan);
            for (int64_t j = 0; j < n; j++) {
                if (k == 1)
                    p[j] = ib_rng_uniform(&s, -a, a);
                else if (l->desc.op == IB_OP_CONV && k == 3)
                    p[j] = ib_rng_uniform(&s, 0.9f, 1.1f); /* scale */
                else
                    p[j] = ib_rng_uniform(&s, -0.05f, 0.05f); /* bias, shift */
            }
        }
    }
    m->depth = depth[m->logits];
    free(depth);
    return IB_OK;
}

static void model_free(model *m)
{
    for (int i = 0; i < m->net.count; i++) {
        for (int k = 0; k < IB_MAX_IN; k++)
            ib_free(m->params[i][k]);
        if (m->ref_out && !m->net.layers[i].identity)
            ib_free(m->ref_out[i]);
    }
    free(m->ref_out);
    ib_free(m->input);
    ib_net_free(&m->net);
}

/* Arguments of layer i with its inputs taken from bufs (NCHW). */
static void layer_args(const model *m, int i, float *const *bufs, float *out, ib_args *a)
{
    const ib_layer *l = &m->net.layers[i];
    memset(a, 0, sizeof *a);
    for (int k = 0; k < IB_MAX_IN; k++)
        a->in[k] = m->params[i][k];
    for (int k = 0; k < l->nsrc; k++)
        a->in[k] = l->src[k] < 0 ? m->input : bufs[l->src[k]];
    a->out[0] = out;
}

static ib_status model_reference(model *m, ib_err *e)
{
    for (int i = 0; i < m->net.count; i++) {
        const ib_layer *l = &m->net.layers[i];
        if (!included(m, i))
            continue;
        if (l->identity) {
            m->ref_out[i] = m->ref_out[l->src[0]];
            continue;
        }
        if (!(m->ref_out[i] = ib_alloc((size_t)out_elems(&l->desc) * sizeof(float))))
            return ib_fail(e, IB_NOMEM, "net: out of memory");
        ib_args a;
        layer_args(m, i, m->ref_out, m->ref_out[i], &a);
        ib_ref_run(&l->desc, &a);
    }
    return IB_OK;
}

/* One executable step of a family's forward pass: a native kernel, one of our reorders, or
 * a step of a peer's own chain (a layer or a reorder of its own). */
typedef enum { STEP_NATIVE, STEP_REORDER, STEP_PEER } step_kind;
typedef struct step {
    step_kind kind;
    int reorder; /* a layout change (ours or the peer's) */
    int layer;
    const ib_desc *d;
    const ib_impl *impl;
    const ib_native *nat;
    void *packed;
    void *peer; /* STEP_PEER: the chain and its step */
    const ib_chain_ops *ops;
    int k;
    const float *src[IB_MAX_IN]; /* a reorder: src[0] to dst[0] */
    float *dst[IB_MAX_OUT];
    /* the activations behind src and dst (chain.acts; -1: the network input), placed by
     * chain_place */
    int nsrc, sbuf[IB_MAX_IN], dbuf;
    /* reorder */
    ib_layout rsl, rdl;
    ib_dims rdims;
    ib_timing t;    /* timed alone, repeated */
    double in_pass; /* median wall seconds inside whole passes (profile_passes) */
    char label[96];
} step;

typedef struct chain {
    step *steps;
    int n;
    float **out; /* per layer output buffer (its layout in lay[]) */
    int *obuf;   /* per layer: the activation holding its output (-1: the network input) */
    ib_layout *lay;
    ib_buf_life *acts; /* activations of our steps, in one arena (chain_place) */
    int nacts;
    void *arena;
    double fresh_bytes, arena_bytes; /* the activations as fresh buffers, and planned */
    float **extra;                   /* buffers to free */
    int nextra;
    void *peer; /* a peer's own chain, when the family has one */
    const ib_chain_ops *peer_ops;
} chain;

static int run_step(void *p)
{
    step *s = p;
    switch (s->kind) {
    case STEP_NATIVE:
        s->nat->exec(s->d, s->packed, s->src, s->dst);
        return 0;
    case STEP_PEER:
        return s->ops->run_step(s->peer, s->k) != IB_OK;
    case STEP_REORDER:
        ib_reorder(s->src[0], s->rsl, s->dst[0], s->rdl, s->rdims.n, s->rdims.c, s->rdims.h,
                   s->rdims.w);
        return 0;
    }
    return 1;
}

static float *chain_alloc(chain *c, int64_t elems)
{
    float *p = ib_alloc((size_t)(elems > 0 ? elems : 1) * sizeof(float));
    if (p)
        c->extra[c->nextra++] = p;
    return p;
}

static void chain_free(chain *c)
{
    if (c->peer)
        c->peer_ops->release(c->peer);
    for (int i = 0; i < c->nextra; i++)
        ib_free(c->extra[i]);
    free(c->extra);
    ib_free(c->arena);
    free(c->acts);
    free(c->obuf);
    free(c->steps);
    free(c->out);
    free(c->lay);
    memset(c, 0, sizeof *c);
}

/* The implementation layer i runs with in family fam: the family's own (or, for an algorithm
 * family, the direct family of its ISA: ib_registry_family_impl) when it runs here and
 * supports the problem, else our direct native kernels of the highest ISA that run it (an
 * algorithm that rounds differently, with an error_bound, is not one), else the reference. */
static const ib_impl *choose(const ib_desc *d, const char *fam, int *fallback)
{
    const ib_impl *im = ib_registry_family_impl(fam, d);
    *fallback = !im || strcmp(im->name, fam) != 0;
    if (im)
        return im;
    const ib_impl *impls[64], *best = NULL;
    const int n = ib_registry_find(d->op, 0, impls, 64); /* usable here, reference first */
    for (int k = 0; k < n; k++) {
        const ib_impl *c = impls[k];
        const int direct = c->kind == IB_KIND_NATIVE && !c->error_bound;
        const int fits = !c->supports || c->supports(d, NULL);
        if (fits && (!best || (direct && (best->kind != IB_KIND_NATIVE || c->isa > best->isa))))
            best = c;
    }
    return best;
}

/* A new activation of elems floats; its bytes are placed with the others by chain_place. */
static int chain_act(chain *c, int64_t elems)
{
    c->acts[c->nacts] = ib_buffer_life((size_t)(elems > 0 ? elems : 1) * sizeof(float));
    return c->nacts++;
}

/* Input k of layer i in layout want: the producer's activation, or a reorder step into a new
 * one (timed with the pass: a layout change costs what it costs). */
static int input_in(const model *m, chain *c, int i, int k, ib_layout want)
{
    const ib_layer *l = &m->net.layers[i];
    const int p = l->src[k];
    const int have_buf = p < 0 ? -1 : c->obuf[p];
    const ib_layout have = p < 0 ? IB_LAYOUT_NCHW : c->lay[p];
    if (have == want)
        return have_buf;
    ib_arg_shapes as;
    ib_arg_shapes_of(&l->desc, &as);
    const ib_dims dd = as.in[k];
    const int dst = chain_act(c, ib_layout_elems(want, dd.n, dd.c, dd.h, dd.w));
    step *s = &c->steps[c->n++];
    *s = (step){.kind = STEP_REORDER,
                .reorder = 1,
                .layer = i,
                .nsrc = 1,
                .sbuf = {have_buf},
                .dbuf = dst,
                .rsl = have,
                .rdl = want,
                .rdims = dd};
    snprintf(s->label, sizeof s->label, "reorder %s->%s", ib_layout_name(have),
             ib_layout_name(want));
    return dst;
}

static float *act_ptr(const model *m, const chain *c, int b)
{
    return b < 0 ? m->input : (float *)((char *)c->arena + c->acts[b].offset);
}

/* Activations planned as inference engines plan them (core/buffer_plan.h), by the same rule as
 * the oneDNN chain's: an activation lives from the step that writes it to the last step that
 * reads it, and activations whose lives do not meet share bytes of one arena, so the pass
 * works in a set that stays in cache rather than in a fresh buffer per layer. The logits,
 * read after the pass, and an output no step reads have bytes of their own to the end. */
static ib_status chain_place(const model *m, chain *c, ib_err *e)
{
    for (int k = 0; k < c->n; k++) {
        const step *s = &c->steps[k];
        for (int j = 0; j < s->nsrc; j++)
            if (s->sbuf[j] >= 0)
                ib_buffer_access(&c->acts[s->sbuf[j]], k, 0);
        ib_buffer_access(&c->acts[s->dbuf], k, 1);
    }
    if (c->obuf[m->logits] >= 0)
        ib_buffer_keep(&c->acts[c->obuf[m->logits]]);
    const size_t size = ib_buffer_plan(c->acts, c->nacts);
    for (int a = 0; a < c->nacts; a++)
        c->fresh_bytes += (double)c->acts[a].bytes;
    c->arena_bytes = (double)size;
    if (c->nacts > 0 && !(c->arena = ib_alloc(size)))
        return ib_fail(e, IB_NOMEM, "net: out of memory for %zu bytes of activations", size);
    for (int k = 0; k < c->n; k++) {
        step *s = &c->steps[k];
        for (int j = 0; j < s->nsrc; j++)
            s->src[j] = act_ptr(m, c, s->sbuf[j]);
        s->dst[0] = act_ptr(m, c, s->dbuf);
    }
    for (int i = 0; i < m->net.count; i++)
        if (included(m, i))
            c->out[i] = act_ptr(m, c, c->obuf[i]);
    return IB_OK;
}

/* Builds and runs once the forward pass with impls[i] per layer; the chain keeps its buffers
 * so that each step can be timed again alone, on an input of its shape. */
static ib_status chain_build(const model *m, const ib_impl *const *impls, chain *c, ib_err *e)
{
    const int nl = m->net.count;
    memset(c, 0, sizeof *c);
    c->steps = calloc((size_t)nl * 4, sizeof *c->steps);
    c->out = calloc((size_t)nl, sizeof *c->out);
    c->obuf = calloc((size_t)nl, sizeof *c->obuf);
    c->lay = calloc((size_t)nl, sizeof *c->lay);
    c->extra = calloc((size_t)nl * 8, sizeof *c->extra);
    c->acts = calloc((size_t)nl * 4, sizeof *c->acts);
    if (!c->steps || !c->out || !c->obuf || !c->lay || !c->extra || !c->acts)
        return ib_fail(e, IB_NOMEM, "net: out of memory");
    for (int i = 0; i < nl; i++) {
        const ib_layer *l = &m->net.layers[i];
        if (!included(m, i))
            continue;
        if (l->identity) {
            c->obuf[i] = c->obuf[l->src[0]];
            c->lay[i] = c->lay[l->src[0]];
            continue;
        }
        const ib_impl *im = impls[i];
        ib_arg_shapes as;
        ib_arg_shapes_of(&l->desc, &as);
        const ib_dims od = as.out[0];
        if (im->native) {
            const ib_native *nat = im->native(&l->desc);
            if (!nat || !nat->exec)
                return ib_fail(e, IB_UNSUPPORTED, "net: %s: %s has no kernel", l->name, im->name);
            int src[IB_MAX_IN] = {0};
            for (int k = 0; k < l->nsrc; k++)
                src[k] = input_in(m, c, i, k, nat->src_layout);
            const int dst = chain_act(c, ib_layout_elems(nat->dst_layout, od.n, od.c, od.h, od.w));
            size_t pb = nat->packed_bytes ? nat->packed_bytes(&l->desc) : 0;
            void *packed = pb ? chain_alloc(c, (int64_t)(pb + 3) / 4) : NULL;
            if (pb && !packed)
                return ib_fail(e, IB_NOMEM, "net: out of memory");
            if (nat->pack) { /* parameters only: the activations have no bytes yet */
                ib_args a;
                layer_args(m, i, c->out, NULL, &a);
                nat->pack(&l->desc, &a, packed);
            }
            step *s = &c->steps[c->n++];
            *s = (step){.kind = STEP_NATIVE,
                        .layer = i,
                        .d = &l->desc,
                        .impl = im,
                        .nat = nat,
                        .packed = packed,
                        .nsrc = l->nsrc,
                        .dbuf = dst};
            memcpy(s->sbuf, src, sizeof src);
            snprintf(s->label, sizeof s->label, "%s", nat->kernel ? nat->kernel : im->name);
            c->obuf[i] = dst;
            c->lay[i] = nat->dst_layout;
        } else {
            /* A peer that owns its memory and has no chained form would run each layer on a
             * private copy of its input: not a network. */
            return ib_fail(e, IB_UNSUPPORTED,
                           "%s has no chained form (it runs each layer on its own copy of the "
                           "input), so it has no whole-network time",
                           im->name);
        }
    }
    ib_status st = chain_place(m, c, e);
    for (int k = 0; st == IB_OK && k < c->n; k++)
        run_step(&c->steps[k]);
    return st;
}

/* The family's own chain when its layers belong to a peer that builds one (every layer the
 * same peer): steps are the peer's, reorders included; the whole pass runs once. */
static ib_status chain_build_peer(const model *m, const ib_impl *const *impls,
                                  const ib_chain_ops *ops, chain *c, ib_err *e)
{
    const int nl = m->net.count;
    memset(c, 0, sizeof *c);
    int *use = calloc((size_t)nl * 2 + 1, sizeof *use); /* use, then keep */
    c->out = calloc((size_t)nl, sizeof *c->out);
    c->lay = calloc((size_t)nl, sizeof *c->lay);
    c->extra = calloc(1, sizeof *c->extra);
    if (!use || !c->out || !c->lay || !c->extra) {
        free(use);
        return ib_fail(e, IB_NOMEM, "net: out of memory");
    }
    for (int i = 0; i < nl; i++) {
        use[i] = included(m, i);
        if (use[i] && !m->net.layers[i].identity && impls[i]->chain != ops) {
            free(use);
            return ib_fail(e, IB_UNSUPPORTED, "net: %s: %s is not part of the %s chain",
                           m->net.layers[i].name, impls[i]->name, impls[i]->name);
        }
    }
    use[nl + m->logits] = 1; /* keep: the logits are read after the pass */
    const ib_chain_spec sp = {
        .net = &m->net, .use = use, .params = m->params, .input = m->input, .keep = use + nl};
    ib_status st = ops->create(&sp, &c->peer, e);
    free(use);
    if (st != IB_OK)
        return st;
    c->peer_ops = ops;
    const int ns = ops->steps(c->peer);
    if (!(c->steps = calloc((size_t)ns + 1, sizeof *c->steps)))
        return ib_fail(e, IB_NOMEM, "net: out of memory");
    for (int k = 0; k < ns; k++) {
        step *s = &c->steps[c->n++];
        const char *label = "";
        int ro = 0;
        const int i = ops->step_info(c->peer, k, &ro, &label);
        *s = (step){
            .kind = STEP_PEER, .reorder = ro, .layer = i, .peer = c->peer, .ops = ops, .k = k};
        if (!ro) {
            s->d = &m->net.layers[i].desc;
            s->impl = impls[i];
        }
        snprintf(s->label, sizeof s->label, "%s", label);
        if (run_step(s))
            return ib_fail(e, IB_FAILED, "net: %s: %s failed", m->net.layers[i].name, label);
    }
    c->out[m->logits] = chain_alloc(c, out_elems(&m->net.layers[m->logits].desc));
    if (!c->out[m->logits])
        return ib_fail(e, IB_NOMEM, "net: out of memory");
    if (ops->read(c->peer, m->logits, c->out[m->logits]) != IB_OK)
        return ib_fail(e, IB_FAILED, "net: reading the logits back failed");
    return IB_OK;
}

/* 1 when every layer of the pass runs a native kernel (buffers another family can read). */
static int native_only(const model *m, const ib_impl *const *impls)
{
    for (int i = 0; impls && i < m->net.count; i++)
        if (included(m, i) && !m->net.layers[i].identity && (!impls[i] || !impls[i]->native))
            return 0;
    return impls != NULL;
}

/* Normwise relative error of the logits: max |got - want| / max |want|. */
static double logits_error(const model *m, const chain *c)
{
    const ib_desc *d = &m->net.layers[m->logits].desc;
    const int64_t n = out_elems(d);
    const float *got = c->out[m->logits], *want = m->ref_out[m->logits];
    double num = 0, den = 0;
    for (int64_t k = 0; k < n; k++) {
        if (!isfinite(got[k]))
            return INFINITY;
        num = fmax(num, fabs((double)got[k] - want[k]));
        den = fmax(den, fabs((double)want[k]));
    }
    return den > 0 ? num / den : num;
}

enum { PASS_CALLS = 256 }; /* calls of the pass whose per-step times are kept */

typedef struct e2e_ctx {
    chain *c;
    double *per_call; /* NULL, or [PASS_CALLS][c->n]: per call, each step's seconds per pass */
    int calls;
} e2e_ctx;

static int run_all(void *p)
{
    chain *c = ((e2e_ctx *)p)->c;
    for (int i = 0; i < c->n; i++)
        if (run_step(&c->steps[i]))
            return 1;
    return 0;
}

/* Google Benchmark bodies: a step, or the whole pass, iters times. */
static int gb_step(void *p, int64_t iters)
{
    for (int64_t k = 0; k < iters; k++)
        if (run_step(p))
            return 1;
    return 0;
}

/* The pass, with the clock read between steps (tens of nanoseconds each, against
 * milliseconds of work per step): what each step costs inside the running network. */
static int gb_all(void *p, int64_t iters)
{
    e2e_ctx *x = p;
    const chain *c = x->c;
    double *acc =
        x->per_call && x->calls < PASS_CALLS ? x->per_call + (size_t)x->calls * c->n : NULL;
    for (int64_t k = 0; !acc && k < iters; k++)
        if (run_all(p))
            return 1;
    if (!acc)
        return 0;
    memset(acc, 0, (size_t)c->n * sizeof *acc);
    for (int64_t k = 0; k < iters; k++) {
        double t0 = ib_now();
        for (int i = 0; i < c->n; i++) {
            if (run_step(&c->steps[i]))
                return 1;
            const double t1 = ib_now();
            acc[i] += t1 - t0;
            t0 = t1;
        }
    }
    for (int i = 0; i < c->n; i++)
        acc[i] /= (double)iters;
    x->calls++;
    return 0;
}

typedef struct fam_result {
    char name[24];
    int ok; /* built and timed */
    char why[256];
    double err;
    int pass;
    ib_timing total;    /* end to end */
    double sum_layers;  /* sum of per-step medians */
    double sum_in_pass; /* sum of the steps' medians inside whole passes */
    double extra_fma;   /* in pass - alone, summed over the steps with weights (conv, fc) */
    double fresh_bytes, arena_bytes; /* activations: one buffer each, and planned */
    double reorders;                 /* of which reorder steps */
    int skipped;                     /* no whole-network form (why says why) */
    double predicted;                /* best: the sum of step minimums its choice predicted */
    double flops;                    /* executed direct FLOPs of the pass: its effective GFLOP/s */
    double peak_flops; /* what the kernels really multiply (Winograd: its products): %peak */
    double peak;
    int fallbacks;
    double *kernel_min; /* per layer: its steps' minimums, reorders excluded */
    double *kernel_max; /* and their maximums */
    char beside[24];    /* best: the family whose pass was timed beside its own */
    ib_ratio_ci vs;     /* best's pass / that family's pass, their repetitions interleaved */
} fam_result;

/* A step whose rate is compared with the FMA peak (not a reorder; a multiply-add layer type). */
static int fma_step(const step *s)
{
    return !s->reorder && ib_op_traits_of(s->d->op)->fma_bound;
}

static int cmp_step_desc(const void *x, const void *y)
{
    const step *a = x, *b = y;
    return (a->t.med < b->t.med) - (a->t.med > b->t.med);
}

static double layer_flops(const ib_desc *d)
{
    ib_work w;
    ib_desc_work(d, &w);
    return (double)w.flops_exec;
}

/* Each step's median over the timed calls of the pass (NaN when none was recorded). */
static void in_pass_medians(chain *c, const e2e_ctx *x)
{
    double v[PASS_CALLS], tmp[PASS_CALLS];
    for (int i = 0; i < c->n; i++) {
        for (int k = 0; k < x->calls; k++)
            v[k] = x->per_call[(size_t)k * c->n + i];
        c->steps[i].in_pass = x->calls > 0 ? ib_median(v, x->calls, tmp) : NAN;
    }
}

/* The pass of chain c (family fam) over that of by_c (family by), in BESIDE_ROUNDS rounds:
 * their ratio and its interval in *vs. 0, or -1 when a repetition failed. */
static int time_beside(const ib_run_opts *o, const char *fam, chain *c, const char *by, chain *by_c,
                       ib_ratio_ci *vs)
{
    ib_timing t[2]; /* [0] by's passes, [1] fam's: every round's samples, in order */
    int ends[2][BESIDE_ROUNDS];
    memset(t, 0, sizeof t);
    e2e_ctx ec[2] = {{by_c, NULL, 0}, {c, NULL, 0}};
    for (int round = 0; round < BESIDE_ROUNDS; round++) {
        ib_progress(o, round + 1, BESIDE_ROUNDS, "%s against %s: round %d of %d", fam, by,
                    round + 1, BESIDE_ROUNDS);
        for (int k = 0; k < 2; k++) {
            char nm[80];
            snprintf(nm, sizeof nm, "net/%s/beside/%s/round%d", k ? fam : by, k ? by : fam, round);
            const ib_gb_bench b = {.name = nm,
                                   .fn = gb_all,
                                   .ctx = &ec[k],
                                   .use_real_time = 1,
                                   .repetitions = BESIDE_REPS,
                                   .min_time = o->min_time,
                                   .tag = &t[k]};
            ib_gb_register(&b);
        }
        ib_gb_run_collect(ib_gb_collect_timing, NULL);
        ib_gb_clear();
        for (int k = 0; k < 2; k++) {
            if (t[k].failed || t[k].reps != (round + 1) * BESIDE_REPS)
                return -1;
            ends[k][round] = t[k].reps;
        }
    }
    return ib_ratio_ci_rounds(t[0].samples, ends[0], t[1].samples, ends[1], BESIDE_ROUNDS, 0.95,
                              vs);
}

/* The chain of a peer whose primitives chain in its own memories (oneDNN), or NULL: our
 * kernels' and libxsmm's buffers. */
static const ib_chain_ops *peer_of(const model *m, const ib_impl *const *impls)
{
    for (int i = 0; i < m->net.count; i++)
        if (included(m, i) && !m->net.layers[i].identity)
            return impls[i]->chain;
    return NULL;
}

static ib_status family_chain(const model *m, const ib_impl *const *impls, chain *c, ib_err *e)
{
    const ib_chain_ops *peer = peer_of(m, impls);
    return peer ? chain_build_peer(m, impls, peer, c, e) : chain_build(m, impls, c, e);
}

/* Family r (kernels impls) against family by (its chain by_c, built by the caller), their
 * passes timed beside each other in rounds: the ratio in r->vs, by's name in r->beside. 0, or
 * 1 with the error said. */
static int beside(const ib_run_opts *o, const model *m, fam_result *r, const ib_impl *const *impls,
                  const char *by, chain *by_c)
{
    ib_err e = {{0}};
    chain c;
    int rc = 0;
    if (family_chain(m, impls, &c, &e) != IB_OK) {
        fprintf(stderr, "incbench %s: %s beside %s: %s\n", o->cmd, r->name, by, e.msg);
        rc = 1;
    } else if (time_beside(o, r->name, &c, by, by_c, &r->vs) == 0) {
        snprintf(r->beside, sizeof r->beside, "%s", by);
    } else {
        fprintf(stderr, "incbench %s: %s beside %s: a repetition failed\n", o->cmd, r->name, by);
        rc = 1;
    }
    chain_free(&c);
    return rc;
}

/* Times family fam (its kernels impls[layer]) and fills r. */
static int run_family(const ib_run_opts *o, FILE *out, const model *m, const char *fam,
                      const ib_impl *const *impls, int threads, double tol, fam_result *r,
                      FILE *lcsv, ib_gbjson *js, int top)
{
    ib_err e = {{0}};
    chain c;
    snprintf(r->name, sizeof r->name, "%s", fam);
    r->kernel_min = calloc((size_t)m->net.count, sizeof *r->kernel_min);
    r->kernel_max = calloc((size_t)m->net.count, sizeof *r->kernel_max);
    ib_status st = !r->kernel_min || !r->kernel_max ? ib_fail(&e, IB_NOMEM, "net: out of memory")
                                                    : family_chain(m, impls, &c, &e);
    if (st != IB_OK) {
        snprintf(r->why, sizeof r->why, "%s", e.msg);
        chain_free(&c);
        if (st == IB_UNSUPPORTED) { /* said in the table, not an error of the run */
            r->skipped = 1;
            return 0;
        }
        fprintf(stderr, "incbench %s: %s: %s\n", o->cmd, fam, e.msg);
        return 1;
    }
    r->err = logits_error(m, &c);
    r->pass = r->err <= tol;
    /* Every step and the whole pass are Google Benchmark benchmarks, timed like `incbench
     * bench`'s, their repetitions interleaved at random, so that the sum of steps and the
     * total share whatever load the machine had meanwhile. */
    e2e_ctx ec = {&c, malloc((size_t)PASS_CALLS * (size_t)c.n * sizeof(double)), 0};
    const int reps = (int)o->reps;
    ib_progress(o, 1, 1, "%s: %d steps and the pass, %d repetitions each, interleaved", fam, c.n,
                reps);
    ib_gb_init_interleaved();
    memset(&r->total, 0, sizeof r->total);
    for (int i = 0; i <= c.n; i++) {
        step *s = i < c.n ? &c.steps[i] : NULL;
        char nm[200];
        if (s) {
            /* A layer's second and later reorders (a concat's inputs from another layout) are
             * numbered: each step's samples come back by its name. */
            int nth = 0;
            for (int j = 0; s->reorder && j < i; j++)
                nth += c.steps[j].reorder && c.steps[j].layer == s->layer;
            char re[24] = "";
            if (s->reorder)
                snprintf(re, sizeof re, nth ? "/reorder%d" : "/reorder", nth + 1);
            snprintf(nm, sizeof nm, "net/%s/%s%s", fam, m->net.layers[s->layer].name, re);
        } else
            snprintf(nm, sizeof nm, "net/%s/total", fam);
        if (s)
            memset(&s->t, 0, sizeof s->t);
        const ib_gb_bench b = {.name = nm,
                               .fn = s ? gb_step : gb_all,
                               .ctx = s ? (void *)s : (void *)&ec,
                               .use_real_time = 1, /* the pass as a user waits for it */
                               .repetitions = reps,
                               .min_time = s ? o->min_time * 0.25 : o->min_time,
                               .tag = s ? &s->t : &r->total};
        ib_gb_register(&b);
    }
    ib_gb_run_collect(ib_gb_collect_timing, NULL);
    ib_gb_clear();
    for (int i = 0; i <= c.n; i++) {
        ib_timing *t = i < c.n ? &c.steps[i].t : &r->total;
        if (t->failed || t->reps < 1) {
            snprintf(r->why, sizeof r->why, "%s failed while timing",
                     i < c.n ? m->net.layers[c.steps[i].layer].name : "the forward pass");
            free(ec.per_call);
            chain_free(&c);
            return 1;
        }
        ib_timing_summarize(t);
    }
    in_pass_medians(&c, &ec);
    free(ec.per_call);
    for (int i = 0; i < c.n; i++) {
        const step *s = &c.steps[i];
        r->sum_layers += s->t.med;
        r->sum_in_pass += s->in_pass;
        if (fma_step(s))
            r->extra_fma += s->in_pass - s->t.med;
        if (s->reorder) {
            r->reorders += s->t.med;
            continue;
        }
        r->kernel_min[s->layer] += s->t.min;
        r->kernel_max[s->layer] += s->t.max;
        r->flops += layer_flops(s->d);
        r->peak_flops += fma_step(s) ? ib_impl_peak_flops(s->impl, s->d) : layer_flops(s->d);
    }
    /* The logits of a pass run after the timed ones, in the same buffers, not only of the
     * first pass. One more pass first: the steps timed alone ran on whatever the arena's bytes
     * of their inputs held between passes, so the last of them may have written nonsense. */
    if (run_all(&ec) ||
        (c.peer && c.peer_ops->read(c.peer, m->logits, c.out[m->logits]) != IB_OK)) {
        snprintf(r->why, sizeof r->why, "the pass after the timed ones failed");
        chain_free(&c);
        return 1;
    }
    r->err = fmax(r->err, logits_error(m, &c));
    r->pass = r->err <= tol;
    r->ok = 1;
    if (c.peer && c.peer_ops->activations)
        c.peer_ops->activations(c.peer, &r->fresh_bytes, &r->arena_bytes);
    else if (!c.peer) {
        r->fresh_bytes = c.fresh_bytes;
        r->arena_bytes = c.arena_bytes;
    }
    r->peak = 0; /* the peak of the ISA this family's convolutions use */
    for (int i = 0; i < c.n && r->peak == 0; i++)
        if (!c.steps[i].reorder && c.steps[i].d->op == IB_OP_CONV)
            r->peak = ib_impl_peak(c.steps[i].impl, threads);
    /* per step lines, then the breakdown sorted by time */
    for (int i = 0; i < c.n; i++) {
        step *s = &c.steps[i];
        const ib_layer *l = &m->net.layers[s->layer];
        ib_work w = {0}; /* a reorder does no arithmetic */
        if (!s->reorder)
            ib_desc_work(s->d, &w);
        const double fl = (double)w.flops_exec;
        const double pk = s->impl ? ib_impl_peak(s->impl, threads) : 0;
        const int weighted = fma_step(s);
        const double pfl = weighted ? ib_impl_peak_flops(s->impl, s->d) : fl;
        if (lcsv)
            fprintf(lcsv, "%s,%s,%s,%s,%s,%.6e,%.6e,%.6e,%.4f,%.6e,%.4f,%.4f,%.0f,%.0f,%.6e\n", fam,
                    l->name, s->reorder ? "reorder" : ib_op_name(s->d->op),
                    s->impl ? s->impl->name : "-", s->label, s->t.med, s->t.min, s->t.max, s->t.cv,
                    fl / s->t.med, weighted && pk > 0 ? pfl / s->t.med / pk * 100 : 0,
                    s->t.med / r->sum_layers * 100, (double)w.macs, (double)w.macs_nonpad,
                    s->in_pass);
        if (js) {
            char nm[200];
            snprintf(nm, sizeof nm, "net/%s/%s%s", fam, l->name, s->reorder ? "/reorder" : "");
            ib_gbjson_add(js, nm, &s->t, pfl, weighted ? pk : 0, s->label);
        }
    }
    if (js) {
        char nm[64];
        snprintf(nm, sizeof nm, "net/%s/total", fam);
        ib_gbjson_add(js, nm, &r->total, r->peak_flops, r->peak, NULL);
    }
    if (out && top > 0) {
        step *sorted = malloc((size_t)c.n * sizeof *sorted);
        memcpy(sorted, c.steps, (size_t)c.n * sizeof *sorted);
        qsort(sorted, (size_t)c.n, sizeof *sorted, cmp_step_desc);
        fprintf(out,
                "\n%s: top %d of %d steps (median [min, max]; %% of the sum of steps; %% of "
                "the peak of the ISA used)\n",
                fam, top < c.n ? top : c.n, c.n);
        for (int i = 0; i < c.n && i < top; i++) {
            const step *s = &sorted[i];
            char a[24], b[24], d[24];
            const double fl = s->reorder ? 0 : layer_flops(s->d);
            const double pk = s->impl ? ib_impl_peak(s->impl, threads) : 0;
            const int weighted = fma_step(s);
            fprintf(out, "  %-34.34s %-26.26s %9s [%s, %s] %5.1f%% %7.1f GF/s",
                    m->net.layers[s->layer].name, s->label, ib_fmt_time(s->t.med, a, 24),
                    ib_fmt_time(s->t.min, b, 24), ib_fmt_time(s->t.max, d, 24),
                    s->t.med / r->sum_layers * 100, fl / s->t.med * 1e-9);
            if (weighted && pk > 0)
                fprintf(out, " %5.1f%% peak",
                        ib_impl_peak_flops(s->impl, s->d) / s->t.med / pk * 100);
            fputc('\n', out);
        }
        free(sorted);
    }
    chain_free(&c);
    return r->pass ? 0 : 1;
}

/* Where the pass spends more than the sum of its steps timed alone: a step repeated alone finds
 * its weights and activations in cache; the pass reads every layer's weights once (at batch 1
 * each weight is used by one step per pass) and its activations as the previous steps left
 * them. Measured: 'in pass - alone' of the steps with weights and of the others; stated: the
 * weights' bytes and what streaming them costs at the triad bandwidth of a set that size. */
static void print_gap(FILE *out, const model *m, const fam_result *res, int nfam, int threads)
{
    const double bw = ib_peak_triad_bytes(m->param_bytes, threads);
    fprintf(out,
            "\nPass against the sum of its steps: a step timed alone finds its weights and "
            "activations in cache;\nthe pass reads its %.1f MB of weights once (streaming them "
            "at this CPU's triad bandwidth over that\nsize, %.1f GB/s, takes %.1f ms where no "
            "computation hides it) and works in its planned activations.\n",
            m->param_bytes * 1e-6, bw * 1e-9, bw > 0 ? m->param_bytes / bw * 1e3 : 0);
    fprintf(out, "%-12s %10s %7s  %-28s %s\n", "impl", "pass - sum", "ratio",
            "in pass - alone: weighted, other steps", "activations MB: arena / fresh buffers");
    for (int f = 0; f <= nfam; f++) {
        const fam_result *r = &res[f];
        if (!r->ok)
            continue;
        fprintf(out, "%-12s %+7.2f ms %7.3f  %+14.2f ms, %+8.2f ms %18.1f / %.1f\n", r->name,
                (r->total.med - r->sum_layers) * 1e3, r->total.med / r->sum_layers,
                r->extra_fma * 1e3, (r->sum_in_pass - r->sum_layers - r->extra_fma) * 1e3,
                r->arena_bytes * 1e-6, r->fresh_bytes * 1e-6);
    }
}

static int net_job(const ib_run_opts *o, FILE *out, int top, const ib_run_env *env)
{
    const int threads = env->threads;
    model m;
    ib_err e = {{0}};
    ib_progress(o, 0, 1, "building Inception-v3 (batch %lld) and running the reference network",
                (long long)o->batch);
    if (model_init(&m, o->batch, o->aux, &e) != IB_OK) {
        fprintf(stderr, "incbench %s: %s\n", o->cmd, e.msg);
        model_free(&m);
        return 2;
    }
    /* every results file opened before the work: one that cannot be written is an error */
    FILE *lcsv = NULL, *csv = NULL;
    ib_gbjson js = {0}, *jsp = NULL;
    if (o->out) {
        if ((lcsv = ib_results_open(o->out, "net_layers.csv")) != NULL &&
            (csv = ib_results_open(o->out, "net.csv")) != NULL &&
            ib_gbjson_begin(&js, o->out, "net.json", threads, 1) == 0) {
            jsp = &js;
        } else {
            if (lcsv)
                fclose(lcsv);
            if (csv)
                fclose(csv);
            model_free(&m);
            return 2;
        }
    }
    if (model_reference(&m, &e) != IB_OK) {
        fprintf(stderr, "incbench %s: %s\n", o->cmd, e.msg);
        if (lcsv)
            fclose(lcsv);
        if (csv)
            fclose(csv);
        ib_gbjson_end(&js);
        model_free(&m);
        return 2;
    }
    /* A rounding per accumulation step grows like sqrt(K) on average; layers compound. */
    const double tol = 4.0 * m.depth * sqrt((double)m.kmax) * FLT_EPSILON;
    const char *fam[MAX_FAM + 1];
    int nfam = ib_families(o->impls, fam, MAX_FAM);
    const int want_best = !o->impls || ib_impl_listed(o->impls, "best");
    const int nl = m.net.count;
    const ib_impl **impls = calloc((size_t)nl, sizeof *impls);
    fam_result *res = calloc((size_t)nfam + 1, sizeof *res);
    const ib_impl ***chosen = calloc((size_t)nfam + 1, sizeof *chosen);
    if (lcsv)
        fprintf(lcsv, "impl,layer,op,kernel_impl,kernel,median_s,min_s,max_s,cv,flops_per_s,"
                      "pct_peak,pct_total,macs_nominal,macs_exec,in_pass_s\n");
    double pass_flops = 0, pass_flops_nom = 0;
    for (int i = 0; i < m.net.count; i++)
        if (included(&m, i) && !m.net.layers[i].identity) {
            ib_work w;
            ib_desc_work(&m.net.layers[i].desc, &w);
            pass_flops += (double)w.flops_exec;
            pass_flops_nom += (double)w.flops;
        }
    char ld[160];
    if (out)
        fprintf(out,
                "Inception-v3 forward pass, batch %lld%s, %d thread%s%s, %s;\n%.2f GFLOP per pass "
                "executed (padding taps left out; %.2f nominal); logits tolerance %.2e (4 x "
                "depth %d x sqrt(K %lld) x eps).\nEvery step and the pass are timed through "
                "Google Benchmark, %lld repetitions each interleaved at random, wall time; the\n"
                "pass also reads the clock between its steps ('in pass': each step as it runs in "
                "the network).\n",
                (long long)o->batch, o->aux ? " with AuxLogits" : "", threads,
                threads > 1 ? "s" : "", env->pinned ? " pinned to one CPU" : "",
                ib_load_note(threads, ld, sizeof ld), pass_flops * 1e-9, pass_flops_nom * 1e-9, tol,
                m.depth, (long long)m.kmax, (long long)o->reps);
    int rc = 0;
    int *use = calloc((size_t)nl, sizeof *use);
    int start = -1; /* best: the family it started from */
    for (int i = 0; use && i < nl; i++)
        use[i] = included(&m, i);
    for (int f = 0; f <= nfam && impls && res && chosen && use; f++) {
        const char *name = f < nfam ? fam[f] : "best";
        if (f == nfam) {
            /* best: per layer among the native families that passed (their buffers chain
             * with each other), layout changes counted at their measured cost. Minimums,
             * not medians: the families were timed one after the other, and the minimum is
             * what another process's load disturbs least; a layer moves only where the
             * ranges do not overlap. Its pass is then timed beside the family it started
             * from, so that whether the choice pays is measured, not predicted. */
            ib_best_in bi = {
                .net = &m.net, .use = use, .min_time = o->min_time * 0.25, .reps = (int)o->reps};
            int cand_fam[IB_BEST_MAX];
            for (int g = 0; g < nfam && bi.ncand < IB_BEST_MAX; g++)
                if (res[g].ok && res[g].pass && native_only(&m, chosen[g])) {
                    cand_fam[bi.ncand] = g;
                    bi.impls[bi.ncand] = chosen[g];
                    bi.time_hi[bi.ncand] = res[g].kernel_max;
                    bi.time[bi.ncand++] = res[g].kernel_min;
                }
            if (!want_best || bi.ncand < 2)
                break;
            ib_progress(o, f + 1, nfam + 1, "best: measuring reorders between layouts");
            ib_best_choice how;
            if ((res[f].predicted = ib_net_best_pick(&bi, impls, &how)) < 0) {
                fprintf(stderr, "incbench %s: best: measuring a reorder failed\n", o->cmd);
                rc = 2;
                break;
            }
            start = cand_fam[how.start];
            const char *by = fam[start];
            if (!how.moved) { /* best is that family: timing it again would only time noise */
                snprintf(res[f].name, sizeof res[f].name, "best");
                snprintf(res[f].why, sizeof res[f].why,
                         "no layer is clearly faster in another family than in %s (their ranges "
                         "overlap), so best is %s",
                         by, by);
                res[f].skipped = 1;
                break;
            }
        }
        int fallbacks = 0;
        chosen[f] = calloc((size_t)nl, sizeof **chosen);
        for (int i = 0; i < nl && chosen[f]; i++) {
            if (!use[i] || m.net.layers[i].identity)
                continue;
            int fb = 0;
            if (f < nfam)
                impls[i] = choose(&m.net.layers[i].desc, name, &fb);
            if (!impls[i]) {
                fprintf(stderr, "incbench %s: %s: no implementation runs %s\n", o->cmd, name,
                        m.net.layers[i].name);
                rc = 2;
                break;
            }
            chosen[f][i] = impls[i];
            fallbacks += fb;
        }
        if (rc == 2)
            break;
        ib_progress(o, f + 1, nfam + want_best, "net with %s%s", name,
                    fallbacks ? " (some layers fall back to another family)" : "");
        res[f].fallbacks = fallbacks;
        int r = run_family(o, out, &m, name, impls, threads, tol, &res[f], lcsv, jsp, top);
        rc = r > rc ? r : rc;
    }
    /* The comparisons the table states, each timed beside the other family in rounds, not
     * taken from families timed one after another: best against the family it started from,
     * every other family that passed against the peer (the first family oneDNN chains). */
    int peer = -1;
    for (int f = 0; f < nfam && peer < 0 && chosen; f++)
        if (res[f].ok && res[f].pass && chosen[f] && peer_of(&m, chosen[f]))
            peer = f;
    chain by_c; /* the family compared against: built once for all the comparisons with it */
    int by_built = -1;
    memset(&by_c, 0, sizeof by_c);
    for (int f = 0; f <= nfam && chosen && rc != 2; f++) {
        const int by = f == nfam ? start : f == peer ? -1 : peer;
        if (!res[f].ok || !res[f].pass || by < 0 || !chosen[f] || !chosen[by])
            continue;
        if (by != by_built) {
            chain_free(&by_c);
            by_built = family_chain(&m, chosen[by], &by_c, &e) == IB_OK ? by : -1;
            if (by_built < 0) {
                fprintf(stderr, "incbench %s: %s beside %s: %s\n", o->cmd, res[f].name,
                        res[by].name, e.msg);
                rc = rc > 1 ? rc : 1;
                continue;
            }
        }
        const int r = beside(o, &m, &res[f], chosen[f], res[by].name, &by_c);
        rc = r > rc ? r : rc;
    }
    chain_free(&by_c);
    free(use);
    if (lcsv)
        fclose(lcsv);
    ib_gbjson_end(&js);
    if (csv)
        fprintf(csv, "impl,status,total_med_s,total_min_s,total_max_s,sum_steps_s,gflops,"
                     "pct_peak,logits_rel_err,tolerance,fallback_layers,reorders_s,"
                     "predicted_s,sum_in_pass_s,beside,beside_ratio,beside_lo,beside_hi,why\n");
    if (out)
        fprintf(out, "\n%-8s %-7s %-34s %12s %10s %10s %9s %8s %11s  %s\n", "impl", "logits",
                "total median [min, max]", "sum of steps", "in pass", "reorders", "GFLOP/s",
                "%peak", "max rel err", "notes");
    for (int f = 0; f <= nfam && res; f++) {
        fam_result *r = &res[f];
        if (!r->name[0])
            continue;
        char a[24], b[24], c[24], d[24], ip[24], ro[24], pr[24], tt[80], note[256] = "";
        if (r->ok)
            snprintf(tt, sizeof tt, "%s [%s, %s]", ib_fmt_time(r->total.med, a, 24),
                     ib_fmt_time(r->total.min, b, 24), ib_fmt_time(r->total.max, c, 24));
        const double gf = r->ok ? r->flops / r->total.med * 1e-9 : 0;
        const double pp = r->ok && r->peak > 0 ? r->peak_flops / r->total.med / r->peak * 100 : 0;
        /* notes: "; " between the parts that apply */
        size_t used = 0;
        if (r->fallbacks)
            used += (size_t)snprintf(note + used, sizeof note - used,
                                     "some layers from another family");
        if (r->predicted > 0 && used < sizeof note)
            used += (size_t)snprintf(note + used, sizeof note - used,
                                     "%sper layer with reorders (sum of minimums predicted %s)",
                                     used ? "; " : "", ib_fmt_time(r->predicted, pr, 24));
        if (r->beside[0] && used < sizeof note) {
            const char *v = ib_ratio_ci_verdict(&r->vs);
            snprintf(note + used, sizeof note - used,
                     "%sagainst %s timed beside it: %.3f [%.3f, %.3f], %s%s", used ? "; " : "",
                     r->beside, r->vs.est, r->vs.lo, r->vs.hi, v ? v : "no interval",
                     r->predicted > 0 && v && !strcmp(v, "slower")
                         ? ": the per-layer choice does not pay here"
                         : "");
        }
        if (out) {
            if (r->ok)
                fprintf(out, "%-8s %-7s %-34s %12s %10s %10s %9.1f %7.1f%% %11.2e  %s\n", r->name,
                        r->pass ? "PASSED" : "FAILED", tt, ib_fmt_time(r->sum_layers, d, 24),
                        ib_fmt_time(r->sum_in_pass, ip, 24),
                        r->reorders > 0 ? ib_fmt_time(r->reorders, ro, 24) : "0", gf, pp, r->err,
                        note);
            else
                fprintf(out, "%-8s %-7s %s\n", r->name, r->skipped ? "SKIPPED" : "ERROR", r->why);
        }
        char vs[64] = ",,,";
        if (r->beside[0])
            snprintf(vs, sizeof vs, "%s,%.4f,%.4f,%.4f", r->beside, r->vs.est, r->vs.lo, r->vs.hi);
        if (csv && r->ok)
            fprintf(csv, "%s,%s,%.6e,%.6e,%.6e,%.6e,%.4f,%.3f,%.4e,%.4e,%d,%.6e,%.6e,%.6e,%s,\n",
                    r->name, r->pass ? "PASSED" : "FAILED", r->total.med, r->total.min,
                    r->total.max, r->sum_layers, gf, pp, r->err, tol, r->fallbacks, r->reorders,
                    r->predicted, r->sum_in_pass, vs);
        else if (csv && r->skipped) {
            fprintf(csv, "%s,SKIPPED,,,,,,,,,,,,,,,,,", r->name);
            ib_csv_put(csv, r->why, '\n');
        }
        free(r->kernel_min);
        free(r->kernel_max);
    }
    if (csv)
        fclose(csv);
    if (out && res)
        print_gap(out, &m, res, nfam, threads);
    for (int f = 0; f <= nfam && chosen; f++)
        free(chosen[f]);
    free(chosen);
    free(res);
    free(impls);
    model_free(&m);
    return rc;
}

int ib_net_job(const ib_run_opts *o, FILE *out, int top)
{
    ib_run_env env; /* a question about the network, not about threads: 1 pinned thread */
    ib_run_env_begin(o, &env);
    const int rc = net_job(o, out, top, &env);
    ib_run_env_end(&env);
    return rc;
}
