/* A peer's whole-network chain (oneDNN's) really chains: on a small network with branches,
 * concat, pooling and the head, its logits match the reference, NaN written into an
 * intermediate output after a pass reaches the logits when only the later steps run again,
 * and activations that share memory never include one a later step still reads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chain.h"
#include "core/registry.h"
#include "core/rng.h"
#include "reference/reference.h"
#include "tests/check.h"
#include "tests/desc_text.h"

enum { NL = 10, CLASSES = 10 };

/* Layer indices of the network below. */
enum { STEM, B1X1, B3X3, BPOOL, CONCAT, POOL, GAP, DROPOUT, FC, SOFTMAX };

static ib_layer layer(const char *name, ib_desc d, int nsrc, const int *src)
{
    ib_layer l = {.desc = d, .nsrc = nsrc};
    snprintf(l.name, sizeof l.name, "%s", name);
    memcpy(l.src, src, (size_t)nsrc * sizeof *src);
    return l;
}

/* input 3x33x33 -> stem 16x16x16 -> {1x1 -> 32, 3x3 -> 16, maxpool} -> concat 64 -> maxpool
 * 64x7x7 -> gap -> dropout -> fc 10 -> softmax: every op the Inception-v3 chain uses. */
static int build(ib_net *net)
{
    static ib_layer ls[NL];
    const int in = -1, s0 = STEM, cat[3] = {B1X1, B3X3, BPOOL}, p = POOL, g = GAP, dr = DROPOUT,
              f = FC, cc = CONCAT;
    ib_desc c = {.op = IB_OP_CONCAT, .concat = {.n = 1, .ninputs = 3}};
    c.concat.in[0] = (ib_concat_input){32, 16, 16};
    c.concat.in[1] = (ib_concat_input){16, 16, 16};
    c.concat.in[2] = (ib_concat_input){16, 16, 16};
    ls[STEM] = layer("stem", ib_test_desc("mb1ic3ih33oc16kh3sh2_bn_relu"), 1, &in);
    ls[B1X1] = layer("b1x1", ib_test_desc("mb1ic16ih16oc32kh1_bn_relu"), 1, &s0);
    ls[B3X3] = layer("b3x3", ib_test_desc("mb1ic16ih16oc16kh3ph1_bn_relu"), 1, &s0);
    ls[BPOOL] = layer("bpool", ib_test_desc("maxpool:mb1ic16ih16kh3ph1"), 1, &s0);
    ls[CONCAT] = layer("concat", c, 3, cat);
    ls[POOL] = layer("pool", ib_test_desc("maxpool:mb1ic64ih16kh3sh2"), 1, &cc);
    ls[GAP] = layer("gap", (ib_desc){.op = IB_OP_GAP, .gap = {1, 64, 7, 7}}, 1, &p);
    ls[DROPOUT] = layer("dropout", (ib_desc){.op = IB_OP_GAP}, 1, &g);
    ls[DROPOUT].identity = 1; /* eval-mode dropout: desc unused */
    ls[FC] = layer(
        "fc", (ib_desc){.op = IB_OP_FC, .fc = {.n = 1, .ic = 64, .oc = CLASSES, .has_bias = 1}}, 1,
        &dr);
    ls[SOFTMAX] = layer("softmax", (ib_desc){.op = IB_OP_SOFTMAX, .softmax = {1, CLASSES}}, 1, &f);
    ib_err e = {{0}};
    for (int i = 0; i < NL; i++)
        if (!ls[i].identity && ib_desc_validate(&ls[i].desc, &e) != IB_OK) {
            printf("%s: %s\n", ls[i].name, e.msg);
            return 0;
        }
    *net = (ib_net){.count = NL, .layers = ls, .batch = 1};
    return 1;
}

static float *alloc_fill(int64_t n, uint64_t *seed, float lo, float hi)
{
    float *p = ib_alloc((size_t)(n > 0 ? n : 1) * sizeof(float));
    for (int64_t k = 0; p && k < n; k++)
        p[k] = ib_rng_uniform(seed, lo, hi);
    return p;
}

static int64_t out_elems(const ib_layer *l)
{
    ib_arg_shapes as;
    ib_arg_shapes_of(&l->desc, &as);
    return ib_dims_count(as.out[0]);
}

/* The reference network's activations (NCHW everywhere); out[FC] holds the logits. */
static void reference(const ib_net *net, float *const (*params)[IB_MAX_IN], const float *input,
                      float **out)
{
    for (int i = 0; i < NL; i++) {
        const ib_layer *l = &net->layers[i];
        if (l->identity) {
            out[i] = out[l->src[0]];
            continue;
        }
        out[i] = ib_alloc((size_t)out_elems(l) * sizeof(float));
        ib_args a = {0};
        for (int k = 0; k < IB_MAX_IN; k++)
            a.in[k] = params[i][k];
        for (int k = 0; k < l->nsrc; k++)
            a.in[k] = l->src[k] < 0 ? input : out[l->src[k]];
        a.out[0] = out[i];
        ib_ref_run(&l->desc, &a);
    }
}

static double rel_err(const float *got, const float *want, int64_t n)
{
    double num = 0, den = 0;
    for (int64_t k = 0; k < n; k++) {
        if (!isfinite(got[k]))
            return INFINITY;
        num = fmax(num, fabs((double)got[k] - want[k]));
        den = fmax(den, fabs((double)want[k]));
    }
    return den > 0 ? num / den : num;
}

static int run_from(const ib_chain_ops *ops, void *ch, int first)
{
    for (int k = first; k < ops->steps(ch); k++)
        if (ops->run_step(ch, k) != IB_OK)
            return 0;
    return 1;
}

/* The first step after every step of layer p: where its consumers start. */
static int after(const ib_chain_ops *ops, void *ch, int p)
{
    int last = -1;
    for (int k = 0; k < ops->steps(ch); k++)
        if (ops->step_info(ch, k, NULL, NULL) == p)
            last = k;
    return last + 1;
}

/* The layer whose output layer i reads as input k, through identity layers. */
static int producer(const ib_net *net, int i, int k)
{
    int p = net->layers[i].src[k];
    while (p >= 0 && net->layers[p].identity)
        p = net->layers[p].src[0];
    return p;
}

/* Step by step, every layer output that a later step still reads (from the network's edges,
 * not from the chain's own plan), and the logits read after the pass, still hold what their
 * layer wrote: a step that wrote over one (a branch output before the concat that reads it)
 * would change it. */
static void check_live_outputs(const ib_chain_ops *ops, void *ch, const ib_net *net,
                               float *const *ref)
{
    int last_reader[NL];
    for (int p = 0; p < NL; p++)
        last_reader[p] = p == FC ? NL : -1; /* the logits: read after the pass */
    for (int i = 0; i < NL; i++)
        for (int k = 0; !net->layers[i].identity && k < net->layers[i].nsrc; k++)
            if (producer(net, i, k) >= 0 && i > last_reader[producer(net, i, k)])
                last_reader[producer(net, i, k)] = i;
    static float got[64 * 16 * 16];
    int checked = 0;
    for (int k = 0; k < ops->steps(ch); k++) {
        int ro = 0;
        const int cur = ops->step_info(ch, k, &ro, NULL);
        ib_check(ops->run_step(ch, k) == IB_OK, "step %d", k);
        for (int p = 0; p < NL; p++) {
            const int done = p < cur || (p == cur && !ro);
            const int read_later = last_reader[p] > cur || (last_reader[p] == cur && ro);
            if (net->layers[p].identity || !done || !read_later)
                continue;
            const int64_t n = out_elems(&net->layers[p]);
            const double err = ops->read(ch, p, got) == IB_OK ? rel_err(got, ref[p], n) : INFINITY;
            ib_check(err <= 1e-4,
                     "after step %d (%s), %s's output, still to be read, is overwritten "
                     "(relative error %.3g)",
                     k, net->layers[cur].name, net->layers[p].name, err);
            checked++;
        }
    }
    ib_check(checked > NL, "live outputs checked %d times", checked);
}

static void chain_checks(const ib_chain_ops *ops, const ib_net *net,
                         float *const (*params)[IB_MAX_IN], const float *input)
{
    const int use[NL] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const int keep[NL] = {[FC] = 1};
    const ib_chain_spec sp = {
        .net = net, .use = use, .params = params, .input = input, .keep = keep};
    void *ch = NULL;
    ib_err e = {{0}};
    ib_status st = ops->create(&sp, &ch, &e);
    ib_check(st == IB_OK, "chain create: %s", e.msg);
    if (st != IB_OK)
        return;
    float *ref[NL] = {0}, base[CLASSES], got[CLASSES];
    reference(net, params, input, ref);
    ib_check(run_from(ops, ch, 0) && ops->read(ch, FC, base) == IB_OK, "first pass");
    const double err = rel_err(base, ref[FC], CLASSES);
    ib_check(err <= 1e-4, "chained logits against the reference: relative error %.3g", err);
    check_live_outputs(ops, ch, net, ref);

    /* NaN in an intermediate output must change the logits when the steps after it run
     * again: a layer running on a private copy of its input made at set-up would not see it.
     * (oneDNN's ReLU and max pooling turn NaN into numbers, so "changed", not "NaN".) */
    const int poisoned[] = {STEM, CONCAT, POOL, GAP};
    for (size_t t = 0; t < sizeof poisoned / sizeof *poisoned; t++) {
        const int p = poisoned[t];
        ib_check(ops->poison(ch, p) == IB_OK, "poison %s", net->layers[p].name);
        ib_check(run_from(ops, ch, after(ops, ch, p)) && ops->read(ch, FC, got) == IB_OK,
                 "pass after poisoning %s", net->layers[p].name);
        ib_check(memcmp(got, base, sizeof got) != 0,
                 "NaN in %s's output did not reach the logits: a later layer read a copy",
                 net->layers[p].name);
        if (p == GAP) /* nothing between gap and fc hides NaN */
            ib_check(isnan(got[0]), "NaN in gap's output gave logit %g", (double)got[0]);
        /* a whole pass rewrites every intermediate: the logits come back */
        ib_check(run_from(ops, ch, 0) && ops->read(ch, FC, got) == IB_OK &&
                     memcmp(got, base, sizeof got) == 0,
                 "a whole pass after poisoning %s gives the first logits again",
                 net->layers[p].name);
    }
    /* Steps timed alone between passes run on whatever the shared bytes of their inputs hold
     * then (a later layer's values): the next whole pass must still give the first logits. */
    for (int k = ops->steps(ch) - 1; k >= 0; k--)
        ib_check(ops->run_step(ch, k) == IB_OK, "step %d alone", k);
    ib_check(run_from(ops, ch, 0) && ops->read(ch, FC, got) == IB_OK &&
                 memcmp(got, base, sizeof got) == 0,
             "a whole pass after steps run alone gives the first logits again");
    /* every step is a layer of the network or a reorder of one */
    int reorders = 0;
    for (int k = 0; k < ops->steps(ch); k++) {
        int ro = 0;
        const char *label = NULL;
        const int l = ops->step_info(ch, k, &ro, &label);
        ib_check(l >= 0 && l < NL && label && label[0], "step %d: layer %d", k, l);
        reorders += ro;
    }
    printf("onednn chain: %d steps, %d reorders\n", ops->steps(ch), reorders);
    ops->release(ch);
    for (int i = 0; i < NL; i++)
        if (!net->layers[i].identity)
            ib_free(ref[i]);
}

int main(void)
{
    const ib_impl *im = ib_registry_lookup(IB_OP_CONV, "onednn");
    if (!im || !ib_impl_usable(im, NULL) || !im->chain) {
        printf("skipped: no oneDNN chain in this build\n");
        return ib_check_done();
    }
    ib_net net;
    if (!build(&net)) {
        ib_check(0, "the test network does not validate");
        return ib_check_done();
    }
    uint64_t seed = 12345;
    static float *params[NL][IB_MAX_IN];
    for (int i = 0; i < NL; i++) {
        if (net.layers[i].identity)
            continue;
        ib_arg_shapes as;
        ib_arg_shapes_of(&net.layers[i].desc, &as);
        for (int k = 0; k < as.nin; k++)
            if (!as.in_is_data[k] && ib_dims_count(as.in[k]) > 0)
                params[i][k] = alloc_fill(ib_dims_count(as.in[k]), &seed, k == 3 ? 0.9f : -0.5f,
                                          k == 3 ? 1.1f : 0.5f);
    }
    float *input = alloc_fill(3 * 33 * 33, &seed, -1, 1);
    chain_checks(im->chain, &net, (float *const(*)[IB_MAX_IN])params, input);
    for (int i = 0; i < NL; i++)
        for (int k = 0; k < IB_MAX_IN; k++)
            ib_free(params[i][k]);
    ib_free(input);
    return ib_check_done();
}
