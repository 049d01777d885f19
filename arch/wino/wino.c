/* Winograd F(2x2,3x3) / F(4x4,3x3) convolution on channel-blocked activations, one source built
 * once per ISA (WINO_VEC names the ISA's vector header: arch/wino/rules.mk). Per job (an image
 * and a block of WINO_TB tiles): the input transform of every tile and channel into V[point]
 * [tile][ic]; per group of output blocks and per point, the products as a matrix multiply
 * [tiles x ic] x [ic x oc] on a register tile of WINO_T tiles x WINO_G vectors; then the output
 * transform with the folded bias and ReLU, stored in the direct convolution's layout. */
#include <stdint.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/conv_fold.h"
#include "core/impl.h"
#include "core/winograd.h"

#ifndef WINO_VEC
#error "WINO_VEC must name the vector header of the ISA (arch/wino/rules.mk sets it)"
#endif
#include WINO_VEC

#define WINO_UNROLL _Pragma("GCC unroll 36")

/* Tiles per job: three register tiles, so the weights of a point are reused by them all. */
enum { WINO_TB = 3 * WINO_T, WINO_P_MAX = IB_WINO_ALPHA_MAX * IB_WINO_ALPHA_MAX };

/* Packed: this header, the transformed weights (core/winograd.h), then one scratch slot per
 * thread (V and M of a job), sized for the threads OpenMP would start when packing; a later
 * call never runs more threads than there are slots. Kernels do not allocate, so the
 * workspace travels with the packed parameters. */
typedef struct wino_header {
    int64_t slots, slot_floats, weights_floats;
    int64_t pad_[5]; /* 64 bytes: the weights stay aligned */
} wino_header;

static int64_t max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

static ib_wino_geom geom_for(const ib_conv_desc *c, const ib_wino_mats *mt)
{
    return ib_wino_geom_of(c, mt, WV_LANES, WINO_G);
}

static int64_t slot_floats(const ib_wino_geom *g)
{
    return g->points * WINO_TB * (g->icp + WINO_G * WV_LANES);
}

static size_t packed_bytes_for(const ib_desc *d, const ib_wino_mats *mt)
{
    const ib_wino_geom g = geom_for(&d->conv, mt);
    return sizeof(wino_header) +
           (size_t)(ib_wino_packed_floats(&g) + max_threads() * slot_floats(&g)) * sizeof(float);
}

static void pack_for(const ib_desc *d, const ib_args *a, void *packed, const ib_wino_mats *mt)
{
    const ib_wino_geom g = geom_for(&d->conv, mt);
    wino_header *h = packed;
    memset(h, 0, sizeof *h);
    h->slots = max_threads();
    h->slot_floats = slot_floats(&g);
    h->weights_floats = ib_wino_packed_floats(&g);
    ib_wino_pack(&d->conv, a, &g, (float *)(h + 1));
}

/* out[r] = sum_k mat[r][k] in[k] for r < rows, k < cols, with the coefficients known at compile
 * time (the matrices are static const and the loops unrolled): zeros cost nothing, +-1 an add. */
WV_INLINE void apply(const float *mat, const int rows, const int cols, const wv *in, int ist,
                     wv *out, int ost)
{
    WINO_UNROLL
    for (int r = 0; r < rows; r++) {
        wv acc = wv_zero();
        int first = 1;
        WINO_UNROLL
        for (int k = 0; k < cols; k++) {
            const float cf = mat[r * IB_WINO_ALPHA_MAX + k];
            const wv x = in[k * ist];
            if (cf == 0.0f)
                continue;
            if (first)
                acc = cf == 1.0f    ? x
                      : cf == -1.0f ? wv_sub(wv_zero(), x)
                                    : wv_fma(wv_set1(cf), x, wv_zero());
            else
                acc = cf == 1.0f    ? wv_add(acc, x)
                      : cf == -1.0f ? wv_sub(acc, x)
                                    : wv_fma(wv_set1(cf), x, acc);
            first = 0;
        }
        out[r * ost] = acc;
    }
}

typedef struct wino_run {
    const ib_conv_desc *c;
    ib_wino_geom g;
    const float *bias, *weights;
    int has_bias;
    const float *src;
    float *dst;
} wino_run;

/* V[p][t][icb*VL ..] of tiles t0 .. t0+nt-1 of image n. */
WV_INLINE void input_transform(const wino_run *r, const ib_wino_mats *mt, const int AL, int64_t n,
                               int64_t t0, int64_t nt, float *vbuf)
{
    const ib_conv_desc *c = r->c;
    const int64_t plane = c->ih * c->iw * WV_LANES;
    for (int64_t t = 0; t < nt; t++) {
        const int64_t ti = t0 + t;
        const int64_t y0 = (ti / r->g.tw) * mt->m - c->pt, x0 = (ti % r->g.tw) * mt->m - c->pl;
        const int inside = y0 >= 0 && x0 >= 0 && y0 + AL <= c->ih && x0 + AL <= c->iw;
        for (int64_t b = 0; b < r->g.icb; b++) {
            const float *s = r->src + (n * r->g.icb + b) * plane;
            wv d[IB_WINO_ALPHA_MAX * IB_WINO_ALPHA_MAX], tmp[IB_WINO_ALPHA_MAX * IB_WINO_ALPHA_MAX];
            WINO_UNROLL
            for (int i = 0; i < AL; i++)
                WINO_UNROLL
            for (int j = 0; j < AL; j++) {
                const int64_t y = y0 + i, x = x0 + j;
                d[i * AL + j] = inside || (y >= 0 && y < c->ih && x >= 0 && x < c->iw)
                                    ? wv_load(s + (y * c->iw + x) * WV_LANES)
                                    : wv_zero();
            }
            /* tmp = B^T d (per column), then V = tmp B (per row) */
            WINO_UNROLL
            for (int j = 0; j < AL; j++)
                apply(&mt->bt[0][0], AL, AL, d + j, AL, tmp + j, AL);
            WINO_UNROLL
            for (int i = 0; i < AL; i++) {
                wv v[IB_WINO_ALPHA_MAX];
                apply(&mt->bt[0][0], AL, AL, tmp + i * AL, 1, v, 1);
                WINO_UNROLL
                for (int j = 0; j < AL; j++)
                    wv_store(vbuf + ((i * AL + j) * WINO_TB + t) * r->g.icp + b * WV_LANES, v[j]);
            }
        }
    }
}

/* M[t][o*VL] = sum_i V[t][i] U[i][o*VL] for T tiles and G output vectors (the products of one
 * transform point): vp rows of icp channels, up rows of G*VL channels, mp rows of WINO_G*VL. */
WV_INLINE void gemm_tile(const float *vp, const float *up, float *mp, int64_t icp, const int T,
                         const int G)
{
    wv acc[WINO_T][WINO_G];
    WINO_UNROLL
    for (int t = 0; t < T; t++)
        WINO_UNROLL
    for (int o = 0; o < G; o++)
        acc[t][o] = wv_zero();
    for (int64_t i = 0; i < icp; i++) {
        wv w[WINO_G];
        WINO_UNROLL
        for (int o = 0; o < G; o++)
            w[o] = wv_load(up + (i * G + o) * WV_LANES);
        WINO_UNROLL
        for (int t = 0; t < T; t++) {
            const wv x = wv_bcast(vp + t * icp + i);
            WINO_UNROLL
            for (int o = 0; o < G; o++)
                acc[t][o] = wv_fma(x, w[o], acc[t][o]);
        }
    }
    WINO_UNROLL
    for (int t = 0; t < T; t++)
        WINO_UNROLL
    for (int o = 0; o < G; o++)
        wv_store(mp + (t * WINO_G + o) * WV_LANES, acc[t][o]);
}

typedef void (*gemm_fn)(const float *vp, const float *up, float *mp, int64_t icp);
#define WINO_GEMM_FN(T, G)                                                                         \
    static void gemm_##T##x##G(const float *vp, const float *up, float *mp, int64_t icp)           \
    {                                                                                              \
        gemm_tile(vp, up, mp, icp, T < WINO_T ? T : WINO_T, G < WINO_G ? G : WINO_G);              \
    }
#define WINO_FOR_G(X, T) X(T, 1) X(T, 2) X(T, 3) X(T, 4)
#define WINO_FOR_TG(X)                                                                             \
    WINO_FOR_G(X, 1)                                                                               \
    WINO_FOR_G(X, 2) WINO_FOR_G(X, 3) WINO_FOR_G(X, 4) WINO_FOR_G(X, 5) WINO_FOR_G(X, 6)
WINO_FOR_TG(WINO_GEMM_FN)
#define WINO_GEMM_REF(T, G) gemm_##T##x##G,
/* gemms[T-1][G-1]; entries beyond the ISA's WINO_T x WINO_G (clamped to it above, so that
 * they compile) are never called */
static const gemm_fn gemms[6][4] = {
    {WINO_FOR_G(WINO_GEMM_REF, 1)}, {WINO_FOR_G(WINO_GEMM_REF, 2)}, {WINO_FOR_G(WINO_GEMM_REF, 3)},
    {WINO_FOR_G(WINO_GEMM_REF, 4)}, {WINO_FOR_G(WINO_GEMM_REF, 5)}, {WINO_FOR_G(WINO_GEMM_REF, 6)},
};
_Static_assert(WINO_T <= 6 && WINO_G <= 4, "register tile beyond the instantiated ones");

/* Y = A^T M A + bias, ReLU, for output block ob of tile ti, stored where it lies inside. */
WV_INLINE void output_transform(const wino_run *r, const ib_wino_mats *mt, const int M,
                                const int AL, int64_t n, int64_t ti, int64_t ob,
                                const float *mt_tile)
{
    const ib_conv_desc *c = r->c;
    wv m[IB_WINO_ALPHA_MAX * IB_WINO_ALPHA_MAX], tmp[IB_WINO_M_MAX * IB_WINO_ALPHA_MAX];
    WINO_UNROLL
    for (int p = 0; p < AL * AL; p++)
        m[p] = wv_load(mt_tile + (int64_t)p * WINO_TB * WINO_G * WV_LANES);
    WINO_UNROLL
    for (int j = 0; j < AL; j++)
        apply(&mt->at[0][0], M, AL, m + j, AL, tmp + j, AL);
    const int64_t y0 = (ti / r->g.tw) * M, x0 = (ti % r->g.tw) * M;
    float *out = r->dst + ((n * r->g.ocb + ob) * c->oh * c->ow) * WV_LANES;
    const wv b = wv_load(r->bias + ob * WV_LANES);
    WINO_UNROLL
    for (int i = 0; i < M; i++) {
        wv y[IB_WINO_M_MAX];
        apply(&mt->at[0][0], M, AL, tmp + i * AL, 1, y, 1);
        if (y0 + i >= c->oh)
            break;
        WINO_UNROLL
        for (int j = 0; j < M; j++) {
            if (x0 + j >= c->ow)
                break;
            wv v = r->has_bias ? wv_add(y[j], b) : y[j];
            if (c->relu)
                v = wv_relu(v);
            wv_store(out + ((y0 + i) * c->ow + x0 + j) * WV_LANES, v);
        }
    }
}

/* One job: tiles t0 .. t0+nt-1 of image n, every output channel. */
WV_INLINE void run_job(const wino_run *r, const ib_wino_mats *mt, const int M, const int AL,
                       int64_t n, int64_t t0, int64_t nt, float *vbuf, float *mbuf)
{
    const ib_wino_geom *g = &r->g;
    input_transform(r, mt, AL, n, t0, nt, vbuf);
    for (int64_t grp = 0; grp < g->ngroups; grp++) {
        const int64_t left = g->ocb - grp * WINO_G;
        const int gsz = left < WINO_G ? (int)left : WINO_G;
        const float *wg = ib_wino_group_weights(g, r->weights, grp);
        for (int p = 0; p < AL * AL; p++) {
            const float *up = wg + (int64_t)p * g->icp * gsz * WV_LANES;
            for (int64_t t = 0; t < nt; t += WINO_T) {
                const int tn = nt - t < WINO_T ? (int)(nt - t) : WINO_T;
                gemms[tn - 1][gsz - 1](vbuf + ((int64_t)p * WINO_TB + t) * g->icp, up,
                                       mbuf + ((int64_t)p * WINO_TB + t) * WINO_G * WV_LANES,
                                       g->icp);
            }
        }
        for (int64_t t = 0; t < nt; t++)
            for (int o = 0; o < gsz; o++)
                output_transform(r, mt, M, AL, n, t0 + t, grp * WINO_G + o,
                                 mbuf + (t * WINO_G + o) * WV_LANES);
    }
}

static void run_job_f2(const wino_run *r, int64_t n, int64_t t0, int64_t nt, float *vb, float *mb)
{
    run_job(r, &ib_wino_f2, 2, 4, n, t0, nt, vb, mb);
}

static void run_job_f4(const wino_run *r, int64_t n, int64_t t0, int64_t nt, float *vb, float *mb)
{
    run_job(r, &ib_wino_f4, 4, 6, n, t0, nt, vb, mb);
}

typedef void (*job_fn)(const wino_run *r, int64_t n, int64_t t0, int64_t nt, float *vb, float *mb);

/* Job j (an image's block of WINO_TB tiles) on a thread's scratch slot vb: the transformed
 * input, then the products. */
static void run_job_at(const wino_run *r, job_fn job, int64_t j, int64_t blocks, float *vb)
{
    const int64_t n = j / blocks, t0 = (j % blocks) * WINO_TB;
    const int64_t nt = r->g.tiles - t0 < WINO_TB ? r->g.tiles - t0 : WINO_TB;
    job(r, n, t0, nt, vb, vb + r->g.points * WINO_TB * r->g.icp);
}

static void exec_with(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst, const ib_wino_mats *mt, job_fn job)
{
    const ib_conv_desc *c = &d->conv;
    const wino_header *h = packed;
    wino_run r;
    r.c = c;
    r.g = geom_for(c, mt);
    r.bias = (const float *)(h + 1);
    r.weights = r.bias;
    r.has_bias = ib_conv_folded(c).has_bias;
    r.src = src[0];
    r.dst = dst[0];
    /* the scratch slots follow the weights in the buffer the instance allocated (writable) */
    float *scratch = (float *)(uintptr_t)(r.bias + h->weights_floats);
    const int64_t blocks = (r.g.tiles + WINO_TB - 1) / WINO_TB, jobs = c->n * blocks;
    int64_t nthr = max_threads();
    nthr = nthr < h->slots ? nthr : h->slots;
    nthr = nthr < jobs ? nthr : jobs;

    /* One thread runs without a parallel region (core/par.h). */
    if (nthr == 1) {
        for (int64_t j = 0; j < jobs; j++)
            run_job_at(&r, job, j, blocks, scratch);
        return;
    }
#pragma omp parallel num_threads((int)nthr)
    {
#ifdef _OPENMP
        const int64_t tid = omp_get_thread_num();
#else
        const int64_t tid = 0;
#endif
        float *vb = scratch + tid * h->slot_floats;
#pragma omp for schedule(static)
        for (int64_t j = 0; j < jobs; j++)
            run_job_at(&r, job, j, blocks, vb);
    }
}

static size_t wino_packed_bytes(const ib_desc *d)
{
    return packed_bytes_for(d, ib_wino_choose(&d->conv));
}

static void wino_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    pack_for(d, a, packed, ib_wino_choose(&d->conv));
}

static void wino_exec(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst)
{
    const ib_wino_mats *mt = ib_wino_choose(&d->conv);
    exec_with(d, packed, src, dst, mt, mt->m == 4 ? run_job_f4 : run_job_f2);
}

static const ib_native wino_f2 = {
    .kernel = WINO_KERNEL("conv_wino_f2x2_3x3"),
    .src_layout = WINO_LAYOUT,
    .dst_layout = WINO_LAYOUT,
    .packed_bytes = wino_packed_bytes,
    .pack = wino_pack,
    .exec = wino_exec,
};

static const ib_native wino_f4 = {
    .kernel = WINO_KERNEL("conv_wino_f4x4_3x3"),
    .src_layout = WINO_LAYOUT,
    .dst_layout = WINO_LAYOUT,
    .packed_bytes = wino_packed_bytes,
    .pack = wino_pack,
    .exec = wino_exec,
};

static const ib_native *wino_native(const ib_desc *d)
{
    return ib_wino_choose(&d->conv)->m == 4 ? &wino_f4 : &wino_f2;
}

static int wino_supports(const ib_desc *d, const char **why)
{
    return ib_wino_supports(&d->conv, why);
}

static void wino_bound(const ib_desc *d, const ib_args *a, double *bound)
{
    ib_wino_error_bound(&d->conv, a, ib_wino_choose(&d->conv), bound);
}

static void wino_work(const ib_desc *d, int64_t *product_macs, int64_t *transform_flops)
{
    ib_wino_work(&d->conv, ib_wino_choose(&d->conv), WV_LANES, product_macs, transform_flops);
}

const ib_impl WINO_SYM(ib_wino_conv_impl) = {
    .name = WINO_NAME,
    .op = IB_OP_CONV,
    .isa = WINO_ISA,
    .test_only = WINO_TEST_ONLY,
    .supports = wino_supports,
    .native = wino_native,
    .error_bound = wino_bound,
    .work = wino_work,
};

#if WINO_HAS_MUTANT
/* Test only: F(4x4,3x3) whose input transform has one wrong coefficient (B^T[0][2] = -4, not
 * -5), checked against the correct transform's bound: the verifier must refuse it. */
static void run_job_wrong(const wino_run *r, int64_t n, int64_t t0, int64_t nt, float *vb,
                          float *mb)
{
    ib_wino_mats wrong = ib_wino_f4;
    wrong.bt[0][2] = -4;
    run_job(r, &wrong, 4, 6, n, t0, nt, vb, mb);
}

static size_t wrong_packed_bytes(const ib_desc *d)
{
    return packed_bytes_for(d, &ib_wino_f4);
}

static void wrong_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    pack_for(d, a, packed, &ib_wino_f4);
}

static void wrong_exec(const ib_desc *d, const void *packed, const float *const *src,
                       float *const *dst)
{
    exec_with(d, packed, src, dst, &ib_wino_f4, run_job_wrong);
}

static const ib_native wino_wrong = {
    .kernel = WINO_KERNEL("conv_wino_f4x4_3x3_wrong_bt"),
    .src_layout = WINO_LAYOUT,
    .dst_layout = WINO_LAYOUT,
    .packed_bytes = wrong_packed_bytes,
    .pack = wrong_pack,
    .exec = wrong_exec,
};

static const ib_native *wrong_native(const ib_desc *d)
{
    (void)d;
    return &wino_wrong;
}

static void wrong_bound(const ib_desc *d, const ib_args *a, double *bound)
{
    ib_wino_error_bound(&d->conv, a, &ib_wino_f4, bound);
}

/* Not in the registry's table: tests/mutants.c registers it. */
const ib_impl WINO_SYM(ib_wino_mutant_impl) = {
    .name = "mutant_wino_f4_wrong_bt",
    .op = IB_OP_CONV,
    .isa = WINO_ISA,
    .test_only = 1,
    .supports = wino_supports,
    .native = wrong_native,
    .error_bound = wrong_bound,
    .work = wino_work,
};
#endif
