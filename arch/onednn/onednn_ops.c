/* oneDNN peer: pooling, global average pooling, batch-norm, ReLU, softmax and concat. */
#include "arch/onednn/onednn_common.h"

/* Activations enter in the layout a oneDNN convolution would have produced. */
static ib_status act_mds(const ib_dnnl_inst *in, int64_t n, int64_t c, int64_t h, int64_t w,
                         dnnl_memory_desc_t *user, dnnl_memory_desc_t *prim, ib_err *e)
{
    const int64_t dims[4] = {n, c, h, w};
    ib_status st = ib_dnnl_md(user, 4, dims, dnnl_nchw, e);
    return st ? st : ib_dnnl_md(prim, 4, dims, ib_dnnl_act_tag(in->engine, dims), e);
}

/* Creates the primitive descriptor of op_desc and wires src (and dst, layout "any"). */
static ib_status finish_unary(ib_dnnl_inst *in, const void *op_desc, const char *what,
                              const dnnl_memory_desc_t *src_u, const dnnl_memory_desc_t *src_p,
                              const dnnl_memory_desc_t *dst_u, const float *src, ib_err *e)
{
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t s = dnnl_primitive_desc_create(&pd, op_desc, NULL, in->engine, NULL);
    if (s != dnnl_success)
        return ib_dnnl_fail(e, s, what);
    ib_status st = ib_dnnl_set_pd(in, pd, e);
    if (st || in->pd_only)
        return st;
    if ((st = ib_dnnl_add_input(in, DNNL_ARG_SRC, src_u, src, src_p, e)))
        return st;
    return ib_dnnl_add_output(in, DNNL_ARG_DST, dst_u,
                              dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), e);
}

static ib_status pool(const ib_pool_desc *d, int64_t oh, int64_t ow, dnnl_alg_kind_t alg,
                      const int64_t *pad, const ib_args *a, ib_dnnl_inst *in, ib_err *e)
{
    dnnl_memory_desc_t src_u, src_p, dst_u, dst_any;
    const int64_t ddims[4] = {d->n, d->c, oh, ow};
    ib_status st;
    if ((st = act_mds(in, d->n, d->c, d->ih, d->iw, &src_u, &src_p, e)) ||
        (st = ib_dnnl_md(&dst_u, 4, ddims, dnnl_nchw, e)) ||
        (st = ib_dnnl_md(&dst_any, 4, ddims, dnnl_format_tag_any, e)))
        return st;
    dnnl_pooling_v2_desc_t pdesc;
    dnnl_dims_t strides = {d->sh, d->sw}, kernel = {d->kh, d->kw}, dil = {0, 0};
    dnnl_dims_t pad_l = {pad[0], pad[2]}, pad_r = {pad[1], pad[3]};
    IB_DNNL_TRY(e, dnnl_pooling_v2_forward_desc_init(&pdesc, dnnl_forward_inference, alg, &src_p,
                                                     &dst_any, strides, kernel, dil, pad_l, pad_r));
    return finish_unary(in, &pdesc, "dnnl_primitive_desc_create(pooling)", &src_u, &src_p, &dst_u,
                        a ? a->in[0] : NULL, e);
}

/* Max ignores padded taps as ours does; avg maps count_include_pad to the two algorithms. */
ib_status ib_dnnl_setup_pool(const ib_desc *dd, const ib_args *a, ib_dnnl_inst *in, ib_err *e)
{
    const ib_pool_desc *d = &dd->pool;
    dnnl_alg_kind_t alg = dd->op == IB_OP_MAXPOOL ? dnnl_pooling_max
                          : d->count_include_pad  ? dnnl_pooling_avg_include_padding
                                                  : dnnl_pooling_avg_exclude_padding;
    const int64_t pad[4] = {d->pt, d->pb, d->pl, d->pr};
    return pool(d, d->oh, d->ow, alg, pad, a, in, e);
}

/* Global average pooling is average pooling with the whole plane as the window. */
ib_status ib_dnnl_setup_gap(const ib_desc *dd, const ib_args *a, ib_dnnl_inst *in, ib_err *e)
{
    const ib_eltwise_desc *g = &dd->gap;
    const ib_pool_desc d = {
        .n = g->n, .c = g->c, .ih = g->h, .iw = g->w, .kh = g->h, .kw = g->w, .sh = 1, .sw = 1};
    const int64_t pad[4] = {0, 0, 0, 0};
    return pool(&d, 1, 1, dnnl_pooling_avg_exclude_padding, pad, a, in, e);
}

/* Batch-norm inference with the given statistics, gamma and beta as scale and shift. */
ib_status ib_dnnl_setup_bn(const ib_desc *dd, const ib_args *a, ib_dnnl_inst *in, ib_err *e)
{
    const ib_bn_desc *d = &dd->bn;
    dnnl_memory_desc_t src_u, src_p, vec;
    ib_status st;
    if ((st = act_mds(in, d->n, d->c, d->h, d->w, &src_u, &src_p, e)) ||
        (st = ib_dnnl_md(&vec, 1, &d->c, dnnl_x, e)))
        return st;
    dnnl_batch_normalization_desc_t bd;
    IB_DNNL_TRY(e, dnnl_batch_normalization_forward_desc_init(
                       &bd, dnnl_forward_inference, &src_p, d->eps,
                       dnnl_use_global_stats | dnnl_use_scale | dnnl_use_shift));
    if ((st = finish_unary(in, &bd, "dnnl_primitive_desc_create(batch_normalization)", &src_u,
                           &src_p, &src_u, a ? a->in[0] : NULL, e)) ||
        in->pd_only)
        return st;
    if ((st = ib_dnnl_add_input(in, DNNL_ARG_SCALE, &vec, a->in[1], NULL, e)) ||
        (st = ib_dnnl_add_input(in, DNNL_ARG_SHIFT, &vec, a->in[2], NULL, e)) ||
        (st = ib_dnnl_add_input(in, DNNL_ARG_MEAN, &vec, a->in[3], NULL, e)))
        return st;
    return ib_dnnl_add_input(in, DNNL_ARG_VARIANCE, &vec, a->in[4], NULL, e);
}

ib_status ib_dnnl_setup_relu(const ib_desc *dd, const ib_args *a, ib_dnnl_inst *in, ib_err *e)
{
    const ib_eltwise_desc *d = &dd->relu;
    dnnl_memory_desc_t src_u, src_p;
    ib_status st = act_mds(in, d->n, d->c, d->h, d->w, &src_u, &src_p, e);
    if (st)
        return st;
    dnnl_eltwise_desc_t ed;
    IB_DNNL_TRY(e, dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, dnnl_eltwise_relu,
                                                  &src_p, 0.0f, 0.0f));
    return finish_unary(in, &ed, "dnnl_primitive_desc_create(eltwise)", &src_u, &src_p, &src_u,
                        a ? a->in[0] : NULL, e);
}

/* Softmax over axis 1 of an n x c matrix. */
ib_status ib_dnnl_setup_softmax(const ib_desc *dd, const ib_args *a, ib_dnnl_inst *in, ib_err *e)
{
    const ib_softmax_desc *d = &dd->softmax;
    dnnl_memory_desc_t md;
    const int64_t dims[2] = {d->n, d->c};
    ib_status st = ib_dnnl_md(&md, 2, dims, dnnl_nc, e);
    if (st)
        return st;
    dnnl_softmax_desc_t sd;
    IB_DNNL_TRY(e, dnnl_softmax_forward_desc_init(&sd, dnnl_forward_inference, &md, 1));
    return finish_unary(in, &sd, "dnnl_primitive_desc_create(softmax)", &md, &md, &md,
                        a ? a->in[0] : NULL, e);
}

/* Concat along channels: each input, and the output, in the layout a oneDNN convolution
 * would write it in (the next layer reads it as such). */
ib_status ib_dnnl_setup_concat(const ib_desc *dd, const ib_args *a, ib_dnnl_inst *in, ib_err *e)
{
    const ib_concat_desc *d = &dd->concat;
    dnnl_memory_desc_t src_u[IB_CONCAT_MAX], src_p[IB_CONCAT_MAX], dst_u, dst_p;
    ib_status st;
    for (int i = 0; i < d->ninputs; i++)
        if ((st = act_mds(in, d->n, d->in[i].c, d->in[i].h, d->in[i].w, &src_u[i], &src_p[i], e)))
            return st;
    if ((st = act_mds(in, d->n, d->oc, d->oh, d->ow, &dst_u, &dst_p, e)))
        return st;
    dnnl_primitive_desc_t pd = NULL;
    IB_DNNL_TRY(
        e, dnnl_concat_primitive_desc_create(&pd, &dst_p, d->ninputs, 1, src_p, NULL, in->engine));
    if ((st = ib_dnnl_set_pd(in, pd, e)) || in->pd_only)
        return st;
    for (int i = 0; i < d->ninputs; i++)
        if ((st = ib_dnnl_add_input(in, DNNL_ARG_MULTIPLE_SRC + i, &src_u[i], a->in[i], &src_p[i],
                                    e)))
            return st;
    return ib_dnnl_add_output(in, DNNL_ARG_DST, &dst_u,
                              dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), e);
}

IB_DNNL_IMPL(ib_onednn_maxpool, IB_OP_MAXPOOL, ib_dnnl_setup_pool)
IB_DNNL_IMPL(ib_onednn_avgpool, IB_OP_AVGPOOL, ib_dnnl_setup_pool)
IB_DNNL_IMPL(ib_onednn_gap, IB_OP_GAP, ib_dnnl_setup_gap)
IB_DNNL_IMPL(ib_onednn_bn, IB_OP_BN, ib_dnnl_setup_bn)
IB_DNNL_IMPL(ib_onednn_relu, IB_OP_RELU, ib_dnnl_setup_relu)
IB_DNNL_IMPL(ib_onednn_softmax, IB_OP_SOFTMAX, ib_dnnl_setup_softmax)
IB_DNNL_IMPL(ib_onednn_concat, IB_OP_CONCAT, ib_dnnl_setup_concat)
