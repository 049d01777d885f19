/* libxsmm_dnn peer: libxsmm 1.17's own direct convolution. Its buffers are blocked with a
 * physical zero rim (symmetric padding only) and it fuses nothing in 1.17, so bias and ReLU
 * run as a second (timed) pass over the output; a batch-norm is folded into the filter and
 * bias at prepare time (core/conv_fold.h), as for every implementation. */
#include <libxsmm.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/xsmm/xsmm.h"
#include "core/conv_fold.h"

enum { XD_IN, XD_FILTER, XD_OUT, XD_NT };

typedef struct xd_inst {
    ib_conv_desc c;
    libxsmm_dnn_layer *h;
    libxsmm_dnn_tensor *t[XD_NT];
    float *buf[XD_NT];
    unsigned dims[XD_NT][5]; /* activations: block, W, H, blocks, N (innermost first) */
    void *scratch;
    float *bias; /* the folded bias padded to kb*bk, or NULL */
    int nthr;
} xd_inst;

static const libxsmm_dnn_tensor_type xd_types[XD_NT] = {
    LIBXSMM_DNN_REGULAR_INPUT, LIBXSMM_DNN_REGULAR_FILTER, LIBXSMM_DNN_REGULAR_OUTPUT};

static int dnn_supports(const ib_desc *d, const char **why)
{
    const ib_conv_desc *c = &d->conv;
    const char *no = NULL;
    if (d->op != IB_OP_CONV)
        no = "not a convolution";
    else if (c->pt != c->pb || c->pl != c->pr)
        no = "libxsmm_dnn pads symmetrically only (pad_h, pad_w)";
    else if (c->n > 65536 || c->ic > 65536 || c->oc > 65536 || c->ih > 65536 || c->iw > 65536)
        no = "sizes beyond libxsmm_dnn's ints";
    if (no && why)
        *why = no;
    return !no;
}

static void dnn_release(void *p)
{
    xd_inst *x = p;
    if (!x)
        return;
    if (x->h) {
        libxsmm_dnn_release_scratch(x->h, LIBXSMM_DNN_COMPUTE_KIND_ALL);
        for (int i = 0; i < XD_NT; i++)
            if (x->t[i])
                libxsmm_dnn_release_tensor(x->h, xd_types[i]);
    }
    for (int i = 0; i < XD_NT; i++) {
        if (x->t[i])
            libxsmm_dnn_destroy_tensor(x->t[i]);
        ib_free(x->buf[i]);
    }
    if (x->h)
        libxsmm_dnn_destroy_conv_layer(x->h);
    ib_free(x->scratch);
    ib_free(x->bias);
    free(x);
}

#define XD_TRY(call, what)                                                                         \
    do {                                                                                           \
        libxsmm_dnn_err_t s_ = (call);                                                             \
        if (s_ != LIBXSMM_DNN_SUCCESS) {                                                           \
            st = ib_fail(e, IB_FAILED, "xsmm_dnn: %s: %s", what, libxsmm_dnn_get_error(s_));       \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

/* Tensor i: the layout libxsmm wants, a buffer of that size, linked and bound. */
static ib_status make_tensor(xd_inst *x, int i, ib_err *e)
{
    ib_status st = IB_OK;
    libxsmm_dnn_err_t s;
    libxsmm_dnn_tensor_datalayout *l = libxsmm_dnn_create_tensor_datalayout(x->h, xd_types[i], &s);
    if (!l)
        return ib_fail(e, IB_FAILED, "xsmm_dnn: tensor layout %d: %s", i, libxsmm_dnn_get_error(s));
    const size_t bytes = libxsmm_dnn_get_tensor_size(l, &s);
    for (unsigned k = 0; k < 5 && k < l->num_dims; k++)
        x->dims[i][k] = l->dim_size[k];
    if (!(x->buf[i] = ib_alloc(bytes)))
        st = ib_fail(e, IB_NOMEM, "xsmm_dnn: cannot allocate %zu bytes", bytes);
    else if (!(x->t[i] = libxsmm_dnn_link_tensor(l, x->buf[i], &s)))
        st = ib_fail(e, IB_FAILED, "xsmm_dnn: link tensor %d: %s", i, libxsmm_dnn_get_error(s));
    else if ((s = libxsmm_dnn_bind_tensor(x->h, x->t[i], xd_types[i])) != LIBXSMM_DNN_SUCCESS)
        st = ib_fail(e, IB_FAILED, "xsmm_dnn: bind tensor %d: %s", i, libxsmm_dnn_get_error(s));
    else
        memset(x->buf[i], 0, bytes); /* the input's zero rim */
    libxsmm_dnn_destroy_tensor_datalayout(l);
    return st;
}

/* Element (n, c, h, w) of a blocked activation [N][blocks][H][W][block] with a rim of p. */
static float *at(const xd_inst *x, int i, int64_t n, int64_t ch, int64_t h, int64_t w, int64_t ph,
                 int64_t pw)
{
    const unsigned *dm = x->dims[i];
    return x->buf[i] +
           ((((n * dm[3] + ch / dm[0]) * dm[2] + h + ph) * dm[1] + w + pw) * dm[0] + ch % dm[0]);
}

/* The filter of the folded convolution, through a KCRS (OIHW) copy that libxsmm reorders. */
static ib_status copyin_folded_filter(xd_inst *x, const ib_args *a, ib_err *e)
{
    const ib_conv_desc *c = &x->c;
    float *w = ib_alloc((size_t)(c->oc * c->ic * c->kh * c->kw) * sizeof(float));
    if (!w)
        return ib_fail(e, IB_NOMEM, "xsmm_dnn: cannot allocate the folded filter");
    ib_conv_fold(c, a, w, NULL);
    libxsmm_dnn_err_t s =
        libxsmm_dnn_copyin_tensor(x->t[XD_FILTER], w, LIBXSMM_DNN_TENSOR_FORMAT_KCRS);
    ib_free(w);
    if (s != LIBXSMM_DNN_SUCCESS)
        return ib_fail(e, IB_FAILED, "xsmm_dnn: filter copy-in: %s", libxsmm_dnn_get_error(s));
    return IB_OK;
}

static ib_status dnn_prepare(const ib_desc *d, const ib_args *a, void **inst, ib_err *e)
{
    const ib_conv_desc *c = &d->conv;
    ib_status st = IB_OK;
    libxsmm_dnn_err_t s;
    ib_xsmm_init();
    xd_inst *x = calloc(1, sizeof *x);
    if (!x)
        return ib_fail(e, IB_NOMEM, "xsmm_dnn: cannot allocate the instance");
    x->c = *c;
    x->nthr = omp_get_max_threads();
    libxsmm_dnn_conv_desc cd;
    memset(&cd, 0, sizeof cd);
    cd.N = (int)c->n, cd.C = (int)c->ic, cd.H = (int)c->ih, cd.W = (int)c->iw;
    cd.K = (int)c->oc, cd.R = (int)c->kh, cd.S = (int)c->kw, cd.u = (int)c->sh, cd.v = (int)c->sw;
    cd.pad_h = cd.pad_h_in = (int)c->pt;
    cd.pad_w = cd.pad_w_in = (int)c->pl;
    cd.threads = x->nthr;
    cd.datatype_in = cd.datatype_out = LIBXSMM_DNN_DATATYPE_F32;
    cd.buffer_format = cd.filter_format = LIBXSMM_DNN_TENSOR_FORMAT_LIBXSMM;
    cd.algo = LIBXSMM_DNN_CONV_ALGO_DIRECT;
    cd.options = LIBXSMM_DNN_CONV_OPTION_OVERWRITE;
    cd.fuse_ops = LIBXSMM_DNN_CONV_FUSE_NONE;
    x->h = libxsmm_dnn_create_conv_layer(cd, &s);
    if (!x->h) {
        st =
            ib_fail(e, IB_UNSUPPORTED, "xsmm_dnn: create_conv_layer: %s", libxsmm_dnn_get_error(s));
        goto fail;
    }
    for (int i = 0; i < XD_NT; i++)
        if ((st = make_tensor(x, i, e)) != IB_OK)
            goto fail;
    if (x->dims[XD_OUT][1] != (unsigned)c->ow || x->dims[XD_OUT][2] != (unsigned)c->oh ||
        x->dims[XD_IN][1] != (unsigned)(c->iw + 2 * c->pl)) {
        st = ib_fail(e, IB_UNSUPPORTED, "xsmm_dnn: unexpected buffer layout");
        goto fail;
    }
    const size_t sbytes = libxsmm_dnn_get_scratch_size(x->h, LIBXSMM_DNN_COMPUTE_KIND_ALL, &s);
    if (sbytes && !(x->scratch = ib_alloc(sbytes))) {
        st = ib_fail(e, IB_NOMEM, "xsmm_dnn: cannot allocate %zu bytes of scratch", sbytes);
        goto fail;
    }
    XD_TRY(libxsmm_dnn_bind_scratch(x->h, LIBXSMM_DNN_COMPUTE_KIND_ALL, x->scratch), "scratch");
    if ((st = copyin_folded_filter(x, a, e)) != IB_OK)
        goto fail;
    for (int64_t n = 0; n < c->n; n++)
        for (int64_t ch = 0; ch < c->ic; ch++)
            for (int64_t h = 0; h < c->ih; h++)
                for (int64_t w = 0; w < c->iw; w++)
                    *at(x, XD_IN, n, ch, h, w, c->pt, c->pl) =
                        a->in[0][((n * c->ic + ch) * c->ih + h) * c->iw + w];
    const int64_t kp = (int64_t)x->dims[XD_OUT][0] * x->dims[XD_OUT][3];
    if (ib_conv_folded(c).has_bias) {
        if (!(x->bias = ib_alloc((size_t)kp * sizeof(float)))) {
            st = ib_fail(e, IB_NOMEM, "xsmm_dnn: cannot allocate the bias");
            goto fail;
        }
        memset(x->bias, 0, (size_t)kp * sizeof(float));
        for (int64_t oc = 0; oc < c->oc; oc++)
            x->bias[oc] = ib_conv_folded_bias(c, a, oc);
    }
    *inst = x;
    return IB_OK;
fail:
    dnn_release(x);
    return st;
}

static ib_status dnn_run(void *p)
{
    xd_inst *x = p;
    int bad = 0;
#pragma omp parallel num_threads(x->nthr) reduction(| : bad)
    bad |= libxsmm_dnn_execute_st(x->h, LIBXSMM_DNN_COMPUTE_KIND_FWD, 0, omp_get_thread_num()) !=
           LIBXSMM_DNN_SUCCESS;
    if (bad)
        return IB_FAILED;
    /* The epilogue libxsmm_dnn 1.17 cannot fuse: one more pass, per output block. */
    const unsigned *dm = x->dims[XD_OUT];
    const int64_t bk = dm[0], items = (int64_t)dm[4] * dm[3], npix = (int64_t)dm[1] * dm[2];
    if (!x->bias && !x->c.relu)
        return IB_OK;
#pragma omp parallel for schedule(static) num_threads(x->nthr) if (items > 1)
    for (int64_t it = 0; it < items; it++) {
        const int64_t o = it % dm[3] * bk;
        ib_xsmm_epilogue(x->buf[XD_OUT] + it * npix * bk, npix, (int)bk,
                         x->bias ? x->bias + o : NULL, x->c.relu);
    }
    return IB_OK;
}

static ib_status dnn_fetch(void *p, const ib_args *a)
{
    const xd_inst *x = p;
    const ib_conv_desc *c = &x->c;
    if (!a->out[0])
        return IB_OK;
    for (int64_t n = 0; n < c->n; n++)
        for (int64_t ch = 0; ch < c->oc; ch++)
            for (int64_t h = 0; h < c->oh; h++)
                for (int64_t w = 0; w < c->ow; w++)
                    a->out[0][((n * c->oc + ch) * c->oh + h) * c->ow + w] =
                        *at(x, XD_OUT, n, ch, h, w, 0, 0);
    return IB_OK;
}

const ib_impl ib_xsmm_dnn_conv_impl = {
    .name = "xsmm_dnn",
    .op = IB_OP_CONV,
    .isa = IB_ISA_AVX2,
    .kind = IB_KIND_PEER,
    .supports = dnn_supports,
    .prepare = dnn_prepare,
    .run = dnn_run,
    .fetch = dnn_fetch,
    .release = dnn_release,
};
