/* oneDNN peer: shared engine, ISA cap, memories, untimed reorders and the run/fetch/release
 * entry points common to every oneDNN implementation. */
#include "arch/onednn/onednn_common.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/onednn/onednn.h"
#include "core/cpu.h"

static const char *dnnl_status_str(dnnl_status_t s)
{
    switch (s) {
    case dnnl_success:
        return "success";
    case dnnl_out_of_memory:
        return "out of memory";
    case dnnl_invalid_arguments:
        return "invalid arguments";
    case dnnl_unimplemented:
        return "unimplemented";
    case dnnl_iterator_ends:
        return "iterator ends";
    case dnnl_runtime_error:
        return "runtime error";
    case dnnl_not_required:
        return "not required";
    }
    return "unknown dnnl status";
}

ib_status ib_dnnl_fail(ib_err *e, dnnl_status_t s, const char *call)
{
    ib_status st = s == dnnl_unimplemented   ? IB_UNSUPPORTED
                   : s == dnnl_out_of_memory ? IB_NOMEM
                                             : IB_FAILED;
    /* Only the function name: the arguments make the message unreadable. */
    int n = (int)strcspn(call, "(");
    return ib_fail(e, st, "onednn: %.*s: %s", n, call, dnnl_status_str(s));
}

/* Engine: created once. INCBENCH_ISA caps oneDNN's dispatch too, so "scalar" means the
 * oldest ISA oneDNN has (SSE4.1). It must be set before oneDNN generates any code. */
static struct {
    pthread_once_t once;
    dnnl_engine_t engine;
    dnnl_status_t status;
    const char *call;
} g_dnnl = {PTHREAD_ONCE_INIT, NULL, dnnl_success, ""};

static void engine_init(void)
{
    const ib_cpu *cpu = ib_cpu_get();
    if (cpu->cap < cpu->best) {
        dnnl_cpu_isa_t isa = cpu->cap == IB_ISA_AVX512 ? dnnl_cpu_isa_avx512_core
                             : cpu->cap == IB_ISA_AVX2 ? dnnl_cpu_isa_avx2
                                                       : dnnl_cpu_isa_sse41;
        g_dnnl.status = dnnl_set_max_cpu_isa(isa);
        if (g_dnnl.status != dnnl_success) {
            g_dnnl.call = "dnnl_set_max_cpu_isa";
            return;
        }
    }
    g_dnnl.status = dnnl_engine_create(&g_dnnl.engine, dnnl_cpu, 0);
    g_dnnl.call = "dnnl_engine_create";
}

ib_status ib_dnnl_engine(dnnl_engine_t *eng, ib_err *e)
{
    pthread_once(&g_dnnl.once, engine_init);
    if (g_dnnl.status != dnnl_success)
        return ib_dnnl_fail(e, g_dnnl.status, g_dnnl.call);
    *eng = g_dnnl.engine;
    return IB_OK;
}

ib_status ib_dnnl_md(dnnl_memory_desc_t *md, int ndims, const int64_t *dims, dnnl_format_tag_t tag,
                     ib_err *e)
{
    dnnl_dims_t dd;
    for (int i = 0; i < ndims; i++)
        dd[i] = dims[i];
    IB_DNNL_TRY(e, dnnl_memory_desc_init_by_tag(md, ndims, dd, dnnl_f32, tag));
    return IB_OK;
}

dnnl_format_tag_t ib_dnnl_act_tag(dnnl_engine_t eng, const int64_t *dims)
{
    /* Asked, not assumed: brgconv (AVX-512) writes nhwc where the older jit kernels (AVX2)
     * write nChw8c, and the layout decides the speed of what follows (oneDNN's concat of four
     * 35x35 nChw16c tensors took 5 times as long as of the same in nhwc on a Xeon). */
    static const dnnl_format_tag_t candidates[] = {dnnl_nhwc, dnnl_nChw16c, dnnl_nChw8c, dnnl_nchw};
    const int64_t wdims[4] = {dims[1], dims[1], 1, 1};
    dnnl_memory_desc_t src, wei, dst, tagged;
    dnnl_dims_t one = {1, 1}, zero = {0, 0};
    dnnl_convolution_desc_t cd;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_format_tag_t tag = dnnl_nchw;
    ib_err e = {{0}};
    if (ib_dnnl_md(&src, 4, dims, dnnl_format_tag_any, &e) ||
        ib_dnnl_md(&wei, 4, wdims, dnnl_format_tag_any, &e) ||
        ib_dnnl_md(&dst, 4, dims, dnnl_format_tag_any, &e) ||
        dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct,
                                           &src, &wei, NULL, &dst, one, zero,
                                           zero) != dnnl_success ||
        dnnl_primitive_desc_create(&pd, &cd, NULL, eng, NULL) != dnnl_success)
        return tag;
    const dnnl_memory_desc_t *chosen = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++)
        if (ib_dnnl_md(&tagged, 4, dims, candidates[i], &e) == IB_OK &&
            dnnl_memory_desc_equal(&tagged, chosen)) {
            tag = candidates[i];
            break;
        }
    dnnl_primitive_desc_destroy(pd);
    return tag;
}

ib_status ib_dnnl_set_pd(ib_dnnl_inst *in, dnnl_primitive_desc_t pd, ib_err *e)
{
    in->pd = pd;
    const char *info = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &info) == dnnl_success && info)
        snprintf(in->info, sizeof in->info, "%s", info);
    if (!in->pd_only)
        IB_DNNL_TRY(e, dnnl_primitive_create(&in->prim, pd));
    return IB_OK;
}

/* One untimed reorder between two memories of the engine; handles are not owned. */
static ib_status reorder(ib_dnnl_inst *in, const dnnl_memory_desc_t *smd, void *sp,
                         const dnnl_memory_desc_t *dmd, void *dp, ib_err *e)
{
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_t r = NULL;
    dnnl_memory_t sm = NULL, dm = NULL;
    const char *call = NULL;
    dnnl_status_t s;
    if ((s = dnnl_reorder_primitive_desc_create(&rpd, smd, in->engine, dmd, in->engine, NULL)))
        call = "dnnl_reorder_primitive_desc_create";
    else if ((s = dnnl_primitive_create(&r, rpd)))
        call = "dnnl_primitive_create(reorder)";
    else if ((s = dnnl_memory_create(&sm, smd, in->engine, sp)) ||
             (s = dnnl_memory_create(&dm, dmd, in->engine, dp)))
        call = "dnnl_memory_create";
    else {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, sm}, {DNNL_ARG_TO, dm}};
        if ((s = dnnl_primitive_execute(r, in->stream, 2, args)) ||
            (s = dnnl_stream_wait(in->stream)))
            call = "dnnl_primitive_execute(reorder)";
    }
    dnnl_memory_destroy(sm);
    dnnl_memory_destroy(dm);
    dnnl_primitive_destroy(r);
    dnnl_primitive_desc_destroy(rpd);
    return call ? ib_dnnl_fail(e, s, call) : IB_OK;
}

static ib_status add_memory(ib_dnnl_inst *in, int arg, const dnnl_memory_desc_t *md,
                            dnnl_memory_t *out, ib_err *e)
{
    if (in->nargs == IB_DNNL_MAX_ARGS)
        return ib_fail(e, IB_FAILED, "onednn: more than %d arguments", IB_DNNL_MAX_ARGS);
    dnnl_memory_t m = NULL;
    IB_DNNL_TRY(e, dnnl_memory_create(&m, md, in->engine, DNNL_MEMORY_ALLOCATE));
    in->args[in->nargs].arg = arg;
    in->args[in->nargs].memory = m;
    in->nargs++;
    *out = m;
    return IB_OK;
}

ib_status ib_dnnl_add_input(ib_dnnl_inst *in, int arg, const dnnl_memory_desc_t *user_md,
                            const float *user, const dnnl_memory_desc_t *prim_md, ib_err *e)
{
    if (in->pd_only)
        return IB_OK;
    if (!prim_md)
        prim_md = user_md;
    dnnl_memory_t m = NULL;
    ib_status st = add_memory(in, arg, prim_md, &m, e);
    if (st != IB_OK)
        return st;
    void *h = NULL;
    IB_DNNL_TRY(e, dnnl_memory_get_data_handle(m, &h));
    /* The reorder only reads its source: dropping const here is safe. */
    return reorder(in, user_md, (void *)(uintptr_t)user, prim_md, h, e);
}

ib_status ib_dnnl_add_output(ib_dnnl_inst *in, int arg, const dnnl_memory_desc_t *user_md,
                             const dnnl_memory_desc_t *prim_md, ib_err *e)
{
    if (in->pd_only)
        return IB_OK;
    in->user_dst = *user_md;
    return add_memory(in, arg, prim_md, &in->dst, e);
}

ib_status ib_dnnl_prepare(ib_dnnl_setup_fn setup, const ib_desc *d, const ib_args *a, void **inst,
                          ib_err *e)
{
    *inst = NULL;
    ib_dnnl_inst *in = calloc(1, sizeof *in);
    if (!in)
        return ib_fail(e, IB_NOMEM, "onednn: instance allocation");
    in->pd_only = a == NULL;
    ib_status st = ib_dnnl_engine(&in->engine, e);
    if (st == IB_OK) {
        dnnl_status_t s = dnnl_stream_create(&in->stream, in->engine, dnnl_stream_default_flags);
        if (s != dnnl_success)
            st = ib_dnnl_fail(e, s, "dnnl_stream_create");
    }
    if (st == IB_OK)
        st = setup(d, a, in, e);
    if (st != IB_OK) {
        ib_dnnl_release(in);
        return st;
    }
    *inst = in;
    return IB_OK;
}

ib_status ib_dnnl_run(void *inst)
{
    ib_dnnl_inst *in = inst;
    if (dnnl_primitive_execute(in->prim, in->stream, in->nargs, in->args) != dnnl_success ||
        dnnl_stream_wait(in->stream) != dnnl_success)
        return IB_FAILED;
    return IB_OK;
}

ib_status ib_dnnl_fetch(void *inst, const ib_args *a)
{
    ib_dnnl_inst *in = inst;
    dnnl_memory_desc_t pmd = in->user_dst;
    const dnnl_memory_desc_t *md = NULL;
    void *h = NULL;
    if (dnnl_memory_get_memory_desc(in->dst, &md) != dnnl_success ||
        dnnl_memory_get_data_handle(in->dst, &h) != dnnl_success)
        return IB_FAILED;
    pmd = *md;
    return reorder(in, &pmd, h, &in->user_dst, a->out[0], NULL);
}

void ib_dnnl_release(void *inst)
{
    ib_dnnl_inst *in = inst;
    if (!in)
        return;
    for (int i = 0; i < in->nargs; i++)
        dnnl_memory_destroy(in->args[i].memory);
    dnnl_primitive_destroy(in->prim);
    dnnl_primitive_desc_destroy(in->pd);
    dnnl_stream_destroy(in->stream);
    free(in);
}

int ib_dnnl_supports(const ib_desc *d, const char **why)
{
    /* Everything it has a primitive for; prepare reports what oneDNN itself refuses. */
    if (d->op == IB_OP_LSLOSS) {
        if (why)
            *why = "oneDNN has no label-smoothing loss";
        return 0;
    }
    return 1;
}

const char *ib_onednn_impl_info(void *inst)
{
    return inst ? ((ib_dnnl_inst *)inst)->info : "";
}

static ib_dnnl_setup_fn setup_of(ib_op op)
{
    switch (op) {
    case IB_OP_CONV:
        return ib_dnnl_setup_conv;
    case IB_OP_FC:
        return ib_dnnl_setup_fc;
    case IB_OP_MAXPOOL:
    case IB_OP_AVGPOOL:
        return ib_dnnl_setup_pool;
    case IB_OP_GAP:
        return ib_dnnl_setup_gap;
    case IB_OP_BN:
        return ib_dnnl_setup_bn;
    case IB_OP_RELU:
        return ib_dnnl_setup_relu;
    case IB_OP_SOFTMAX:
        return ib_dnnl_setup_softmax;
    case IB_OP_CONCAT:
        return ib_dnnl_setup_concat;
    default:
        return NULL;
    }
}

const char *ib_onednn_impl_info_desc(const ib_desc *d, char *buf, int len)
{
    ib_dnnl_setup_fn setup = setup_of(d->op);
    ib_err e = {{0}};
    void *inst = NULL;
    if (len <= 0)
        return buf;
    if (!setup)
        snprintf(buf, (size_t)len, "unsupported: no oneDNN primitive for %s", ib_op_name(d->op));
    else if (ib_dnnl_prepare(setup, d, NULL, &inst, &e) != IB_OK)
        snprintf(buf, (size_t)len, "unsupported: %s", e.msg);
    else
        snprintf(buf, (size_t)len, "%s", ib_onednn_impl_info(inst));
    ib_dnnl_release(inst);
    return buf;
}

const char *ib_onednn_impl_info_of(const ib_impl *impl, const ib_desc *d, char *buf, int len)
{
    ib_err e = {{0}};
    void *inst = NULL;
    if (len <= 0)
        return buf;
    buf[0] = 0;
    /* Only oneDNN's prepare builds the primitive descriptor alone when given no arguments. */
    if (!impl || impl->run != ib_dnnl_run)
        return buf;
    if (impl->prepare(d, NULL, &inst, &e) != IB_OK)
        snprintf(buf, (size_t)len, "unsupported: %s", e.msg);
    else
        snprintf(buf, (size_t)len, "%s", ib_onednn_impl_info(inst));
    ib_dnnl_release(inst);
    return buf;
}
