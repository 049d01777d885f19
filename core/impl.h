/* An implementation of one layer type: what every ISA, library peer and the reference provide. */
#ifndef IB_IMPL_H
#define IB_IMPL_H

#include "core/cpu.h"
#include "core/desc.h"
#include "core/layout.h"

struct ib_chain_ops;

/* A native kernel: reads and writes activations in one layout with explicit buffers, so
 * layers can be chained without reorders. Kernels never allocate, parse or print. */
typedef struct ib_native {
    const char *kernel;   /* the function doing the work, e.g. "conv_nchw8c_4x3__avx2" */
    ib_layout src_layout; /* of every data input (see ib_arg_shapes.in_is_data) */
    ib_layout dst_layout; /* of out[0]; out[1] (lsloss grad) is always plain */
    /* Bytes of packed parameters (weights, bias, scale/shift, labels, ...); NULL: none. */
    size_t (*packed_bytes)(const ib_desc *d);
    /* Untimed: parameters from their NCHW form (args) into the kernel's form. */
    void (*pack)(const ib_desc *d, const ib_args *nchw, void *packed);
    /* Timed: src are the data inputs in src_layout, dst the outputs. */
    void (*exec)(const ib_desc *d, const void *packed, const float *const *src, float *const *dst);
    int (*describe)(const ib_desc *d, char *buf, size_t n); /* the plan, one line; NULL when none */
} ib_native;

/* What an implementation is, so that no code needs to compare names: our kernels for one ISA,
 * the scalar reference, or a library peer that dispatches on the CPU itself (it runs the best
 * ISA under the INCBENCH_ISA cap, whatever its isa field says it needs at least). */
typedef enum ib_impl_kind { IB_KIND_NATIVE, IB_KIND_REFERENCE, IB_KIND_PEER } ib_impl_kind;

typedef struct ib_impl {
    const char *name; /* family: "ref", "avx2", "avx512", "neon", "onednn", "xsmm", ... */
    ib_op op;
    ib_isa isa; /* hardware the code needs */
    ib_impl_kind kind;
    int test_only; /* mutants and planted slowdowns: never listed by the driver's defaults */
    /* Another configuration of a peer (onednn_postops): run only when named with --impl, so
     * that default runs and regress baselines do not grow; tested like any implementation. */
    int opt_in;
    /* 1 when it can run d (validated); else 0 and *why says why. */
    int (*supports)(const ib_desc *d, const char **why);

    /* Either a native kernel chooser (the generic instance below is then used) ... */
    const ib_native *(*native)(const ib_desc *d);

    /* ... or a prepared-problem interface, for peers that own their memory (oneDNN, libxsmm).
     * prepare: untimed, copies/reorders NCHW inputs and packs parameters;
     * run: the timed region; fetch: untimed, writes outputs to args->out[] in NCHW. */
    ib_status (*prepare)(const ib_desc *d, const ib_args *nchw, void **inst, ib_err *e);
    ib_status (*run)(void *inst);
    ib_status (*fetch)(void *inst, const ib_args *nchw);
    void (*release)(void *inst);

    /* A peer that owns its memory may also build a whole network in it (core/chain.h), so
     * that layers read each other's outputs; NULL when it cannot. */
    const struct ib_chain_ops *chain;

    /* An algorithm that rounds differently from the reference (Winograd): the bound on
     * |result - reference| of every output element (NCHW, out[0]) for the NCHW arguments a;
     * NULL: the op's own rule (bit for bit under integer fills for conv). */
    void (*error_bound)(const ib_desc *d, const ib_args *a, double *bound);
    /* An algorithm whose multiply-adds are not the direct count: its real element-wise
     * multiply-adds and the flops of its transforms; NULL: the direct count. */
    void (*work)(const ib_desc *d, int64_t *product_macs, int64_t *transform_flops);
    /* A peer's own name for what it runs on d (oneDNN: its impl_info_str, such as
     * "brgconv:avx512_core"), written into buf; NULL when it names nothing. */
    const char *(*describe)(const struct ib_impl *impl, const ib_desc *d, char *buf, int len);
} ib_impl;

/* Every validated problem of the layer type is supported. */
int ib_supports_all(const ib_desc *d, const char **why);

/* A native kernel chooser fn for a layer type whose kernel does not depend on the problem. */
#define IB_NATIVE_ALWAYS(fn, nat)                                                                  \
    static const ib_native *fn(const ib_desc *d)                                                   \
    {                                                                                              \
        (void)d;                                                                                   \
        return &(nat);                                                                             \
    }

/* The registry record sym of a native implementation: its family NAME, layer type OP, the ISA
 * it needs, its support test and its kernel chooser; further designated initializers
 * (.kind, .test_only) may follow. Every native implementation is built by this one macro. */
#define IB_IMPL_NATIVE(sym, NAME, OP, ISA, supports_fn, choose_fn, ...)                            \
    const ib_impl sym = {.name = NAME,                                                             \
                         .op = OP,                                                                 \
                         .isa = ISA,                                                               \
                         .supports = supports_fn,                                                  \
                         .native = choose_fn,                                                      \
                         __VA_ARGS__}

/* Uniform entry points over both kinds of implementation. d must be validated and supported. */
typedef struct ib_instance ib_instance;
ib_status ib_instance_create(const ib_impl *impl, const ib_desc *d, const ib_args *nchw,
                             ib_instance **inst, ib_err *e);
ib_status ib_instance_run(ib_instance *inst);
ib_status ib_instance_fetch(ib_instance *inst, const ib_args *nchw);
void ib_instance_destroy(ib_instance *inst);
const ib_impl *ib_instance_impl(const ib_instance *inst);

#endif
