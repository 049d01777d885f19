/* incbench net: the whole Inception-v3 forward pass per implementation. */
#include <stdio.h>

#include "bench/commands.h"
#include "bench/net.h"

static const unsigned accepted = IB_OPT_IMPL | IB_OPT_THREADS | IB_OPT_BATCH | IB_OPT_TIMING |
                                 IB_OPT_AUX | IB_OPT_OUT;

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench net [--batch N] [--impl LIST] [--aux] [options]\n\n"
               "Runs the whole Inception-v3 forward pass (299x299, deterministic random weights,\n"
               "folded batch-norm) once per implementation family and once with 'best' (the\n"
               "fastest family's kernel per layer). Activations stay in each kernel's layout;\n"
               "a reorder is inserted (and timed) only where the next layer wants another.\n"
               "Library peers without native kernels (oneDNN) take NCHW in and out per layer;\n"
               "their conversions are untimed. A layer a family lacks runs with our best native\n"
               "kernel (said in the notes). The logits are compared with the reference network\n"
               "(tolerance from depth and accumulation length); then the per-layer breakdown\n"
               "(sorted, %% of total, %% of peak) and the end-to-end total in ms and GFLOP/s.\n\n");
    ib_run_opts_help(f, accepted);
}

int ib_cmd_net(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "net");
    int rc = ib_run_opts_parse(&o, accepted, argc, argv, usage);
    if (rc >= 0)
        return rc;
    return ib_net_job(&o, stdout, 15);
}
