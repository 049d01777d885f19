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

/* The prediction for per-layer times {a0, a1} in candidate 0 and {b0, b1} in candidate 1, each
 * range [t, t * (1 + spread)]; *start gets the candidate it started from. */
static double pick(const ib_net *net, const ib_impl *const *k, const int *use, double a0, double a1,
                   double b0, double b1, double spread, int *start)
{
    const double t[2][2] = {{a0, a1}, {b0, b1}};
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 2; i++) {
            lo[c][i] = t[c][i];
            hi[c][i] = t[c][i] * (1 + spread);
        }
    ib_best_in in = {.net = net, .use = use, .ncand = 2, .min_time = 1e-4, .reps = 3};
    for (int c = 0; c < 2; c++) {
        in.impls[c] = k;
        in.time[c] = lo[c];
        in.time_hi[c] = hi[c];
    }
    const ib_impl *chosen[NL_MAX];
    double ro = -1;
    *start = -1;
    const double v = ib_net_best_pick(&in, chosen, &ro, start);
    ib_check(ro == 0, "same kernels in both candidates: no reorder (got %g s)", ro);
    return v;
}

int main(void)
{
    ib_net net;
    ib_err e = {{0}};
    if (ib_inception_v3_build(1, &net, &e) != IB_OK || net.count > NL_MAX) {
        ib_check(0, "Inception-v3 table: %s", e.msg);
        return ib_check_done();
    }
    static const ib_impl *kern[NL_MAX];
    static int use[NL_MAX];
    int ok = 1;
    for (int i = 0; i < 2; i++) {
        const ib_desc *d = &net.layers[i].desc;
        for (int r = 0; (kern[i] = ib_registry_at(r)) != NULL; r++)
            if (kern[i]->op == d->op && kern[i]->native && kern[i]->native(d))
                break;
        ok &= kern[i] != NULL;
        use[i] = 1;
    }
    if (!ok) {
        ib_check_skip(); /* no native kernel runs these layers here */
        ib_net_free(&net);
        return ib_check_done();
    }
    int start;
    /* candidate 1 clearly faster on layer 1 (ranges apart), slower on layer 0: it moves */
    double v = pick(&net, kern, use, 1.0, 1.0, 1.5, 0.9, 0.05, &start);
    ib_check(start == 0 && fabs(v - 1.9) < 1e-12,
             "layer 1 moves when its ranges are apart: start %d (want 0), predicted %g (want 1.9)",
             start, v);
    /* the same minimums, but candidate 1's slowest repetition of layer 1 (0.9 x 1.2 = 1.08)
     * above candidate 0's fastest (1.0): within the noise, it stays */
    v = pick(&net, kern, use, 1.0, 1.0, 1.5, 0.9, 0.2, &start);
    ib_check(start == 0 && fabs(v - 2.0) < 1e-12,
             "layer 1 stays when its ranges overlap: start %d (want 0), predicted %g (want 2)",
             start, v);
    /* the start: the fastest single family, whatever the spread */
    v = pick(&net, kern, use, 1.2, 1.0, 1.0, 1.0, 0.2, &start);
    ib_check(start == 1 && fabs(v - 2.0) < 1e-12,
             "the start is the fastest single family: start %d (want 1), predicted %g (want 2)",
             start, v);
    ib_net_free(&net);
    return ib_check_done();
}
