/* incbench net: the whole Inception-v3 forward pass per implementation. */
#include <stdio.h>

#include "cli/commands.h"
#include "studies/net.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: incbench net [--batch N] [--impl LIST] [--aux] [options]\n\n"
            "Runs the whole Inception-v3 forward pass (299x299, deterministic random weights,\n"
            "folded batch-norm) once per implementation family, every layer reading the\n"
            "output its producer wrote in this pass. Our kernels and libxsmm's keep their\n"
            "layout from layer to layer; a reorder is inserted where the next layer wants\n"
            "another, and timed as a step of its own. oneDNN runs as its users build it:\n"
            "primitives on oneDNN memories, convolutions in layout 'any', its own reorders\n"
            "timed where two layouts meet. A peer without such a chain (xsmm_dnn) is\n"
            "skipped. A layer a family lacks runs with our best native kernel (said in the\n"
            "notes). 'best' picks per layer among the native families that passed, with the\n"
            "measured cost of every layout change counted, and its pass is timed beside\n"
            "that of the family it started from, in 10 rounds of 5 interleaved repetitions\n"
            "(their ratio and its interval in the notes); every other family's pass is\n"
            "timed beside the peer's (oneDNN) the same way. The logits are compared with\n"
            "the reference network (tolerance from depth and accumulation length); then the\n"
            "per-step breakdown (sorted, %% of the sum of steps, %% of peak) and the table.\n\n");
    ib_run_opts_help(f, IB_CMD_BIT(net));
}

static const ib_cmd_spec spec = IB_CMD_SPEC(net, 0, 0, usage);

int ib_cmd_net(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "net");
    int rc = ib_run_opts_parse(&o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
    return ib_net_job(&o, stdout, 15);
}
