/* oneDNN peer internals: the shared engine and one prepared primitive with its memories. */
#ifndef IB_ONEDNN_COMMON_H
#define IB_ONEDNN_COMMON_H

#include <dnnl.h>

#include "arch/onednn/onednn.h"
#include "arch/onednn/onednn_net.h"
#include "core/impl.h"

enum { IB_DNNL_MAX_ARGS = IB_CONCAT_MAX + 8 };

typedef struct ib_dnnl_inst {
    int pd_only; /* build the primitive descriptor only (ib_onednn_impl_info_desc) */
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t prim;
    int nargs;
    dnnl_exec_arg_t args[IB_DNNL_MAX_ARGS];
    dnnl_memory_t dst;           /* the primitive's output, in its own layout */
    dnnl_memory_desc_t user_dst; /* its NCHW (or n x c) form, for fetch */
    char info[96];               /* impl_info_str, e.g. "jit:avx2" */
} ib_dnnl_inst;

/* Builds the primitive for d into in: a is NULL when in->pd_only. */
typedef ib_status (*ib_dnnl_setup_fn)(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in,
                                      ib_err *e);

/* Turns a failed dnnl call into a status (unimplemented -> IB_UNSUPPORTED) naming the call. */
ib_status ib_dnnl_fail(ib_err *e, dnnl_status_t s, const char *call);
#define IB_DNNL_TRY(e, call)                                                                       \
    do {                                                                                           \
        dnnl_status_t s_ = (call);                                                                 \
        if (s_ != dnnl_success)                                                                    \
            return ib_dnnl_fail((e), s_, #call);                                                   \
    } while (0)

/* The shared CPU engine (index 0), created once after applying the INCBENCH_ISA cap. */
ib_status ib_dnnl_engine(dnnl_engine_t *eng, ib_err *e);

/* Plain and blocked memory descriptors. The activation tag of an n x c x h x w tensor is the
 * layout oneDNN's own convolution (1x1, c -> c, layouts "any") writes it in on this engine:
 * nhwc, nChw16c or nChw8c (nchw if it is none of them or the query fails), so that the peer's
 * pooling, concat, batch-norm and ReLU run on what a oneDNN network hands them. */
ib_status ib_dnnl_md(dnnl_memory_desc_t *md, int ndims, const int64_t *dims, dnnl_format_tag_t tag,
                     ib_err *e);
dnnl_format_tag_t ib_dnnl_act_tag(dnnl_engine_t eng, const int64_t *dims);

/* Takes ownership of pd: creates the primitive (unless pd_only) and records impl_info. */
ib_status ib_dnnl_set_pd(ib_dnnl_inst *in, dnnl_primitive_desc_t pd, ib_err *e);
/* Adds an execute argument: a memory in prim_md (NULL: same as user_md), filled untimed from
 * user (in user_md) by a reorder. No-op when pd_only. */
ib_status ib_dnnl_add_input(ib_dnnl_inst *in, int arg, const dnnl_memory_desc_t *user_md,
                            const float *user, const dnnl_memory_desc_t *prim_md, ib_err *e);
/* The output argument, in prim_md; fetch reorders it to user_md. No-op when pd_only. */
ib_status ib_dnnl_add_output(ib_dnnl_inst *in, int arg, const dnnl_memory_desc_t *user_md,
                             const dnnl_memory_desc_t *prim_md, ib_err *e);

/* The ib_impl entry points shared by every oneDNN implementation. */
ib_status ib_dnnl_prepare(ib_dnnl_setup_fn setup, const ib_desc *d, const ib_args *a, void **inst,
                          ib_err *e);
ib_status ib_dnnl_run(void *inst);
ib_status ib_dnnl_fetch(void *inst, const ib_args *a);
void ib_dnnl_release(void *inst);
int ib_dnnl_supports(const ib_desc *d, const char **why);

/* Per-op setups (onednn_conv.c, onednn_ops.c). */
/* Convolution with its batch-norm folded into weights and bias (the default) or as post-ops. */
ib_status ib_dnnl_setup_conv(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in, ib_err *e);
ib_status ib_dnnl_setup_conv_postops(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in,
                                     ib_err *e);
ib_status ib_dnnl_setup_fc(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in, ib_err *e);
ib_status ib_dnnl_setup_pool(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in, ib_err *e);
ib_status ib_dnnl_setup_gap(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in, ib_err *e);
ib_status ib_dnnl_setup_bn(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in, ib_err *e);
ib_status ib_dnnl_setup_relu(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in, ib_err *e);
ib_status ib_dnnl_setup_softmax(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in, ib_err *e);
ib_status ib_dnnl_setup_concat(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in, ib_err *e);

/* Defines the registry entry `sym` for op, built by setup, named "onednn"; _NAMED: another
 * configuration of the peer under its own name, opt_in as ib_impl's. */
#define IB_DNNL_IMPL(sym, OP, setup) IB_DNNL_IMPL_NAMED(sym, OP, setup, "onednn", 0)
#define IB_DNNL_IMPL_NAMED(sym, OP, setup, NAME, OPT_IN)                                           \
    static ib_status sym##_prepare(const ib_desc *d, const ib_args *a, void **inst, ib_err *e)     \
    {                                                                                              \
        return ib_dnnl_prepare(setup, d, a, inst, e);                                              \
    }                                                                                              \
    const ib_impl sym = {                                                                          \
        .name = NAME,                                                                              \
        .opt_in = OPT_IN,                                                                          \
        .op = OP,                                                                                  \
        .isa = IB_ISA_SCALAR, /* oneDNN dispatches on the CPU itself */                            \
        .kind = IB_KIND_PEER,                                                                      \
        .describe = ib_onednn_impl_info_of,                                                        \
        .supports = ib_dnnl_supports,                                                              \
        .prepare = sym##_prepare,                                                                  \
        .run = ib_dnnl_run,                                                                        \
        .fetch = ib_dnnl_fetch,                                                                    \
        .release = ib_dnnl_release,                                                                \
        .chain = &ib_onednn_chain,                                                                 \
    };

#endif
