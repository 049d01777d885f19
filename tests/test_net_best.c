/* `best` in incbench net (studies/net_best.c): a layer moves to another family only when the
 * move lowers the predicted sum and the layer's ranges in the two families do not overlap; the
 * start is the fastest single family. Two candidates with the same kernels (so no reorder
 * between them) and made-up per-layer minimums and maximums on the first two layers of
 * Inception-v3. Ends with "N passed, N failed". */
#include <math.h>
#include <stdio.h>

#include "core/inception_v3.h"
#include "core/registry.h"
#include "studies/net_best.h"
#include "tests/check.h"

enum { NL_MAX = 512 };

static double lo[2][NL_MAX], hi[2][NL_MAX];

/* The prediction for per-layer times {a0, a1} in candidate 0 (kernels k0) and {b0, b1} in
 * candidate 1 (kernels k1, with the same layouts as k0), each range [t, t * (1 + spread)];
 * *how gets the start and the layers moved. */
static double pick(const ib_net *net, const ib_impl *const *k0, const ib_impl *const *k1,
                   const int *use, double a0, double a1, double b0, double b1, double spread,
                   ib_best_choice *how)
{
    const double t[2][2] = {{a0, a1}, {b0, b1}};
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 2; i++) {
            lo[c][i] = t[c][i];
            hi[c][i] = t[c][i] * (1 + spread);
        }
    ib_best_in in = {.net = net, .use = use, .ncand = 2, .min_time = 1e-4, .reps = 3};
    for (int c = 0; c < 2; c++) {
        in.impls[c] = c ? k1 : k0;
        in.time[c] = lo[c];
        in.time_hi[c] = hi[c];
    }
    const ib_impl *chosen[NL_MAX];
    *how = (ib_best_choice){.start = -1, .moved = -1, .reorder_s = -1};
    const double v = ib_net_best_pick(&in, chosen, how);
    ib_check(how->reorder_s == 0, "same layouts in both candidates: no reorder (got %g s)",
             how->reorder_s);
    return v;
}

/* k's native kernel for d, when k runs on this CPU (an AVX-512 kernel is not asked on a CPU
 * without AVX-512: its code is built for it). */
static const ib_native *native_on(const ib_impl *k, const ib_desc *d)
{
    return k->op == d->op && k->native && ib_impl_usable(k, NULL) ? k->native(d) : NULL;
}

int main(void)
{
    ib_net net;
    ib_err e = {{0}};
    if (ib_inception_v3_build(1, &net, &e) != IB_OK || net.count > NL_MAX) {
        ib_check(0, "Inception-v3 table: %s", e.msg);
        return ib_check_done();
    }
    static const ib_impl *kern[NL_MAX], *kern2[NL_MAX];
    static int use[NL_MAX];
    use[0] = use[1] = 1;
    /* kern: layers 0 and 1 by kernels that chain without a reorder; kern2: the same with layer
     * 1 by another kernel of the same layouts (the first such three in the registry). Without
     * them, kern alone: the first native kernel of each layer (the reference's, plain layout). */
    for (int a = 0; ib_registry_at(a) && !kern2[1]; a++) {
        const ib_native *na = native_on(ib_registry_at(a), &net.layers[1].desc);
        for (int b = 0; na && ib_registry_at(b) && !kern2[1]; b++) {
            const ib_native *nb = b != a ? native_on(ib_registry_at(b), &net.layers[1].desc) : NULL;
            if (!nb || nb->src_layout != na->src_layout || nb->dst_layout != na->dst_layout)
                continue;
            for (int c = 0; ib_registry_at(c) && !kern2[1]; c++) {
                const ib_native *nc = native_on(ib_registry_at(c), &net.layers[0].desc);
                if (nc && nc->dst_layout == na->src_layout) {
                    kern[0] = kern2[0] = ib_registry_at(c);
                    kern[1] = ib_registry_at(a);
                    kern2[1] = ib_registry_at(b);
                }
            }
        }
    }
    for (int i = 0; i < 2 && !kern2[1]; i++)
        for (int r = 0; (kern[i] = ib_registry_at(r)) != NULL; r++)
            if (native_on(kern[i], &net.layers[i].desc))
                break;
    if (!kern[0] || !kern[1]) {
        ib_check_skip(); /* no native kernel runs these layers here */
        ib_net_free(&net);
        return ib_check_done();
    }
    ib_best_choice how;
    /* candidate 1 clearly faster on layer 1 (ranges apart), slower on layer 0: it moves; with
     * the same kernels in both candidates best still runs candidate 0's (moved 0) */
    double v = pick(&net, kern, kern, use, 1.0, 1.0, 1.5, 0.9, 0.05, &how);
    ib_check(how.start == 0 && how.moved == 0 && fabs(v - 1.9) < 1e-12,
             "layer 1 moves when its ranges are apart: start %d (want 0), moved %d (want 0: the "
             "same kernel), predicted %g (want 1.9)",
             how.start, how.moved, v);
    /* the same minimums, but candidate 1's slowest repetition of layer 1 (0.9 x 1.2 = 1.08)
     * above candidate 0's fastest (1.0): within the noise, it stays */
    v = pick(&net, kern, kern2[1] ? kern2 : kern, use, 1.0, 1.0, 1.5, 0.9, 0.2, &how);
    ib_check(how.start == 0 && how.moved == 0 && fabs(v - 2.0) < 1e-12,
             "layer 1 stays when its ranges overlap: start %d (want 0), moved %d (want 0), "
             "predicted %g (want 2)",
             how.start, how.moved, v);
    /* the start: the fastest single family, whatever the spread */
    v = pick(&net, kern, kern2[1] ? kern2 : kern, use, 1.2, 1.0, 1.0, 1.0, 0.2, &how);
    ib_check(how.start == 1 && how.moved == 0 && fabs(v - 2.0) < 1e-12,
             "the start is the fastest single family: start %d (want 1), moved %d (want 0), "
             "predicted %g (want 2)",
             how.start, how.moved, v);
    if (kern2[1]) {
        /* another kernel on layer 1: best's pass differs from candidate 0's in one layer */
        v = pick(&net, kern, kern2, use, 1.0, 1.0, 1.5, 0.9, 0.05, &how);
        ib_check(how.start == 0 && how.moved == 1 && fabs(v - 1.9) < 1e-12,
                 "layer 1 moves from %s to %s: start %d (want 0), moved %d (want 1), predicted %g "
                 "(want 1.9)",
                 kern[1]->name, kern2[1]->name, how.start, how.moved, v);
    } else {
        ib_check_skip(); /* one kernel of these layouts runs layer 1 here */
    }
    ib_net_free(&net);
    return ib_check_done();
}
