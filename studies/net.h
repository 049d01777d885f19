/* The whole Inception-v3 forward pass per implementation family: deterministic random
 * weights, activations chained in each kernel's own layout (oneDNN's in its own memories),
 * every reorder a timed step, logits checked against the reference network, per-step and
 * end-to-end timing. */
#ifndef IB_BENCH_NET_H
#define IB_BENCH_NET_H

#include <stdio.h>

#include "harness/run_common.h"

/* Runs the job: the reference network once, then every selected family and 'best'; prints
 * the totals and per-layer breakdowns to out, writes net.csv, net_layers.csv and net.json
 * into o->out. Returns 0, 1 when logits disagree or a layer failed, 2 on an error. */
int ib_net_job(const ib_run_opts *o, FILE *out, int top_layers);

#endif
