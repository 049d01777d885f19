/* Direct convolution: nChw16c (plain NCHW for few input channels) in, nChw16c out, fused epilogue,
 * run as its plan (arch/avx512/conv_plan.h) says. */
#include <string.h>

#include "arch/avx512/common.h"
#include "arch/avx512/conv_plan.h"
#include "arch/avx512/conv_split.h"
#include "core/conv_fold.h"
#include "core/par.h"

/* Packed block: the plan (padded to 64 bytes), the bias (oc rounded up to 16, zero-padded),
 * then the weights in groups of plan.g oc blocks: group gi (gsz = its number of blocks) holds
 * [icb][kh][kw][ic in block][gsz][16 oc], so one step of the inner loop reads gsz consecutive
 * vectors and one reduction row (icb, kh) is contiguous. Padded channels have zero weights, so
 * their outputs are exact zeros. The weights' size does not depend on the plan. A plain source
 * then has the input offset of each reduction step (conv_plain_steps). */
enum { PLAN_FLOATS = (sizeof(ib512_conv_plan) + 63) / 64 * 16 };

typedef struct conv_run {
    const ib_conv_desc *c;
    const ib512_conv_plan *pl;
    const float *bias, *w, *w_end; /* w_end: past the last group's weights */
    int64_t out_blk;               /* floats between output channel blocks: oh*ow*16 */
    int64_t row_floats;            /* weights of one reduction row of one full group */
    int64_t px_step;               /* flat output pixels between a tile's pixels (the plan's) */
    const int64_t *steps;          /* plain source: conv_plain_steps */
} conv_run;

/* One tile's work: np pixels from flat output pixel q0 (output row and column oh_ow), reduction
 * rows [r0, r1) (the first: input block ib0, kernel row kh0); first: start from zero (else from
 * the partial sums in dst); last: apply the epilogue. Found by the caller once per tile or chunk:
 * a tile that divides for them pays as much as a stem tile's FMAs. */
typedef struct conv_span {
    int64_t q0, oh_ow[2], r0, r1, ib0, kh0;
    int first, last;
    /* The plan's prefetch (pointwise tiles): the tile's share of the next chunk's weights,
     * pf_row 64-byte lines per reduction row; pf NULL without. */
    const char *pf, *pf_end;
    int64_t pf_row;
} conv_span;

/* Source of the taps that fall into the zero padding: the tile reads zeros there instead of
 * branching per pixel in the inner loop. */
static const float conv_zeros[IB512_V] __attribute__((aligned(64)));

/* One reduction row's share of the tile's prefetch into L2 (prefetcht1: locality 2), from *pf
 * on. */
IB512_INLINE void conv_prefetch_row(const char **pf, const conv_span *s)
{
    const char *p = *pf;
    for (int64_t k = 0; k < s->pf_row && p < s->pf_end; k++, p += 64)
        __builtin_prefetch(p, 0, 2);
    *pf = p;
}

/* Floats of the packed block before the plain source's step offsets: the plan, the bias and the
 * weights (a multiple of 16, so the offsets are aligned). */
static int64_t conv_weights_end(const ib_conv_desc *c)
{
    const int64_t ocp = ib512_blocks(c->oc) * IB512_V;
    const int64_t icp = ib512_conv_plain(c) ? c->ic : ib512_blocks(c->ic) * IB512_V;
    return PLAN_FLOATS + ocp + ocp * icp * c->kh * c->kw;
}

/* Reduction steps of a plain source, one per (kh, kw, ic) in the weights' order. */
static int64_t conv_plain_nsteps(const ib_conv_desc *c)
{
    return ib512_conv_plain(c) ? c->kh * c->kw * c->ic : 0;
}

static size_t conv_packed_bytes(const ib_desc *d)
{
    const ib_conv_desc *c = &d->conv;
    return (size_t)conv_weights_end(c) * sizeof(float) +
           (size_t)conv_plain_nsteps(c) * sizeof(int64_t);
}

/* Plain source: reduction step (kh, kw, ic) reads input offset ic ih iw + kh iw + kw from a
 * pixel's tap (0, 0) (used where no tap of the tile reads padding). One table walked by one loop
 * keeps the stem's 27 steps free of the nested loops' bookkeeping, which took registers GCC then
 * spilled around every tap. */
static void conv_plain_steps(const ib_conv_desc *c, int64_t *steps)
{
    int64_t k = 0;
    for (int64_t kh = 0; kh < c->kh; kh++)
        for (int64_t kw = 0; kw < c->kw; kw++)
            for (int64_t ic = 0; ic < c->ic; ic++)
                steps[k++] = ic * c->ih * c->iw + kh * c->iw + kw;
}

void IB_AVX512_SYM(ib512_conv_pack_for)(const ib_desc *d, const ib_args *a, void *packed,
                                        const ib512_caches *cs)
{
    const ib_conv_desc *c = &d->conv;
    const ib512_conv_plan pl = IB_AVX512_SYM(ib512_conv_plan_make)(c, cs);
    memset(packed, 0, conv_packed_bytes(d));
    memcpy(packed, &pl, sizeof pl);
    float *bias = (float *)packed + PLAN_FLOATS, *w = bias + pl.ocb * IB512_V;
    for (int64_t oc = 0; oc < c->oc; oc++)
        bias[oc] = ib_conv_folded_bias(c, a, oc);
    const int64_t taps = c->kh * c->kw;
    for (int64_t gi = 0; gi < pl.ngroups; gi++) {
        const int64_t gsz = pl.ocb - gi * pl.g < pl.g ? pl.ocb - gi * pl.g : pl.g;
        float *wg = w + gi * pl.g * IB512_V * pl.icb * pl.icn * taps;
        for (int64_t ib = 0; ib < pl.icb; ib++)
            for (int64_t t = 0; t < taps; t++)
                for (int64_t i = 0; i < pl.icn; i++)
                    for (int64_t o = 0; o < gsz * IB512_V; o++) {
                        const int64_t ic = ib * pl.icn + i;
                        const int64_t oc = gi * pl.g * IB512_V + o;
                        if (ic < c->ic && oc < c->oc)
                            wg[((ib * taps + t) * pl.icn + i) * gsz * IB512_V + o] =
                                ib_conv_folded_weight(c, a, oc, ic, t);
                    }
    }
    if (ib512_conv_plain(c))
        conv_plain_steps(c, (int64_t *)((float *)packed + conv_weights_end(c)));
}

/* The caches of the CPU in front of us, which every plan outside tests is built for. */
static ib512_caches conv_caches_here(void)
{
    const ib_cpu *cpu = ib_cpu_get();
    return (ib512_caches){cpu->l1d, cpu->l2, cpu->l3};
}

static void conv_pack(const ib_desc *d, const ib_args *a, void *packed)
{
    const ib512_caches cs = conv_caches_here();
    IB_AVX512_SYM(ib512_conv_pack_for)(d, a, packed, &cs);
}

#ifndef IB_AVX512_SIMDE
/* acc[o][p] += x (broadcast) * wv[o] for the G output blocks of pixel p, as one asm statement:
 * the broadcast into a scratch register, then G FMAs into the accumulators in place. Written in
 * intrinsics, GCC 12 keeps every pixel's broadcast live (G*P + G + P registers: 34 for 4x6, 35
 * for 5x5, over the 32 zmm) and rotates accumulators through vfmadd132ps and register copies,
 * which on Intel's AVX-512 cores issue on the FMA ports: 36 copies and 12 stack accesses per 384
 * FMAs in the hot loop of the 4x6 1x1 tile, 13 copies and none with this (G*P + G + 1 registers).
 * Measured on the Xeon (ours / oneDNN brgconv over the 43 shapes, 2 x 4 alternating runs of each
 * build): geomean 1.049 -> 1.038 and 1.052 -> 1.035; the 5x5 tile's 160-channel layers 5-10%
 * faster, the others within +-3%. The SIMDe build keeps the intrinsics. Also loading the weights
 * in asm and making every statement volatile (steps in program order: no copy left in the 4x6
 * and 5x5 loops) measured 1.023 -> 1.030 in the same way: not kept. */
#define CONV_BCAST "vbroadcastss %[x], %[b]\n\t"
#define CONV_FMA(o) "vfmadd231ps %[w" #o "], %[b], %[a" #o "]\n\t"
#define CONV_ACC(o) [a##o] "+v"(acc[o][p])
#define CONV_W(o) [w##o] "v"(wv[o])
IB512_INLINE void conv_fma_pixel(__m512 acc[IB512_CONV_GMAX][IB512_CONV_PMAX], int p,
                                 const __m512 *wv, const float *x, const int G)
{
    __m512 b;
    _Static_assert(IB512_CONV_GMAX == 5, "one case per output-block count");
    switch (G) {
    case 1:
        __asm__(CONV_BCAST CONV_FMA(0) : CONV_ACC(0), [b] "=&v"(b) : [x] "m"(*x), CONV_W(0));
        break;
    case 2:
        __asm__(CONV_BCAST CONV_FMA(0) CONV_FMA(1)
                : CONV_ACC(0), CONV_ACC(1), [b] "=&v"(b)
                : [x] "m"(*x), CONV_W(0), CONV_W(1));
        break;
    case 3:
        __asm__(CONV_BCAST CONV_FMA(0) CONV_FMA(1) CONV_FMA(2)
                : CONV_ACC(0), CONV_ACC(1), CONV_ACC(2), [b] "=&v"(b)
                : [x] "m"(*x), CONV_W(0), CONV_W(1), CONV_W(2));
        break;
    case 4:
        __asm__(CONV_BCAST CONV_FMA(0) CONV_FMA(1) CONV_FMA(2) CONV_FMA(3)
                : CONV_ACC(0), CONV_ACC(1), CONV_ACC(2), CONV_ACC(3), [b] "=&v"(b)
                : [x] "m"(*x), CONV_W(0), CONV_W(1), CONV_W(2), CONV_W(3));
        break;
    default:
        __asm__(CONV_BCAST CONV_FMA(0) CONV_FMA(1) CONV_FMA(2) CONV_FMA(3) CONV_FMA(4)
                : CONV_ACC(0), CONV_ACC(1), CONV_ACC(2), CONV_ACC(3), CONV_ACC(4), [b] "=&v"(b)
                : [x] "m"(*x), CONV_W(0), CONV_W(1), CONV_W(2), CONV_W(3), CONV_W(4));
    }
}
#undef CONV_BCAST
#undef CONV_FMA
#undef CONV_ACC
#undef CONV_W
#endif

/* One step of the inner loop: input channel i of the tap, G weight vectors, G*P FMAs, less
 * those of the first S0 and the last S1 pixels (which read only padding in this tap).
 * cst: per-pixel channel stride (plain source; 0 for padded taps, which read conv_zeros); e: the
 * tap's offset from every pixel's pointer (plain unpadded source; else 0).
 * Blocked sources run conv_fma_pixel. Also measured on the Xeon, and not kept (ours / oneDNN
 * brgconv, 7 layers: the 35x35 1x1s and 3x3, the stem's 3x3s, 17x17 and 8x8 1x1s; pinned, 7
 * interleaved repetitions, median of alternating runs; as is: geomean 1.021 over 6 runs). Per tap
 * of the 3x8 flat tile this compiles to 384 FMAs, 128 broadcasts, 48 weight loads and 28 vector
 * copies (3 of them spills).
 * - The broadcast folded into each FMA (inline asm, vfmadd231ps mem{1to16}): 384 FMAs that each
 *   load, 48 weight loads, 4 copies, G*P + G registers; but G loads per pixel instead of one:
 *   1.23 (every layer 1.21-1.34, 1 run); llvm-mca icelake-server has the 2 load ports full
 *   (3x8 93.8% -> 88.8% of FMA peak).
 * - The FMA alone as inline asm (vfmadd231ps zmm, accumulator in place), broadcasts as intrinsics:
 *   4 copies, no spill; llvm-mca 3x8 93.8% -> 98.9%, 4x6 91.4% -> 100%; measured 1.038 over 6
 *   runs, Mixed_5b.branch3x3dbl_3 (3x8 rows) 0.99 -> 1.10, the others within the noise.
 * - With that, a 4x7 tile whose fourth weight vector is an FMA memory operand (28 + 3 + 1
 *   registers): 1.051 over 2 runs, the 35x35 1x1s it was for 1.05 -> 1.08-1.14. */
IB512_INLINE void conv_step(__m512 acc[IB512_CONV_GMAX][IB512_CONV_PMAX], const float *wp,
                            const float *const *sp, const int64_t *cst, int64_t e, int64_t i,
                            const int G, const int P, const int B, const int S0, const int S1)
{
    __m512 wv[IB512_CONV_GMAX];
    IB512_UNROLL
    for (int o = 0; o < G; o++)
        wv[o] = _mm512_loadu_ps(wp + o * IB512_V);
#ifndef IB_AVX512_SIMDE
    if (B) {
        IB512_UNROLL
        for (int p = S0; p < P - S1; p++)
            conv_fma_pixel(acc, p, wv, &sp[p][i], G);
        return;
    }
#endif
    IB512_UNROLL
    for (int p = S0; p < P - S1; p++) {
        IB512_UNROLL
        for (int o = 0; o < G; o++)
            acc[o][p] =
                _mm512_fmadd_ps(_mm512_set1_ps(sp[p][B ? i : e + i * cst[p]]), wv[o], acc[o][p]);
    }
}

/* One tap of a blocked source: its 16 input channels, straight-line, or (short_loop: the kind
 * KIND_FLAT_LINE_SHORT) in a loop of IB512_CONV_SHORT_STEPS steps (see conv_step for S0, S1).
 * Variants: a tile that has several variants of a tap makes their pointers opaque, or GCC hoists
 * the loads they share above the branch and spills the accumulators (a tile with one keeps them as
 * they are: the one-pointer kinds address every pixel from one register). */
IB512_INLINE void conv_tap16(__m512 acc[IB512_CONV_GMAX][IB512_CONV_PMAX], const float *wp,
                             int64_t wstep, const float *const *sp, const int G, const int P,
                             const int S0, const int S1, const int variants, const int short_loop)
{
    const float *sq[IB512_CONV_PMAX];
    IB512_UNROLL
    for (int p = 0; p < P; p++) {
        sq[p] = sp[p];
        if (variants)
            __asm__("" : "+r"(sq[p]));
    }
    if (variants)
        __asm__("" : "+r"(wp));
    if (short_loop) {
#pragma GCC unroll 1
        for (int i0 = 0; i0 < IB512_V; i0 += IB512_CONV_SHORT_STEPS) {
            IB512_UNROLL
            for (int i = i0; i < i0 + IB512_CONV_SHORT_STEPS; i++)
                conv_step(acc, wp + i * wstep, sq, NULL, 0, i, G, P, 1, S0, S1);
        }
        return;
    }
#pragma GCC unroll 16
    for (int i = 0; i < IB512_V; i++)
        conv_step(acc, wp + i * wstep, sq, NULL, 0, i, G, P, 1, S0, S1);
}

/* A tap of a row tile whose pixels' inputs lie one pixel apart from q (pixel 0's, which may be
 * one pixel before the row when S0 skips it): one opaque register, the pixels at constant
 * offsets from it. */
IB512_INLINE void conv_tap16_line(__m512 acc[IB512_CONV_GMAX][IB512_CONV_PMAX], const float *wp,
                                  int64_t wstep, const float *q, const int G, const int P,
                                  const int S0, const int S1)
{
    const float *sp[IB512_CONV_PMAX];
    __asm__("" : "+r"(q));
    __asm__("" : "+r"(wp)); /* not hoisted above the variants' branch (see conv_tap16) */
    IB512_UNROLL
    for (int p = 0; p < P; p++)
        sp[p] = q + p * IB512_V;
    conv_tap16(acc, wp, wstep, sp, G, P, S0, S1, 0, 0);
}

/* A tap of a column tile whose pixels' inputs lie `stride` floats apart from q (pixel 0's), every
 * one inside: one opaque register and the stride, no per-pixel bounds checks. */
IB512_INLINE void conv_tap16_strided(__m512 acc[IB512_CONV_GMAX][IB512_CONV_PMAX], const float *wp,
                                     int64_t wstep, const float *q, int64_t stride, const int G,
                                     const int P)
{
    const float *sp[IB512_CONV_PMAX];
    __asm__("" : "+r"(q));
    IB512_UNROLL
    for (int p = 0; p < P; p++)
        sp[p] = q + p * stride;
    conv_tap16(acc, wp, wstep, sp, G, P, 0, 0, 0, 0);
}

/* Pointers of P pixels along one input line (a row, or a column) from position v0, v_step
 * apart, v_floats floats per position, n positions long; a pixel outside reads conv_zeros.
 * Returns whether any pixel is inside. */
IB512_INLINE int conv_line_taps(const float *line, int64_t v0, int64_t n, int64_t v_step,
                                int64_t v_floats, const float **sp, int64_t *cst, int64_t cs,
                                const int P)
{
    int any = 0;
    IB512_UNROLL
    for (int p = 0; p < P; p++) {
        const int64_t v = v0 + p * v_step;
        const int in = v >= 0 && v < n;
        const float *q = in ? line + v * v_floats : conv_zeros;
        /* Opaque to the optimiser: GCC otherwise duplicates the 16 loads of the pixel into
         * both arms of the select and spills them. */
        __asm__("" : "+r"(q));
        sp[p] = q;
        cst[p] = in ? cs : 0;
        any |= in;
    }
    return any;
}

/* How a tile's pixels lie and which of their taps are checked against the input's bounds (the
 * kernel's kind is 2 W + B, B: blocked source). */
enum {
    KIND_ROWS,            /* pixels along an output row, taps checked */
    KIND_FLAT,            /* consecutive flat pixels, no tap outside the input */
    KIND_COLS,            /* pixels down an output column, taps checked */
    KIND_FLAT_ROWS,       /* consecutive flat pixels, tap rows checked (padded in h only) */
    KIND_FLAT_LINE,       /* as KIND_FLAT, and the pixels' inputs one pixel apart: one pointer */
    KIND_FLAT_LINE2,      /* as KIND_FLAT_LINE, the inputs two pixels apart (stride 2 in w) */
    KIND_ROWS_LINE,       /* as KIND_ROWS at stride 1 in w, blocked: one pointer where the pixels
                             reading padding lie at one end (IB512_CONV_LINE_SKIP_MAX at most) */
    KIND_FLAT_LINE_SHORT, /* as KIND_FLAT_LINE, blocked, each tap's channels in a loop (the plan's
                             short_loop) */
    KIND_POINTWISE,       /* blocked 1x1 at stride 1, unpadded, taps unrolled: every tap inside, a
                             pixel's input is its output pixel; one pointer that steps a block per
                             reduction row (see conv_tile) */
    KIND_COLS_LINE,       /* as KIND_COLS, blocked, no padding rows (the 1x7s): every pixel of a
                             tap inside or none; the pixels at one stride from one pointer */
    KIND_ROWS_STRIDED,    /* as KIND_ROWS at stride 2 or more in w, blocked, no padding columns:
                             the same for rows */
    NKINDS
};
_Static_assert((int)KIND_ROWS == (int)IB512_WALK_ROWS && (int)KIND_FLAT == (int)IB512_WALK_FLAT &&
                   (int)KIND_COLS == (int)IB512_WALK_COLS,
               "a walk's kernel kind is its number");

/* How many pixels apart the inputs of a one-pointer kind's neighbouring pixels lie. */
static inline int kind_line_step(int W)
{
    return W == KIND_FLAT_LINE2 ? 2 : 1;
}

/* Input pointers of the P pixels for tap (kh, kw) of input block ib; 0 when every pixel's tap
 * lies in the padding. Flat kinds: pixel p's tap (0, 0) is at offset off[p] (in pixels) of every
 * block, input row ihp[p] (checked only by KIND_FLAT_ROWS: no column is padded); else the pixels
 * lie in one output row or column, pixel p's tap (0, 0) at input row at[0] + p dh, column
 * at[1] + p dw. */
IB512_INLINE int conv_taps(const conv_run *r, const float *src_n, const int64_t *at,
                           const int64_t *off, const int64_t *ihp, int64_t ib, int64_t kh,
                           int64_t kw, const float **sp, int64_t *cst, const int P, const int B,
                           const int W)
{
    const ib_conv_desc *c = r->c;
    const int64_t IH = c->ih, IW = c->iw;
    const int64_t ps = B ? IB512_V : 1;                /* floats between neighbouring pixels */
    const int64_t cs = B ? 1 : IH * IW;                /* floats between channels */
    const float *blk = src_n + ib * IH * IW * IB512_V; /* input block ib (plain: one block) */
    if (W == KIND_FLAT_LINE || W == KIND_FLAT_LINE2 || W == KIND_FLAT_LINE_SHORT) {
        /* One opaque pointer, the pixels at constant offsets from it: no per-pixel address
         * work per tap, and the broadcasts take their address from it. */
        const float *q = blk + (off[0] + kh * IW + kw) * ps;
        __asm__("" : "+r"(q));
        IB512_UNROLL
        for (int p = 0; p < P; p++) {
            sp[p] = q + p * ps * kind_line_step(W);
            cst[p] = cs;
        }
        return 1;
    }
    if (W == KIND_FLAT || W == KIND_FLAT_ROWS) {
        const int64_t tap = kh * IW + kw;
        int any = 0;
        IB512_UNROLL
        for (int p = 0; p < P; p++) {
            const int in = W == KIND_FLAT || (uint64_t)(ihp[p] + kh) < (uint64_t)IH;
            const float *q = in ? blk + (off[p] + tap) * ps : conv_zeros;
            /* Opaque, as below: GCC otherwise broadcasts the tap's 16 x P inputs up front
             * and spills them all to the stack. */
            __asm__("" : "+r"(q));
            sp[p] = q;
            cst[p] = in ? cs : 0;
            any |= in;
        }
        return any;
    }
    /* Rows: the pixels share the input row and step by sw along it; columns: they share the
     * column and step by sh rows down it. Rows pass their strides as constants. */
    if (W == KIND_ROWS || W == KIND_ROWS_LINE) {
        const int64_t ih = at[0] + kh;
        if (ih < 0 || ih >= IH)
            return 0;
        return conv_line_taps(blk + ih * IW * ps, at[1] + kw, IW, c->sw, ps, sp, cst, cs, P);
    }
    const int64_t iw = at[1] + kw;
    if (iw < 0 || iw >= IW)
        return 0;
    return conv_line_taps(blk + iw * ps, at[0] + kh, IH, c->sh, IW * ps, sp, cst, cs, P);
}

/* G output blocks x P pixels from flat output pixel q0 (laid out as kind W says), reduction rows
 * [r0, r1); B: blocked source. The epilogue is the folded convolution's: + bias, relu (NaN
 * passes through). W is a compile-time choice, as runtime pixel strides slowed the padded row
 * tiles by 3-10% (measured on the Xeon). */
IB512_INLINE void conv_tile(const conv_run *r, const float *src_n, const float *wg, float *dst,
                            const conv_span *s, int64_t oc0, const int G, const int P, const int B,
                            const int W)
{
    const ib_conv_desc *c = r->c;
    const int SL = W == KIND_FLAT_LINE_SHORT; /* its taps' channels in a loop */
    const int CL = W == KIND_COLS_LINE, RS = W == KIND_ROWS_STRIDED;
    const int C = W == KIND_COLS || CL, L = W == KIND_FLAT_LINE || W == KIND_FLAT_LINE2 || SL;
    const int PW = W == KIND_POINTWISE;
    const int F = W == KIND_FLAT || W == KIND_FLAT_ROWS || L;
    /* A tap may skip its end pixels that read padding: rows and columns of a blocked source
     * (their pixels' taps lie in one line, so only the ends can fall into its padding) skip the
     * first or the last, the one-pointer rows up to IB512_CONV_LINE_SKIP_MAX at one end. */
    const int RL = W == KIND_ROWS_LINE;
    const int edge = (W == KIND_ROWS || W == KIND_COLS || RL) && B && P > 1;
    const int64_t pxs = C ? r->px_step : 1; /* flat output pixels between the tile's pixels */
    const int64_t KH = c->kh, KW = c->kw;
    const int64_t icn = B ? IB512_V : r->pl->icn;
    const int64_t wstep = G * IB512_V; /* weights per input channel */
    __m512 acc[IB512_CONV_GMAX][IB512_CONV_PMAX];
    const float *sp[IB512_CONV_PMAX];
    int64_t cst[IB512_CONV_PMAX], off[IB512_CONV_PMAX], ihp[IB512_CONV_PMAX];

    if (F) {
        /* Output row and column of each pixel by stepping from the first one's (no division). */
        int64_t oh = s->oh_ow[0], ow = s->oh_ow[1];
        /* Pixels of the padding before tap (0, 0) of output pixel (0, 0); 0 unpadded. */
        const int64_t pad_shift = -(c->pt * c->iw + c->pl);
        IB512_UNROLL
        for (int p = 0; p < P; p++) {
            ihp[p] = oh * c->sh - c->pt;
            off[p] = oh * c->sh * c->iw + ow * c->sw + pad_shift;
            for (ow += pxs; ow >= c->ow; ow -= c->ow)
                oh++;
        }
    }
    /* The first chunk starts from the bias (zeros where the folded convolution has none): G loads
     * instead of G*P adds at the end, which would take the FMA ports. */
    IB512_UNROLL
    for (int o = 0; o < G; o++) {
        const __m512 b =
            s->first ? _mm512_loadu_ps(r->bias + oc0 + o * IB512_V) : _mm512_setzero_ps();
        IB512_UNROLL
        for (int p = 0; p < P; p++)
            acc[o][p] = s->first ? b : _mm512_loadu_ps(dst + o * r->out_blk + p * pxs * IB512_V);
    }
    /* Plain unpadded source (the stem): a tap is one offset from every pixel's tap (0, 0), and
     * its few input channels one stride apart, so the pixel pointers are set once per tile and
     * each tap only moves an index (setting P pointers per tap of 3 channels costs as much as
     * its FMAs). Line kinds: one pointer, the pixels at constant offsets from it (P opaque
     * pointers leave too few registers: GCC parks some in vector registers and moves them back
     * on an FMA port every step). */
    const int fixed = (W == KIND_FLAT || L) && !B;
    if (fixed) {
        const float *q0 = src_n + off[0];
        __asm__("" : "+r"(q0));
        IB512_UNROLL
        for (int p = 0; p < P; p++) {
            const float *q = L ? q0 + p * kind_line_step(W) : src_n + off[p];
            if (!L)
                __asm__("" : "+r"(q)); /* see conv_taps */
            sp[p] = q;
            cst[p] = c->ih * c->iw;
        }
    }
    /* Input row and column of tap (0, 0) of pixel 0. */
    const int64_t at[2] = {s->oh_ow[0] * c->sh - c->pt, s->oh_ow[1] * c->sw - c->pl};
    if (PW) {
        /* A reduction row is one input block: the pointer steps a block, the weights a row, and
         * nothing else is looked up. The 8x8 1x1s ran as row tiles (KIND_ROWS_LINE: per tap the
         * input row checked, the padded pixels counted, a switch over the skips, whose variants
         * leave the accumulators in other registers where they join); this loop took them from
         * 1.02-1.10 to 0.96-1.02 x oneDNN brgconv on the Xeon (make bench-conv's runs, 3
         * alternations of each build), the 17x17 and 35x35 1x1s within the noise. */
        const int64_t blk = c->ih * c->iw * IB512_V;
        const float *q = src_n + s->r0 * blk + s->q0 * IB512_V;
        const float *wp = wg + s->r0 * icn * wstep;
        const char *pf = s->pf;
        for (int64_t row = s->r0; row < s->r1; row++, q += blk, wp += icn * wstep) {
            if (pf)
                conv_prefetch_row(&pf, s);
            IB512_MCA_BEGIN("conv_tile", W * 10000 + B * 1000 + G * 100 + P);
            conv_tap16_line(acc, wp, wstep, q, G, P, 0, 0);
            IB512_MCA_END("conv_tile", W * 10000 + B * 1000 + G * 100 + P);
        }
    } else if (fixed) {
        /* Every step of rows [r0, r1) in one loop: its weights follow the previous step's. */
        const int64_t k1 = s->r1 * KW * icn;
        for (int64_t k = s->r0 * KW * icn; k < k1; k++) {
            IB512_MCA_BEGIN("conv_tile", W * 10000 + B * 1000 + G * 100 + P);
            conv_step(acc, wg + k * wstep, sp, cst, r->steps[k], 0, G, P, 0, 0, 0);
            IB512_MCA_END("conv_tile", W * 10000 + B * 1000 + G * 100 + P);
        }
    } else {
        int64_t ib = s->ib0, kh = s->kh0;
        for (int64_t row = s->r0; row < s->r1; row++, kh = kh + 1 == KH ? (ib++, 0) : kh + 1) {
            const float *wk = wg + row * KW * icn * wstep;
            for (int64_t kw = 0; kw < KW; kw++) {
                const float *wp = wk + kw * icn * wstep;
                if (CL || RS) {
                    /* The tile's column (row): a tap in the left or right (top or bottom) padding
                     * is skipped whole, the others read inside for every pixel. */
                    const int64_t ih = at[0] + kh, iw = at[1] + kw;
                    if (CL ? iw < 0 || iw >= c->iw : ih < 0 || ih >= c->ih)
                        continue;
                    const float *q = src_n + ((ib * c->ih + ih) * c->iw + iw) * IB512_V;
                    const int64_t stride = (CL ? c->sh * c->iw : c->sw) * IB512_V;
                    IB512_MCA_BEGIN("conv_tile", W * 10000 + B * 1000 + G * 100 + P);
                    conv_tap16_strided(acc, wp, wstep, q, stride, G, P);
                    IB512_MCA_END("conv_tile", W * 10000 + B * 1000 + G * 100 + P);
                    continue;
                }
                if (RL) {
                    const int64_t ih = at[0] + kh, v0 = at[1] + kw, vl = v0 + P - 1;
                    if (ih < 0 || ih >= c->ih)
                        continue;
                    /* Pixels at the start (s0) or the end (s1) of the tile that read padding in
                     * this tap. */
                    const int64_t s0 = v0 < 0 ? -v0 : 0, s1 = vl >= c->iw ? vl - c->iw + 1 : 0;
                    if (ib512_conv_line_skips(s0, s1, P)) {
                        /* Pixel 0's input by integer arithmetic: it may lie before the image,
                         * and is then not read. */
                        const float *q =
                            (const float *)((uintptr_t)(src_n +
                                                        ((ib * c->ih + ih) * c->iw) * IB512_V) +
                                            (uintptr_t)(v0 * IB512_V * (int64_t)sizeof(float)));
                        _Static_assert(IB512_CONV_LINE_SKIP_MAX == 3, "one case per skip");
                        switch (s0 - s1) {
                        case 3:
                            conv_tap16_line(acc, wp, wstep, q, G, P, 3, 0);
                            break;
                        case 2:
                            conv_tap16_line(acc, wp, wstep, q, G, P, 2, 0);
                            break;
                        case 1:
                            conv_tap16_line(acc, wp, wstep, q, G, P, 1, 0);
                            break;
                        case -1:
                            conv_tap16_line(acc, wp, wstep, q, G, P, 0, 1);
                            break;
                        case -2:
                            conv_tap16_line(acc, wp, wstep, q, G, P, 0, 2);
                            break;
                        case -3:
                            conv_tap16_line(acc, wp, wstep, q, G, P, 0, 3);
                            break;
                        default:
                            IB512_MCA_BEGIN("conv_tile", W * 10000 + B * 1000 + G * 100 + P);
                            conv_tap16_line(acc, wp, wstep, q, G, P, 0, 0);
                            IB512_MCA_END("conv_tile", W * 10000 + B * 1000 + G * 100 + P);
                        }
                        continue;
                    }
                }
                if (!conv_taps(r, src_n, at, off, ihp, ib, kh, kw, sp, cst, P, B, W))
                    continue; /* wholly in the padding */
                /* Row and column tiles: a tap whose first or last pixel reads padding (cst 0)
                 * skips that pixel's FMAs (8x8 3x3 pad 1 rows: 1 in 12 of them); the one-pointer
                 * rows come here only where both ends or more pixels than they skip do, and
                 * multiply zeros. */
                const int skip = !edge || RL ? 0 : !cst[0] ? 1 : !cst[P - 1] ? 2 : 0;
                if (B && skip == 1) {
                    conv_tap16(acc, wp, wstep, sp, G, P, edge, 0, edge, 0);
                } else if (B && skip == 2) {
                    conv_tap16(acc, wp, wstep, sp, G, P, 0, edge, edge, 0);
                } else if (RL) {
                    conv_tap16(acc, wp, wstep, sp, G, P, 0, 0, edge, 0);
                } else {
                    IB512_MCA_BEGIN("conv_tile", W * 10000 + B * 1000 + G * 100 + P);
                    if (B) {
                        conv_tap16(acc, wp, wstep, sp, G, P, 0, 0, edge, SL);
                    } else {
                        for (int64_t i = 0; i < icn; i++)
                            conv_step(acc, wp + i * wstep, sp, cst, 0, i, G, P, 0, 0, 0);
                    }
                    IB512_MCA_END("conv_tile", W * 10000 + B * 1000 + G * 100 + P);
                }
            }
        }
    }
    /* The epilogue's choices read once: every store may alias them (the vector store type is
     * may_alias), so reading them per pixel reloaded and tested them between the G*P stores. */
    const int relu = s->last && c->relu;
    const int64_t out_blk = r->out_blk;
    if (relu) {
        const __m512 zero = _mm512_setzero_ps();
        IB512_UNROLL
        for (int o = 0; o < G; o++) {
            IB512_UNROLL
            for (int p = 0; p < P; p++)
                acc[o][p] = _mm512_max_ps(zero, acc[o][p]); /* returns v when v is NaN; keeps -0 */
        }
    }
    IB512_UNROLL
    for (int o = 0; o < G; o++) {
        IB512_UNROLL
        for (int p = 0; p < P; p++)
            _mm512_storeu_ps(dst + o * out_blk + p * pxs * IB512_V, acc[o][p]);
    }
}

/* Every (kind, g, p) tile with g <= G, p <= P of a main tile as its own function, and a table
 * of them indexed [kind][g - 1][p - 1] (NULL where no main tile reaches). Kind = B + 2 W: the
 * source blocked (else plain NCHW, the stem), W the pixels' layout and checks (KIND_*). */
typedef void (*conv_tile_fn)(const conv_run *r, const float *src_n, const float *wg, float *dst,
                             const conv_span *s, int64_t oc0);
#define CONV_TILE_FN(K, G, P)                                                                      \
    static void conv_tile_k##K##_##G##x##P(const conv_run *r, const float *src_n, const float *wg, \
                                           float *dst, const conv_span *s, int64_t oc0)            \
    {                                                                                              \
        conv_tile(r, src_n, wg, dst, s, oc0, G, P, K & 1, K >> 1);                                 \
    }
#define CONV_P5(X, B, G) X(B, G, 1) X(B, G, 2) X(B, G, 3) X(B, G, 4) X(B, G, 5)
#define CONV_P6(X, B, G) CONV_P5(X, B, G) X(B, G, 6)
#define CONV_P8(X, B, G) CONV_P6(X, B, G) X(B, G, 7) X(B, G, 8)
#define CONV_P9(X, B, G) CONV_P8(X, B, G) X(B, G, 9)
#define CONV_P12(X, B, G) CONV_P8(X, B, G) X(B, G, 9) X(B, G, 10) X(B, G, 11) X(B, G, 12)
#define CONV_ALL(X, B)                                                                             \
    CONV_P12(X, B, 1) CONV_P12(X, B, 2) CONV_P9(X, B, 3) CONV_P6(X, B, 4) CONV_P5(X, B, 5)
CONV_ALL(CONV_TILE_FN, 0)
CONV_ALL(CONV_TILE_FN, 1)
CONV_ALL(CONV_TILE_FN, 2)
CONV_ALL(CONV_TILE_FN, 3)
CONV_ALL(CONV_TILE_FN, 4)
CONV_ALL(CONV_TILE_FN, 5)
CONV_ALL(CONV_TILE_FN, 6)
CONV_ALL(CONV_TILE_FN, 7)
CONV_ALL(CONV_TILE_FN, 8)
CONV_ALL(CONV_TILE_FN, 9)
CONV_ALL(CONV_TILE_FN, 10)
CONV_ALL(CONV_TILE_FN, 11)
CONV_ALL(CONV_TILE_FN, 13) /* KIND_ROWS_LINE: blocked only */
CONV_ALL(CONV_TILE_FN, 15) /* KIND_FLAT_LINE_SHORT: blocked only */
CONV_ALL(CONV_TILE_FN, 17) /* KIND_POINTWISE: blocked only */
CONV_ALL(CONV_TILE_FN, 19) /* KIND_COLS_LINE: blocked only */
CONV_ALL(CONV_TILE_FN, 21) /* KIND_ROWS_STRIDED: blocked only */
#define CONV_TILE_SET(K, G, P) [K][G - 1][P - 1] = conv_tile_k##K##_##G##x##P,
static const conv_tile_fn conv_tiles[2 * NKINDS][IB512_CONV_GMAX][IB512_CONV_PMAX] = {
    CONV_ALL(CONV_TILE_SET, 0) CONV_ALL(CONV_TILE_SET, 1) CONV_ALL(CONV_TILE_SET, 2)
        CONV_ALL(CONV_TILE_SET, 3) CONV_ALL(CONV_TILE_SET, 4) CONV_ALL(CONV_TILE_SET, 5)
            CONV_ALL(CONV_TILE_SET, 6) CONV_ALL(CONV_TILE_SET, 7) CONV_ALL(CONV_TILE_SET, 8)
                CONV_ALL(CONV_TILE_SET, 9) CONV_ALL(CONV_TILE_SET, 10) CONV_ALL(CONV_TILE_SET, 11)
                    CONV_ALL(CONV_TILE_SET, 13) CONV_ALL(CONV_TILE_SET, 15)
                        CONV_ALL(CONV_TILE_SET, 17) CONV_ALL(CONV_TILE_SET, 19)
                            CONV_ALL(CONV_TILE_SET, 21)};

/* Whether a flat tile of np pixels from output row and column oh_ow reads no padding row: its
 * first pixel's first tap row and its last pixel's last tap row lie in the input (stepping, no
 * division). */
static int conv_flat_inside(const ib_conv_desc *c, const int64_t *oh_ow, int64_t np)
{
    int64_t oh = oh_ow[0];
    for (int64_t ow = oh_ow[1] + np - 1; ow >= c->ow; ow -= c->ow)
        oh++;
    return oh_ow[0] * c->sh - c->pt >= 0 && oh * c->sh - c->pt + c->kh <= c->ih;
}

/* Whether the inputs of a flat tile's pixels lie sw pixels apart in every tap (the tile within
 * one output row, or rows that follow each other in the input: 1x1, kx1). */
static int conv_flat_line(const ib_conv_desc *c, const int64_t *oh_ow, int64_t np)
{
    return oh_ow[1] + np <= c->ow || c->sh * c->iw == c->ow * c->sw;
}

/* The kernel kind of a flat tile (plan kind k: KIND_FLAT, blocked or not) of np pixels from
 * output row and column oh_ow: rows checked where it reaches a padding row, one pointer where
 * its inputs lie one or two pixels apart (one apart: in a loop over each tap's channels where
 * the plan says). */
static int conv_flat_kind(const ib512_conv_plan *pl, const ib_conv_desc *c, int k,
                          const int64_t *oh_ow, int64_t np)
{
    if (!conv_flat_inside(c, oh_ow, np))
        return (k & 1) + 2 * KIND_FLAT_ROWS;
    if (c->sw > 2 || !conv_flat_line(c, oh_ow, np))
        return k;
    if (c->sw == 2)
        return (k & 1) + 2 * KIND_FLAT_LINE2;
    return (k & 1) + 2 * (pl->short_loop ? KIND_FLAT_LINE_SHORT : KIND_FLAT_LINE);
}

/* One group's tiles [t0, t1) (within one pixel block), chunk by chunk of the reduction. kind:
 * the plan's (a flat tile runs the kind conv_flat_kind picks for it). */
static void conv_block(const conv_run *r, const float *src_n, float *out_n, int64_t gi, int64_t t0,
                       int64_t t1, int kind)
{
    const ib512_conv_plan *pl = r->pl;
    const int64_t gsz = pl->ocb - gi * pl->g < pl->g ? pl->ocb - gi * pl->g : pl->g;
    const float *wg = r->w + gi * r->row_floats * pl->rows;
    float *dg = out_n + gi * pl->g * r->out_blk;
    const int per_tile = kind >> 1 == KIND_FLAT; /* its tiles may run another flat kind */
    for (int64_t k = 0; k < pl->nchunks; k++) {
        conv_span s = {.r0 = k * pl->rows_per_chunk, .first = k == 0, .last = k == pl->nchunks - 1};
        s.r1 = s.r0 + pl->rows_per_chunk < pl->rows ? s.r0 + pl->rows_per_chunk : pl->rows;
        s.ib0 = s.r0 / r->c->kh;
        s.kh0 = s.r0 % r->c->kh;
        /* The plan's prefetch (conv_plan.c's choose_prefetch): the weights that follow this
         * chunk's (the group's next chunk, or the next group's first) go into L2 while it runs,
         * an equal share per tile, spread by the tile over its reduction rows. */
        const char *pf = NULL, *pf_end = NULL;
        int64_t pf_tile = 0; /* bytes of it per tile (whole lines) */
        if (pl->prefetch) {
            pf = (const char *)(wg + s.r1 * r->c->kw * pl->icn * gsz * IB512_V);
            pf_end = pf + pl->chunk_bytes < (const char *)r->w_end ? pf + pl->chunk_bytes
                                                                   : (const char *)r->w_end;
            pf_tile = ib512_cdiv((pf_end - pf) / 64, t1 - t0) * 64;
            s.pf_row = ib512_cdiv(pf_tile / 64, s.r1 - s.r0);
        }
        int64_t line = t0 / pl->tiles_per_line, j = t0 % pl->tiles_per_line;
        for (int64_t t = t0; t < t1; t++) {
            if (pf) {
                s.pf = pf + (t - t0) * pf_tile;
                s.pf_end = s.pf + pf_tile < pf_end ? s.pf + pf_tile : pf_end;
            }
            const int64_t np = ib512_conv_tile_in_line(pl, r->c->ow, line, j, &s.q0, s.oh_ow);
            const int k_tile = per_tile ? conv_flat_kind(pl, r->c, kind, s.oh_ow, np) : kind;
            conv_tiles[k_tile][gsz - 1][np - 1](r, src_n, wg, dg + s.q0 * IB512_V, &s,
                                                gi * pl->g * IB512_V);
            if (++j == pl->tiles_per_line) {
                j = 0;
                line++;
            }
        }
    }
}

/* Thread k of nthreads runs its stretch of the work sequence (arch/avx512/conv_split.h), cut for
 * that many threads: the count at pack time need not be the count now. */
static void conv_stretch(const conv_run *r, const ib512_conv_seq *seq, const ib_split_seq *split,
                         const float *src, float *out, int kind, int64_t k, int64_t nthreads)
{
    const ib512_conv_plan *pl = r->pl;
    const int64_t in_img = pl->icb * pl->icn * r->c->ih * r->c->iw;
    const int64_t out_img = pl->ocb * r->out_blk;
    const ib_split_cut from = ib_split_cut_at(split, k, nthreads);
    const ib_split_cut to = ib_split_cut_at(split, k + 1, nthreads);
    for (int64_t u = from.unit; u <= to.unit && u < seq->units; u++) {
        const ib512_conv_unit un = ib512_conv_unit_of(seq, u);
        int64_t t0, t1;
        ib_split_tiles_in(split, from, to, u, &t0, &t1);
        if (t0 < t1)
            conv_block(r, src + un.n * in_img, out + un.n * out_img, un.group, t0, t1, kind);
    }
}

static void conv_exec(const ib_desc *d, const void *packed, const float *const *src,
                      float *const *dst)
{
    const ib_conv_desc *c = &d->conv;
    const ib512_conv_plan *pl = packed;
    conv_run r = {.c = c, .pl = pl};
    r.bias = (const float *)packed + PLAN_FLOATS;
    r.w = r.bias + pl->ocb * IB512_V;
    r.w_end = (const float *)packed + conv_weights_end(c);
    r.out_blk = c->oh * c->ow * IB512_V;
    r.row_floats = c->kw * pl->icn * pl->g * IB512_V;
    r.px_step = pl->px_step;
    if (ib512_conv_plain(c))
        r.steps = (const int64_t *)((const float *)packed + conv_weights_end(c));
    /* The walks' kernels: KIND_ROWS, KIND_FLAT, KIND_COLS in the walks' order; a blocked 1x1 of
     * stride 1 without padding whose taps are unrolled runs the pointwise kind whatever its walk,
     * other blocked rows at stride 1 in w take one pointer, as do blocked rows and columns
     * without padding along them (a pointer and a stride). */
    int kind = !ib512_conv_plain(c) + 2 * pl->walk;
    if (ib512_conv_runs_pointwise(pl, c))
        kind = 1 + 2 * KIND_POINTWISE;
    else if (kind == 1 + 2 * KIND_ROWS && c->sw == 1)
        kind = 1 + 2 * KIND_ROWS_LINE;
    else if (kind == 1 + 2 * KIND_COLS && ib512_conv_span_unpadded(pl, c))
        kind = 1 + 2 * KIND_COLS_LINE;
    else if (kind == 1 + 2 * KIND_ROWS && ib512_conv_span_unpadded(pl, c))
        kind = 1 + 2 * KIND_ROWS_STRIDED;
    const ib512_conv_seq seq = ib512_conv_seq_of(pl, c);
    const ib_split_seq split = ib512_conv_split_of(&seq);
    IB_PAR_TEAM(k, nt, conv_stretch(&r, &seq, &split, src[0], dst[0], kind, k, nt););
}

static int conv_describe(const ib_desc *d, char *buf, size_t n)
{
    const ib512_caches cs = conv_caches_here();
    const ib512_conv_plan pl = IB_AVX512_SYM(ib512_conv_plan_make)(&d->conv, &cs);
    return IB_AVX512_SYM(ib512_conv_plan_describe)(&pl, buf, n);
}

/* One native record per (source kind, main tile): the name says layout, tile and ISA. The
 * stem's 3 input channels would waste 13 of 16 lanes of a block, so its source stays NCHW. */
#define CONV_NATIVE_OF(name, layout)                                                               \
    {.kernel = IB_AVX512_KERNEL(name),                                                             \
     .src_layout = layout,                                                                         \
     .dst_layout = IB_LAYOUT_NCHW16C,                                                              \
     .packed_bytes = conv_packed_bytes,                                                            \
     .pack = conv_pack,                                                                            \
     .exec = conv_exec,                                                                            \
     .describe = conv_describe},
#define CONV_NATIVE(G, P) CONV_NATIVE_OF("conv_nchw16c_" #G "x" #P, IB_LAYOUT_NCHW16C)
#define CONV_NATIVE_PLAIN(G, P) CONV_NATIVE_OF("conv_nchw_to_nchw16c_" #G "x" #P, IB_LAYOUT_NCHW)
static const ib_native conv_natives[2][IB512_CONV_NTILES] = {
    {IB512_CONV_MAIN_TILES(CONV_NATIVE_PLAIN)},
    {IB512_CONV_MAIN_TILES(CONV_NATIVE)},
};

static const ib_native *conv_native(const ib_desc *d)
{
    const ib512_caches cs = conv_caches_here();
    const ib512_conv_plan pl = IB_AVX512_SYM(ib512_conv_plan_make)(&d->conv, &cs);
    return &conv_natives[!ib512_conv_plain(&d->conv)][pl.tile];
}

IB_IMPL_NATIVE(IB_AVX512_SYM(ib_avx512_conv_impl), IB_AVX512_NAME, IB_OP_CONV, IB_AVX512_ISA,
               ib_supports_all, conv_native, .test_only = IB_AVX512_TEST_ONLY);
