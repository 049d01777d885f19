/* libxsmm fully connected: dst (n x oc, row-major) is the column-major GEMM
 * C (oc x n) = W^T (oc x ic) * X (ic x n), computed in blocks of output channels, each one
 * JIT-compiled libxsmm call; the bias is added to the block while it is in cache. */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include <libxsmm.h>

#include "arch/xsmm/xsmm.h"

/* Output channels per block: weights of one block stream through once per call. */
enum { XF_MB = 64 };

typedef struct xf_plan {
    int64_t mb, nblk, tail;   /* blocks of mb output channels, the last one tail wide */
    libxsmm_smmfunction k[2]; /* full block, tail block */
} xf_plan;

static void plan_of(const ib_fc_desc *f, xf_plan *p)
{
    memset(p, 0, sizeof *p);
    p->mb = f->oc < XF_MB ? f->oc : XF_MB;
    p->nblk = (f->oc + p->mb - 1) / p->mb;
    p->tail = f->oc - (p->nblk - 1) * p->mb;
}

static int dispatch(const ib_fc_desc *f, xf_plan *p, const char **why)
{
    static _Thread_local char msg[128];
    const float alpha = 1.0f, beta = 0.0f;
    const int flags = LIBXSMM_GEMM_FLAG_NONE, pf = LIBXSMM_GEMM_PREFETCH_NONE;
    const libxsmm_blasint lda = (libxsmm_blasint)p->mb, ldb = (libxsmm_blasint)f->ic;
    const libxsmm_blasint ldc = (libxsmm_blasint)f->oc;
    for (int b = 0; b < 2; b++) {
        const libxsmm_blasint m = (libxsmm_blasint)(b ? p->tail : p->mb);
        p->k[b] = libxsmm_smmdispatch(m, (libxsmm_blasint)f->n, (libxsmm_blasint)f->ic, &lda, &ldb,
                                      &ldc, &alpha, &beta, &flags, &pf);
        if (!p->k[b]) {
            snprintf(msg, sizeof msg, "libxsmm has no GEMM kernel M=%d N=%lld K=%lld", (int)m,
                     (long long)f->n, (long long)f->ic);
            if (why)
                *why = msg;
            return 0;
        }
    }
    return 1;
}

static int fc_supports(const ib_desc *d, const char **why)
{
    xf_plan p;
    if (d->op != IB_OP_FC) {
        if (why)
            *why = "not a fully connected layer";
        return 0;
    }
    ib_xsmm_init();
    if (d->fc.n > INT32_MAX || d->fc.ic > INT32_MAX || d->fc.oc > INT32_MAX) {
        if (why)
            *why = "sizes beyond libxsmm's 32-bit ints";
        return 0;
    }
    plan_of(&d->fc, &p);
    return dispatch(&d->fc, &p, why);
}

/* Packed block: the plan, then weights [block][ic][mb] (zero columns past oc in the last
 * block), then the bias (zeros when absent) of oc floats. */
static size_t head_bytes(void)
{
    return ib_xsmm_round64(sizeof(xf_plan));
}

static size_t fc_packed_bytes(const ib_desc *d)
{
    xf_plan p;
    plan_of(&d->fc, &p);
    return head_bytes() + (size_t)(p.nblk * p.mb * d->fc.ic + d->fc.oc) * sizeof(float);
}

static void fc_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    const ib_fc_desc *f = &d->fc;
    xf_plan *p = packed;
    ib_xsmm_init();
    plan_of(f, p);
    if (!dispatch(f, p, NULL)) { /* supports() saw it succeed; exec then does nothing */
        p->nblk = 0;
        return;
    }
    float *w = (float *)((char *)packed + head_bytes());
    for (int64_t b = 0; b < p->nblk; b++)
        for (int64_t k = 0; k < f->ic; k++)
            for (int64_t m = 0; m < p->mb; m++) {
                const int64_t oc = b * p->mb + m;
                *w++ = oc < f->oc ? a->in[1][oc * f->ic + k] : 0.0f;
            }
    for (int64_t oc = 0; oc < f->oc; oc++)
        w[oc] = f->has_bias ? a->in[2][oc] : 0.0f;
}

static void fc_exec(const ib_desc *d, const void *packed, const float *const *src,
                    float *const *dst)
{
    const ib_fc_desc *f = &d->fc;
    const xf_plan *p = packed;
    const float *w = (const float *)((const char *)packed + head_bytes());
    const float *bias = w + p->nblk * p->mb * f->ic;
    const int nthr = omp_get_max_threads();
#pragma omp parallel for schedule(static) if (nthr > 1 && p->nblk > 1)
    for (int64_t b = 0; b < p->nblk; b++) {
        const int last = b == p->nblk - 1;
        float *y = dst[0] + b * p->mb;
        p->k[last](w + b * p->mb * f->ic, src[0], y);
        if (f->has_bias) {
            const int64_t m = last ? p->tail : p->mb;
            for (int64_t r = 0; r < f->n; r++)
                for (int64_t i = 0; i < m; i++)
                    y[r * f->oc + i] += bias[b * p->mb + i];
        }
    }
}

static const ib_native fc_native = {
    .kernel = "fc_gemm__xsmm",
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW,
    .packed_bytes = fc_packed_bytes,
    .pack = fc_pack,
    .exec = fc_exec,
};

static const ib_native *fc_native_of(const ib_desc *d)
{
    (void)d;
    return &fc_native;
}

const ib_impl ib_xsmm_fc_impl = {
    .name = "xsmm",
    .op = IB_OP_FC,
    .isa = IB_ISA_AVX2,
    .kind = IB_KIND_PEER,
    .supports = fc_supports,
    .native = fc_native_of,
};
