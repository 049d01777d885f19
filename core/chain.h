/* Whole-network chains for peers that own their memory: the driver's view, free of any
 * library's types. */
#ifndef IB_CHAIN_H
#define IB_CHAIN_H

#include "core/inception_v3.h"

/* What a chain is built from: the layer list, which layers run, their parameters. */
typedef struct ib_chain_spec {
    const ib_net *net;
    const int *use;                    /* per layer: 1 when part of this pass */
    float *const (*params)[IB_MAX_IN]; /* per layer: NCHW parameter inputs (NULL for data inputs) */
    const float *input;                /* the network input, NCHW */
    /* per layer: 1 when its output is read after the pass (NULL: none), so that no step,
     * even one run alone between passes, writes over it */
    const int *keep;
} ib_chain_spec;

/* A peer's network: every layer reads its producer's destination memory, and a reorder is a
 * step of its own wherever two layouts meet. create runs nothing; steps run in order. */
typedef struct ib_chain_ops {
    ib_status (*create)(const ib_chain_spec *s, void **chain, ib_err *e);
    int (*steps)(const void *chain);
    /* Step k: the layer it belongs to; *reorder 1 for a layout change; *label what runs. */
    int (*step_info)(const void *chain, int k, int *reorder, const char **label);
    ib_status (*run_step)(void *chain, int k); /* timed */
    /* Untimed: the output of layer into nchw (its plain n x c x h x w form). */
    ib_status (*read)(void *chain, int layer, float *nchw);
    /* Bytes of the activations: as one fresh buffer each, and in the planned arena. */
    void (*activations)(const void *chain, double *fresh, double *arena);
    /* Fills the output memory of layer with NaN (tests: is it really read downstream?). */
    ib_status (*poison)(void *chain, int layer);
    void (*release)(void *chain);
} ib_chain_ops;

#endif
