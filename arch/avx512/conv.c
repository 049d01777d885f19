/* Direct convolution: nChw16c (plain NCHW for few input channels) in, nChw16c out, fused epilogue. */
#include <string.h>

#include "arch/avx512/common.h"
#include "kernels/conv_fold.h"

/* Register tile: G output-channel blocks x P output pixels of one row, G*P accumulators,
 * written so the input value may be broadcast from memory into each FMA ({1to16}). GCC 12
 * instead keeps one broadcast register per pixel, so 4 x 7 = 28 accumulators + 4 weights
 * spill (checked in the -S output); 4 x 6 = 24 + 4 weights + broadcasts fit the 32 zmm.
 * Row tails use the same tile with fewer pixels, oc tails with fewer blocks: every (G, P)
 * is instantiated below. */
enum {
    CONV_G = 4,
    CONV_P = 6,
    CONV_PLAIN_IC_MAX = 4 /* up to this many input channels (the RGB stem) the source stays NCHW */
};

/* Packed parameters of the folded convolution (kernels/conv_fold.h): the bias (oc rounded up
 * to 16, zero-padded), then the weights in groups of CONV_G oc blocks: group g (gsz = its number of
 * blocks) holds [icb][kh][kw][ic in block][gsz][16 oc], so one step of the inner loop reads gsz
 * consecutive vectors. Padded channels have zero weights, so their outputs are exact zeros. */
typedef struct conv_geom {
    int64_t icb, icn; /* input channel blocks, channels per block (plain: 1 block of ic) */
    int64_t ocb, ngroups, ocp;
    int64_t group_floats; /* one full group's weights */
} conv_geom;

typedef struct conv_run {
    const ib_conv_desc *c;
    conv_geom g;
    const float *bias, *w;
    int has_bias;    /* of the folded convolution */
    int64_t out_blk; /* floats between output channel blocks: oh*ow*16 */
} conv_run;

/* Source of the taps that fall into the zero padding: the tile reads zeros there instead of
 * branching per pixel in the inner loop. */
static const float conv_zeros[IB512_V] __attribute__((aligned(64)));

static int conv_is_plain(const ib_conv_desc *c)
{
    return c->ic <= CONV_PLAIN_IC_MAX;
}

static conv_geom conv_geom_of(const ib_conv_desc *c)
{
    conv_geom g;
    const int plain = conv_is_plain(c);
    g.icb = plain ? 1 : ib512_blocks(c->ic);
    g.icn = plain ? c->ic : IB512_V;
    g.ocb = ib512_blocks(c->oc);
    g.ngroups = (g.ocb + CONV_G - 1) / CONV_G;
    g.ocp = g.ocb * IB512_V;
    g.group_floats = g.icb * c->kh * c->kw * g.icn * CONV_G * IB512_V;
    return g;
}

static size_t conv_packed_bytes(const ib_desc *d)
{
    const conv_geom g = conv_geom_of(&d->conv);
    return (size_t)(g.ocp + g.ngroups * g.group_floats) * sizeof(float);
}

static void conv_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    const ib_conv_desc *c = &d->conv;
    const conv_geom g = conv_geom_of(c);
    float *bias = packed, *w = bias + g.ocp;
    memset(packed, 0, conv_packed_bytes(d));
    for (int64_t oc = 0; oc < c->oc; oc++)
        bias[oc] = ib_conv_folded_bias(c, a, oc);
    for (int64_t gi = 0; gi < g.ngroups; gi++) {
        const int64_t gsz = g.ocb - gi * CONV_G < CONV_G ? g.ocb - gi * CONV_G : CONV_G;
        float *wg = w + gi * g.group_floats;
        for (int64_t ib = 0; ib < g.icb; ib++)
            for (int64_t kh = 0; kh < c->kh; kh++)
                for (int64_t kw = 0; kw < c->kw; kw++)
                    for (int64_t i = 0; i < g.icn; i++)
                        for (int64_t o = 0; o < gsz * IB512_V; o++) {
                            const int64_t ic = ib * g.icn + i;
                            const int64_t oc = gi * CONV_G * IB512_V + o;
                            if (ic >= c->ic || oc >= c->oc)
                                continue;
                            const int64_t at = (((ib * c->kh + kh) * c->kw + kw) * g.icn + i) *
                                                   gsz * IB512_V + o;
                            wg[at] = ib_conv_folded_weight(c, a, oc, ic, kh * c->kw + kw);
                        }
    }
}

/* One step of the inner loop: input channel i of the tap, G weight vectors, G*P FMAs.
 * cst: per-pixel channel stride (plain source; 0 for padded taps, which read conv_zeros). */
IB512_INLINE void conv_step(__m512 acc[CONV_G][CONV_P], const float *wp, const float *const *sp,
                            const int64_t *cst, int64_t i, const int G, const int P, const int B)
{
    __m512 wv[CONV_G];
    IB512_UNROLL
    for (int o = 0; o < G; o++)
        wv[o] = _mm512_loadu_ps(wp + o * IB512_V);
    IB512_UNROLL
    for (int p = 0; p < P; p++)
        IB512_UNROLL
        for (int o = 0; o < G; o++)
            acc[o][p] = _mm512_fmadd_ps(_mm512_set1_ps(sp[p][B ? i : i * cst[p]]), wv[o],
                                        acc[o][p]);
}

/* G output blocks x P pixels of output row oh starting at ow0; B: blocked source. The
 * epilogue is the folded convolution's: + bias, relu (NaN passes through). */
IB512_INLINE void conv_tile(const conv_run *r, const float *src_n, const float *wg, float *dst,
                            int64_t oh, int64_t ow0, int64_t oc0, const int G, const int P,
                            const int B)
{
    const ib_conv_desc *c = r->c;
    const int64_t IH = c->ih, IW = c->iw, KH = c->kh, KW = c->kw;
    const int64_t icn = B ? IB512_V : r->g.icn;
    const int64_t ps = B ? IB512_V : 1;            /* floats between neighbouring pixels */
    const int64_t cs = B ? 1 : IH * IW;            /* floats between channels */
    const int64_t plane = IH * IW * IB512_V;       /* floats between input blocks */
    const int64_t wstep = G * IB512_V;             /* weights per input channel */
    const int64_t iw0 = ow0 * c->sw - c->pl;
    __m512 acc[CONV_G][CONV_P];
    const float *sp[CONV_P];
    int64_t cst[CONV_P];

    IB512_UNROLL
    for (int o = 0; o < G; o++)
        IB512_UNROLL
        for (int p = 0; p < P; p++)
            acc[o][p] = _mm512_setzero_ps();
    for (int64_t ib = 0; ib < r->g.icb; ib++) {
        for (int64_t kh = 0; kh < KH; kh++) {
            const int64_t ih = oh * c->sh - c->pt + kh;
            if (ih < 0 || ih >= IH)
                continue;
            const float *row = src_n + ib * plane + ih * IW * ps;
            const float *wk = wg + (ib * KH + kh) * KW * icn * wstep;
            for (int64_t kw = 0; kw < KW; kw++) {
                IB512_UNROLL
                for (int p = 0; p < P; p++) {
                    const int64_t iw = iw0 + p * c->sw + kw;
                    const int in = iw >= 0 && iw < IW;
                    const float *q = in ? row + iw * ps : conv_zeros;
                    /* Opaque to the optimiser: GCC otherwise duplicates the 16 loads of the
                     * pixel into both arms of the select and spills them. */
                    __asm__("" : "+r"(q));
                    sp[p] = q;
                    cst[p] = in ? cs : 0;
                }
                const float *wp = wk + kw * icn * wstep;
                IB512_MCA_BEGIN("conv_tile", B * 100 + G * 10 + P);
                if (B) {
#pragma GCC unroll 16
                    for (int i = 0; i < IB512_V; i++)
                        conv_step(acc, wp + i * wstep, sp, cst, i, G, P, 1);
                } else {
                    for (int64_t i = 0; i < icn; i++)
                        conv_step(acc, wp + i * wstep, sp, cst, i, G, P, 0);
                }
                IB512_MCA_END("conv_tile", B * 100 + G * 10 + P);
            }
        }
    }

    const __m512 zero = _mm512_setzero_ps();
    IB512_UNROLL
    for (int o = 0; o < G; o++) {
        const int64_t oc = oc0 + o * IB512_V;
        const __m512 b = _mm512_loadu_ps(r->bias + oc);
        IB512_UNROLL
        for (int p = 0; p < P; p++) {
            __m512 v = acc[o][p];
            if (r->has_bias)
                v = _mm512_add_ps(v, b);
            if (c->relu)
                v = _mm512_max_ps(zero, v); /* returns v when v is NaN; keeps -0 */
            _mm512_storeu_ps(dst + o * r->out_blk + p * IB512_V, v);
        }
    }
}

/* Every (source kind, G, P) tile as its own function, and a table of them. */
typedef void (*conv_tile_fn)(const conv_run *r, const float *src_n, const float *wg, float *dst,
                             int64_t oh, int64_t ow0, int64_t oc0);
#define CONV_TILE_FN(B, G, P)                                                                   \
    static void conv_tile_b##B##_##G##x##P(const conv_run *r, const float *src_n,              \
                                           const float *wg, float *dst, int64_t oh,           \
                                           int64_t ow0, int64_t oc0)                          \
    {                                                                                          \
        conv_tile(r, src_n, wg, dst, oh, ow0, oc0, G, P, B);                                   \
    }
#define CONV_FOR_P(X, B, G) X(B, G, 1) X(B, G, 2) X(B, G, 3) X(B, G, 4) X(B, G, 5) X(B, G, 6)
#define CONV_FOR_GP(X, B) CONV_FOR_P(X, B, 1) CONV_FOR_P(X, B, 2) CONV_FOR_P(X, B, 3) CONV_FOR_P(X, B, 4)
CONV_FOR_GP(CONV_TILE_FN, 0)
CONV_FOR_GP(CONV_TILE_FN, 1)
#define CONV_TILE_REF(B, G, P) conv_tile_b##B##_##G##x##P,
static const conv_tile_fn conv_tiles[2][CONV_G * CONV_P] = {
    {CONV_FOR_GP(CONV_TILE_REF, 0)},
    {CONV_FOR_GP(CONV_TILE_REF, 1)},
};

static void conv_exec(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst)
{
    const ib_conv_desc *c = &d->conv;
    conv_run r;
    r.c = c;
    r.g = conv_geom_of(c);
    r.bias = packed;
    r.w = r.bias + r.g.ocp;
    r.has_bias = ib_conv_folded(c).has_bias;
    r.out_blk = c->oh * c->ow * IB512_V;
    const int B = !conv_is_plain(c);
    const int64_t in_img = B ? r.g.icb * c->ih * c->iw * IB512_V : c->ic * c->ih * c->iw;
    const int64_t out_img = r.g.ocb * r.out_blk;
    /* Split each row into tiles of as equal width as possible (8 -> 4+4, not 6+2). */
    const int64_t ntiles = (c->ow + CONV_P - 1) / CONV_P;
    const int64_t pbase = c->ow / ntiles, prem = c->ow % ntiles;
    const float *s = src[0];
    float *out = dst[0];

#pragma omp parallel for collapse(3) schedule(static)
    for (int64_t n = 0; n < c->n; n++)
        for (int64_t gi = 0; gi < r.g.ngroups; gi++)
            for (int64_t oh = 0; oh < c->oh; oh++) {
                const int64_t left = r.g.ocb - gi * CONV_G;
                const int64_t gsz = left < CONV_G ? left : CONV_G;
                const float *wg = r.w + gi * r.g.group_floats;
                float *drow = out + n * out_img + gi * CONV_G * r.out_blk + oh * c->ow * IB512_V;
                int64_t ow0 = 0;
                for (int64_t t = 0; t < ntiles; t++) {
                    const int64_t np = pbase + (t < prem);
                    conv_tiles[B][(gsz - 1) * CONV_P + (np - 1)](&r, s + n * in_img, wg,
                                                                  drow + ow0 * IB512_V, oh, ow0,
                                                                  gi * CONV_G * IB512_V);
                    ow0 += np;
                }
            }
}

static const ib_native conv_blocked = {
    .kernel = IB_AVX512_KERNEL("conv_nchw16c_4x6"),
    .src_layout = IB_LAYOUT_NCHW16C,
    .dst_layout = IB_LAYOUT_NCHW16C,
    .packed_bytes = conv_packed_bytes,
    .pack = conv_pack,
    .exec = conv_exec,
};

/* The stem: 3 input channels would waste 13 of 16 lanes of a block, so the source stays NCHW. */
static const ib_native conv_plain_src = {
    .kernel = IB_AVX512_KERNEL("conv_nchw_to_nchw16c_4x6"),
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW16C,
    .packed_bytes = conv_packed_bytes,
    .pack = conv_pack,
    .exec = conv_exec,
};

static const ib_native *conv_native(const ib_desc *d)
{
    return conv_is_plain(&d->conv) ? &conv_plain_src : &conv_blocked;
}

IB512_DEFINE_IMPL(conv, IB_OP_CONV, ib512_supports_all, conv_native);
