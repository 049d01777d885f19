/* The thread-split walk over Inception-v3's convolutions (split_network.h). */
#include "tests/split_network.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/inception_v3.h"
#include "tests/check.h"

static int worst_first(const void *a, const void *b)
{
    const double x = ((const ib_test_split_row *)a)->imbalance;
    const double y = ((const ib_test_split_row *)b)->imbalance;
    return (x < y) - (x > y);
}

int ib_test_split_network(ib_test_split_check check, void *ctx, int ncpus, int max_threads,
                          ib_test_split_row *rows, int max_rows)
{
    ib_err e = {{0}};
    ib_net net;
    if (ib_inception_v3_build(1, &net, &e) != IB_OK) {
        ib_check(0, "the layer table: %s", e.msg);
        return 0;
    }
    int nrows = 0;
    for (int i = 0; i < net.count; i++) {
        const ib_layer *l = &net.layers[i];
        if (l->identity || l->desc.op != IB_OP_CONV)
            continue;
        ib_work w;
        ib_desc_work(&l->desc, &w);
        const int bar = !l->aux && w.flops >= 20000000 && nrows < max_rows;
        ib_conv_desc c = l->desc.conv;
        for (int nthreads = 1; nthreads <= max_threads; nthreads++)
            for (int cpu = 0; cpu < ncpus; cpu++) {
                const int row = bar && cpu == 0 && nthreads == 2;
                const double r = check(ctx, l->name, &c, cpu, nthreads, row);
                if (row) {
                    rows[nrows] =
                        (ib_test_split_row){.macs = (double)w.macs, .imbalance = r, .bar = nrows};
                    snprintf(rows[nrows].name, sizeof rows[nrows].name, "%s", l->name);
                    nrows++;
                }
            }
        c.n = 3;
        check(ctx, l->name, &c, 0, 2, 0);
        check(ctx, l->name, &c, ncpus - 1, 3, 0);
    }
    ib_net_free(&net);
    qsort(rows, (size_t)nrows, sizeof *rows, worst_first);
    return nrows;
}
