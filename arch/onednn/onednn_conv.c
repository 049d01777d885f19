/* oneDNN peer: convolution (batch-norm folded, or as post-ops) and inner product. */
#include "arch/onednn/onednn_common.h"
#include "core/conv_fold.h"
#include "core/winograd.h"

#include <string.h>

#include "arch/onednn/onednn.h"

/* Weights and bias of the folded convolution, through temporary NCHW copies that the
 * (untimed) reorders of ib_dnnl_add_input copy into oneDNN's memories. */
static ib_status add_folded_params(ib_dnnl_inst *in, const ib_conv_desc *d, const ib_args *a,
                                   const dnnl_memory_desc_t *wei_u, const dnnl_memory_desc_t *wei_p,
                                   const dnnl_memory_desc_t *vec_u, ib_err *e)
{
    const int has_bias = ib_conv_folded(d).has_bias;
    float *w = ib_alloc((size_t)(d->oc * d->ic * d->kh * d->kw) * sizeof(float));
    float *bias = has_bias ? ib_alloc((size_t)d->oc * sizeof(float)) : NULL;
    ib_status st = IB_OK;
    if (!w || (has_bias && !bias))
        st = ib_fail(e, IB_NOMEM, "onednn: cannot allocate the folded weights");
    else {
        ib_conv_fold(d, a, w, bias);
        if ((st = ib_dnnl_add_input(in, DNNL_ARG_WEIGHTS, wei_u, w, wei_p, e)) == IB_OK && has_bias)
            st = ib_dnnl_add_input(in, DNNL_ARG_BIAS, vec_u, bias, NULL, e);
    }
    ib_free(w);
    ib_free(bias);
    return st;
}

/* Weights and bias as they are, scale and shift as the sources of the two binary post-ops. */
static ib_status add_postops_params(ib_dnnl_inst *in, const ib_conv_desc *d, const ib_args *a,
                                    const dnnl_memory_desc_t *wei_u,
                                    const dnnl_memory_desc_t *wei_p,
                                    const dnnl_memory_desc_t *vec_u,
                                    const dnnl_memory_desc_t *chan_u, ib_err *e)
{
    ib_status st;
    if ((st = ib_dnnl_add_input(in, DNNL_ARG_WEIGHTS, wei_u, a->in[1], wei_p, e)) ||
        (d->has_bias && (st = ib_dnnl_add_input(in, DNNL_ARG_BIAS, vec_u, a->in[2], NULL, e))))
        return st;
    if (!d->has_scale_shift)
        return IB_OK;
    if ((st = ib_dnnl_add_input(in, DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, chan_u,
                                a->in[3], NULL, e)))
        return st;
    return ib_dnnl_add_input(in, DNNL_ARG_ATTR_MULTIPLE_POST_OP(1) | DNNL_ARG_SRC_1, chan_u,
                             a->in[4], NULL, e);
}

/* Convolution forward_inference, every layout "any" so oneDNN picks its own.
 * Folded (the default, as inference stacks deploy it): the batch-norm goes into the weights
 * and the bias at prepare time (core/conv_fold.h), leaving conv + bias + an eltwise ReLU
 * post-op, oneDNN's fastest path. Post-ops: (acc + bias) * scale + shift, then relu, becomes
 * bias + two per-channel binary post-ops + an eltwise post-op, the reference's operations in
 * its order (output scales would apply before the bias and need a rescaled bias). With the
 * verifier's power-of-two scales both forms stay exact. */
static ib_status setup_conv(const ib_desc *dd, const ib_args *a, ib_dnnl_inst *in, int fold,
                            dnnl_alg_kind_t alg, ib_err *e)
{
    const ib_conv_desc *d = &dd->conv;
    /* The convolution oneDNN sees: the folded one, or the descriptor's with its post-ops. */
    const ib_conv_desc pc = fold ? ib_conv_folded(d) : *d;
    dnnl_memory_desc_t src_u, wei_u, dst_u, vec_u, chan_u, src_any, wei_any, dst_any;
    ib_status st;
    const int64_t sdims[4] = {d->n, d->ic, d->ih, d->iw};
    const int64_t wdims[4] = {d->oc, d->ic, d->kh, d->kw};
    const int64_t ddims[4] = {d->n, d->oc, d->oh, d->ow};
    const int64_t cdims[4] = {1, d->oc, 1, 1};
    if ((st = ib_dnnl_md(&src_u, 4, sdims, dnnl_nchw, e)) ||
        (st = ib_dnnl_md(&wei_u, 4, wdims, dnnl_oihw, e)) ||
        (st = ib_dnnl_md(&dst_u, 4, ddims, dnnl_nchw, e)) ||
        (st = ib_dnnl_md(&vec_u, 1, &d->oc, dnnl_x, e)) ||
        (st = ib_dnnl_md(&chan_u, 4, cdims, dnnl_nchw, e)) ||
        (st = ib_dnnl_md(&src_any, 4, sdims, dnnl_format_tag_any, e)) ||
        (st = ib_dnnl_md(&wei_any, 4, wdims, dnnl_format_tag_any, e)) ||
        (st = ib_dnnl_md(&dst_any, 4, ddims, dnnl_format_tag_any, e)))
        return st;

    dnnl_convolution_desc_t cd;
    dnnl_dims_t strides = {d->sh, d->sw}, pad_l = {d->pt, d->pl}, pad_r = {d->pb, d->pr};
    IB_DNNL_TRY(e, dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, alg, &src_any,
                                                      &wei_any, pc.has_bias ? &vec_u : NULL,
                                                      &dst_any, strides, pad_l, pad_r));

    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t po = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t s;
    const char *call = NULL;
    if ((s = dnnl_primitive_attr_create(&attr)) || (s = dnnl_post_ops_create(&po)))
        call = "dnnl_primitive_attr_create";
    else if (pc.has_scale_shift &&
             ((s = dnnl_post_ops_append_binary(po, dnnl_binary_mul, &chan_u)) ||
              (s = dnnl_post_ops_append_binary(po, dnnl_binary_add, &chan_u))))
        call = "dnnl_post_ops_append_binary";
    else if (d->relu && (s = dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0, 0)))
        call = "dnnl_post_ops_append_eltwise";
    else if ((s = dnnl_primitive_attr_set_post_ops(attr, po)))
        call = "dnnl_primitive_attr_set_post_ops";
    else if ((s = dnnl_primitive_desc_create(&pd, &cd, attr, in->engine, NULL)))
        call = "dnnl_primitive_desc_create(convolution)";
    dnnl_post_ops_destroy(po);
    dnnl_primitive_attr_destroy(attr);
    if (call)
        return ib_dnnl_fail(e, s, call);
    if ((st = ib_dnnl_set_pd(in, pd, e)) || in->pd_only)
        return st;

    const dnnl_memory_desc_t *src_p = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
    const dnnl_memory_desc_t *wei_p = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    const dnnl_memory_desc_t *dst_p = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    if ((st = ib_dnnl_add_input(in, DNNL_ARG_SRC, &src_u, a->in[0], src_p, e)))
        return st;
    st = fold ? add_folded_params(in, d, a, &wei_u, wei_p, &vec_u, e)
              : add_postops_params(in, d, a, &wei_u, wei_p, &vec_u, &chan_u, e);
    return st != IB_OK ? st : ib_dnnl_add_output(in, DNNL_ARG_DST, &dst_u, dst_p, e);
}

ib_status ib_dnnl_setup_conv(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in, ib_err *e)
{
    return setup_conv(d, a, in, 1, dnnl_convolution_direct, e);
}

/* The Winograd peer: convolution_winograd where this oneDNN has it (AVX-512, 3x3 stride 1),
 * else convolution_auto, which picks what oneDNN thinks fastest; batch-norm folded as above.
 * The kernel it ran is printed like any oneDNN kernel's. */
static ib_status setup_conv_wino(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in, ib_err *e)
{
    ib_err first = {{0}};
    if (setup_conv(d, a, in, 1, dnnl_convolution_winograd, &first) == IB_OK)
        return IB_OK;
    return setup_conv(d, a, in, 1, dnnl_convolution_auto, e);
}

ib_status ib_dnnl_setup_conv_postops(const ib_desc *d, const ib_args *a, ib_dnnl_inst *in,
                                     ib_err *e)
{
    return setup_conv(d, a, in, 0, dnnl_convolution_direct, e);
}

/* Inner product forward_inference with bias; src, weights and dst layouts "any". */
ib_status ib_dnnl_setup_fc(const ib_desc *dd, const ib_args *a, ib_dnnl_inst *in, ib_err *e)
{
    const ib_fc_desc *d = &dd->fc;
    dnnl_memory_desc_t src_u, wei_u, dst_u, vec_u, src_any, wei_any, dst_any;
    ib_status st;
    const int64_t sdims[2] = {d->n, d->ic}, wdims[2] = {d->oc, d->ic}, ddims[2] = {d->n, d->oc};
    if ((st = ib_dnnl_md(&src_u, 2, sdims, dnnl_nc, e)) ||
        (st = ib_dnnl_md(&wei_u, 2, wdims, dnnl_oi, e)) ||
        (st = ib_dnnl_md(&dst_u, 2, ddims, dnnl_nc, e)) ||
        (st = ib_dnnl_md(&vec_u, 1, &d->oc, dnnl_x, e)) ||
        (st = ib_dnnl_md(&src_any, 2, sdims, dnnl_format_tag_any, e)) ||
        (st = ib_dnnl_md(&wei_any, 2, wdims, dnnl_format_tag_any, e)) ||
        (st = ib_dnnl_md(&dst_any, 2, ddims, dnnl_format_tag_any, e)))
        return st;

    dnnl_inner_product_desc_t ipd;
    IB_DNNL_TRY(e, dnnl_inner_product_forward_desc_init(&ipd, dnnl_forward_inference, &src_any,
                                                        &wei_any, d->has_bias ? &vec_u : NULL,
                                                        &dst_any));
    dnnl_primitive_desc_t pd = NULL;
    IB_DNNL_TRY(e, dnnl_primitive_desc_create(&pd, &ipd, NULL, in->engine, NULL));
    if ((st = ib_dnnl_set_pd(in, pd, e)) || in->pd_only)
        return st;

    const dnnl_memory_desc_t *src_p = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
    const dnnl_memory_desc_t *wei_p = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    const dnnl_memory_desc_t *dst_p = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    if ((st = ib_dnnl_add_input(in, DNNL_ARG_SRC, &src_u, a->in[0], src_p, e)) ||
        (st = ib_dnnl_add_input(in, DNNL_ARG_WEIGHTS, &wei_u, a->in[1], wei_p, e)) ||
        (d->has_bias && (st = ib_dnnl_add_input(in, DNNL_ARG_BIAS, &vec_u, a->in[2], NULL, e))))
        return st;
    return ib_dnnl_add_output(in, DNNL_ARG_DST, &dst_u, dst_p, e);
}

IB_DNNL_IMPL(ib_onednn_conv, IB_OP_CONV, ib_dnnl_setup_conv)
/* The post-op form, to time against the folded one: only when named (--impl onednn_postops). */
IB_DNNL_IMPL_NAMED(ib_onednn_conv_postops, IB_OP_CONV, ib_dnnl_setup_conv_postops, "onednn_postops",
                   1)
IB_DNNL_IMPL(ib_onednn_fc, IB_OP_FC, ib_dnnl_setup_fc)

static int wino_supports(const ib_desc *d, const char **why)
{
    return ib_wino_supports(&d->conv, why) && ib_dnnl_supports(d, why);
}

/* oneDNN's Winograd rounds as ours does, with its own transforms: it is held to our
 * F(4x4,3x3) bound (core/winograd.c), the larger of our two at equal channels. */
static void wino_bound(const ib_desc *d, const ib_args *a, double *bound)
{
    ib_wino_error_bound(&d->conv, a, &ib_wino_f4, bound);
}

extern const ib_impl ib_onednn_conv_wino;

/* The multiply-adds of what oneDNN picked: its F(4x4,3x3) ("wino_4x3") or F(2x2,3x3)
 * ("wino_2x3") on 16-channel blocks, counted as ours are; the direct count when
 * convolution_auto fell back to a direct kernel. */
static void wino_work(const ib_desc *d, int64_t *product_macs, int64_t *transform_flops)
{
    char info[96];
    ib_onednn_impl_info_of(&ib_onednn_conv_wino, d, info, sizeof info);
    const ib_wino_mats *mt = strstr(info, "wino_4x3")   ? &ib_wino_f4
                             : strstr(info, "wino_2x3") ? &ib_wino_f2
                                                        : NULL;
    if (mt) {
        ib_wino_work(&d->conv, mt, 16, product_macs, transform_flops);
        return;
    }
    ib_work w;
    ib_desc_work(d, &w);
    *product_macs = w.macs_nonpad;
    *transform_flops = 0;
}

static ib_status wino_prepare(const ib_desc *d, const ib_args *a, void **inst, ib_err *e)
{
    return ib_dnnl_prepare(setup_conv_wino, d, a, inst, e);
}

/* Only when named (--impl onednn_wino), like onednn_postops. */
const ib_impl ib_onednn_conv_wino = {
    .name = "onednn_wino",
    .opt_in = 1,
    .op = IB_OP_CONV,
    .isa = IB_ISA_SCALAR, /* oneDNN dispatches on the CPU itself */
    .supports = wino_supports,
    .prepare = wino_prepare,
    .run = ib_dnnl_run,
    .fetch = ib_dnnl_fetch,
    .release = ib_dnnl_release,
    .error_bound = wino_bound,
    .work = wino_work,
};
