/* AVX2 direct convolution: the register-blocked micro-kernel, generic over its tile shape.
 * Instantiated with constant J (output blocks), P (pixels) and KIND (source layout, and for
 * the stem the kernel size) by conv_tiles.c; every loop over J and P is fully unrolled so
 * the accumulators live in ymm. */
#ifndef IB_AVX2_CONV_TILE_H
#define IB_AVX2_CONV_TILE_H

#include <immintrin.h>

#include "arch/avx2/avx2_util.h"
#include "arch/avx2/conv.h"

/* llvm-mca region markers (tools/mca.py builds with -DIB_MCA_MARKERS -S; only there, as the
 * asm statements constrain scheduling): region conv_tap_<J>x<P>_m<pixel mask>. */
#ifdef IB_MCA_MARKERS
#define IB_AVX2_MCA(what, J, P, mask)                                                              \
    __asm__ volatile("# LLVM-MCA-" what " conv_tap_%c0x%c1_m%c2" ::"i"(J), "i"(P), "i"(mask))
#else
#define IB_AVX2_MCA(what, J, P, mask) ((void)0)
#endif

/* Keeps a loaded operand in a register: without this the compiler folds the load into
 * several FMAs' memory operands, loading the same vector up to 4 times. */
IB_AVX2_INLINE __m256 ib_avx2_conv_reg(__m256 v)
{
    __asm__("" : "+x"(v));
    return v;
}

/* An index the compiler must take as new on every use (see the interior loop). */
IB_AVX2_INLINE int64_t ib_avx2_conv_opaque(int64_t x)
{
    __asm__ volatile("" : "+r"(x));
    return x;
}

/* One input channel i for the pixels in MASK: acc[j][p] += x[p][i] * w[i][j]. Whichever of
 * weights and broadcasts is fewer is loaded into registers first, so J*P accumulators plus
 * min(J,P) + 1 operands fit the 16 ymm registers. */
IB_AVX2_INLINE void ib_avx2_conv_fma(__m256 acc[IB_CONV_JMAX][IB_CONV_PMAX],
                                     const float *const *ptr, int64_t off, const float *restrict w,
                                     const int J, const int P, const unsigned MASK)
{
    const int n = __builtin_popcount(MASK);
    if (J <= n) {
        __m256 wv[IB_CONV_JMAX];
#pragma GCC unroll 4
        for (int j = 0; j < J; j++)
            wv[j] = ib_avx2_conv_reg(_mm256_load_ps(w + j * 8));
#pragma GCC unroll 8
        for (int p = 0; p < P; p++) {
            if (!(MASK >> p & 1))
                continue;
            const __m256 b = ib_avx2_conv_reg(_mm256_broadcast_ss(ptr[p] + off));
#pragma GCC unroll 4
            for (int j = 0; j < J; j++)
                acc[j][p] = _mm256_fmadd_ps(b, wv[j], acc[j][p]);
        }
    } else {
        __m256 b[IB_CONV_PMAX];
#pragma GCC unroll 8
        for (int p = 0; p < P; p++)
            if (MASK >> p & 1)
                b[p] = ib_avx2_conv_reg(_mm256_broadcast_ss(ptr[p] + off));
#pragma GCC unroll 4
        for (int j = 0; j < J; j++) {
            const __m256 wv = ib_avx2_conv_reg(_mm256_load_ps(w + j * 8));
#pragma GCC unroll 8
            for (int p = 0; p < P; p++)
                if (MASK >> p & 1)
                    acc[j][p] = _mm256_fmadd_ps(b[p], wv, acc[j][p]);
        }
    }
}

/* One tap of one input block: cnt channels (1..8), unrolled. A full block is one straight
 * line; a tail block enters the same kind of line at the right place (the sums are exact,
 * so their order does not matter). */
#define IB_CONV_CH(i)                                                                              \
    case (i) + 1:                                                                                  \
        ib_avx2_conv_fma(acc, ptr, (i), w + (i)*J * 8, J, P, MASK);                                \
        __attribute__((fallthrough))
IB_AVX2_INLINE void ib_avx2_conv_tap(__m256 acc[IB_CONV_JMAX][IB_CONV_PMAX],
                                     const float *const *ptr, const float *restrict w, int64_t cnt,
                                     const int J, const int P, const unsigned MASK)
{
    if (cnt == 8) {
        /* Unrolled by 4, not 8: the longer line makes gcc spill accumulators. */
        IB_AVX2_MCA("BEGIN", J, P, MASK);
#pragma GCC unroll 4
        for (int i = 0; i < 8; i++)
            ib_avx2_conv_fma(acc, ptr, i, w + i * J * 8, J, P, MASK);
        IB_AVX2_MCA("END", J, P, MASK);
        return;
    }
    switch (cnt) {
        IB_CONV_CH(6);
        IB_CONV_CH(5);
        IB_CONV_CH(4);
        IB_CONV_CH(3);
        IB_CONV_CH(2);
        IB_CONV_CH(1);
        IB_CONV_CH(0);
    default:
        break;
    }
}
#undef IB_CONV_CH

/* One tap (or one run of plain taps) over the nblk input blocks of a chunk for the pixels in
 * MASK: block b reads its source sbs floats and its weights wbs floats further on; every
 * block has full channels (8, or 1 when plain) but the last, which has lastcnt. */
IB_AVX2_INLINE void ib_avx2_conv_tap_blocks(__m256 acc[IB_CONV_JMAX][IB_CONV_PMAX],
                                            const float *const *ptr, const float *restrict w,
                                            const ib_avx2_conv_blocks *b, const int J, const int P,
                                            const unsigned MASK)
{
    const float *q[IB_CONV_PMAX];
#pragma GCC unroll 8
    for (int p = 0; p < P; p++)
        q[p] = ptr[p];
    for (int64_t blk = 0; blk < b->n; blk++, w += b->wbs) {
        ib_avx2_conv_tap(acc, q, w, blk == b->n - 1 ? b->lastcnt : b->full, J, P, MASK);
#pragma GCC unroll 8
        for (int p = 0; p < P; p++)
            q[p] += MASK >> p & 1 ? b->sbs : 0;
    }
}

/* A tap whose valid pixels are only some of the tile's: the subset becomes a constant, chosen
 * once for all the chunk's blocks. */
#define IB_CONV_MASK(m)                                                                            \
    case (m):                                                                                      \
        if ((m) < (1u << P))                                                                       \
            ib_avx2_conv_tap_blocks(acc, ptr, w, b, J, P, (m) & ((1u << P) - 1));                  \
        break;
IB_AVX2_INLINE void ib_avx2_conv_tap_masked(__m256 acc[IB_CONV_JMAX][IB_CONV_PMAX],
                                            const float *const *ptr, const float *restrict w,
                                            const ib_avx2_conv_blocks *b, unsigned mask,
                                            const int J, const int P)
{
    switch (mask) {
        IB_CONV_MASK(1)
        IB_CONV_MASK(2)
        IB_CONV_MASK(3)
        IB_CONV_MASK(4)
        IB_CONV_MASK(5)
        IB_CONV_MASK(6)
        IB_CONV_MASK(7)
        IB_CONV_MASK(8)
        IB_CONV_MASK(9)
        IB_CONV_MASK(10)
        IB_CONV_MASK(11)
        IB_CONV_MASK(12) IB_CONV_MASK(13) IB_CONV_MASK(14) IB_CONV_MASK(15) default : break;
    }
}
#undef IB_CONV_MASK

/* One tile of P pixels starting at pixel q = (oy, ox) (row-major; it may wrap to the next
 * row), over the input blocks of one chunk. Every (pixel, tap) pair that lies in the image is
 * computed, and no other: taps in the padding are skipped, not multiplied by zero. */
IB_AVX2_INLINE void ib_avx2_conv_tile(const ib_avx2_conv_geom *restrict g,
                                      const ib_avx2_conv_tile_args *restrict a, int64_t q,
                                      int64_t oy, int64_t ox, const int J, const int P,
                                      const int KIND)
{
    const int PLAIN = KIND == IB_CONV_PLAIN || KIND == IB_CONV_STEM;
    const int PW = KIND == IB_CONV_POINTWISE;
    const int64_t ih = g->ih, iw = g->iw;
    /* The stem's 3x3 and 3 channels as constants: its tap and channel loops unroll whole (its
     * plan keeps the channels in one chunk) and a tap's channel count is known. */
    const int64_t KH = KIND == IB_CONV_STEM ? IB_AVX2_CONV_STEM_K : g->kh;
    const int64_t KW = KIND == IB_CONV_STEM ? IB_AVX2_CONV_STEM_K : g->kw;
    /* Plain source: each block is one channel plane (1 float per pixel). */
    const int64_t ps = PLAIN ? 1 : 8;             /* src floats per pixel */
    const int64_t wtap = (PLAIN ? 1 : 8) * J * 8; /* weight floats per tap */
    const unsigned FULL = (1u << P) - 1;
    __m256 acc[IB_CONV_JMAX][IB_CONV_PMAX];
    int64_t iy0[IB_CONV_PMAX], ix0[IB_CONV_PMAX], po[IB_CONV_PMAX];

    /* The chunk's kernel rows (all but when a block's weights are split by rows). */
    const int64_t ky0 = PLAIN ? 0 : a->ky0, ky1 = PLAIN ? KH : a->ky1;
    /* The kernel rows the interior loop below runs: the chunk's, or those inside the image for
     * a tile within one row whose columns are (its pixels share its rows, so a top or bottom
     * border needs no mask). A plain source keeps the stem's rows constant, so they unroll. */
    int64_t kya = ky0, kyb = ky1;
    int inside = 1;
    if (!PW && ox + P <= g->ow) {
        /* A tile within one row (all but the few that wrap): one position, its pixels sw apart,
         * and one bounds test; the scalar work per tile shares ports with the FMAs on Intel. */
        const int64_t y = oy * g->sh - g->pt, x = ox * g->sw - g->pl;
        const int cols = x >= 0 && x + (P - 1) * g->sw + KW <= iw;
        inside = cols && y >= 0 && y + KH <= ih;
        if (!PLAIN && cols && !inside) {
            kya = ib_conv_taps_lo(y, ky0);
            kyb = ib_conv_taps_hi(y, ky1, ih);
            inside = 1;
        }
#pragma GCC unroll 8
        for (int p = 0; p < P; p++) {
            iy0[p] = y;
            ix0[p] = x + p * g->sw;
            po[p] = (y * iw + ix0[p]) * ps;
        }
    } else {
        /* A tile that wraps to the next row: each pixel's own position. */
#pragma GCC unroll 8
        for (int p = 0; p < P && !PW; p++) {
            iy0[p] = oy * g->sh - g->pt;
            ix0[p] = ox * g->sw - g->pl;
            po[p] = (iy0[p] * iw + ix0[p]) * ps;
            inside &= iy0[p] >= 0 && iy0[p] + KH <= ih && ix0[p] >= 0 && ix0[p] + KW <= iw;
            if (++ox == g->ow) {
                ox = 0;
                oy++;
            }
        }
    }

    /* The first chunk starts from the bias (a batch-norm was folded into it at pack time; zeros
     * when the layer has none): one load per output block instead of an add per accumulator at
     * the end, where the adds would take FMA ports. */
    float *dst = a->dst + q * 8;
#pragma GCC unroll 4
    for (int j = 0; j < J; j++) {
        const __m256 start = _mm256_loadu_ps(a->bias + j * 8);
#pragma GCC unroll 8
        for (int p = 0; p < P; p++)
            acc[j][p] = a->first ? start : _mm256_loadu_ps(dst + j * g->dbs + p * 8);
    }

    const float *w = a->w;
    if (PW) {
        /* Pointwise: output pixel q reads input pixel q, so the tile's pixels lie side by side
         * in every input block, at constant offsets from one pointer: a matrix multiply's
         * micro-kernel, over the chunk's blocks. */
        const float *s = a->src + q * 8;
        for (int64_t blk = 0; blk < a->nblk; blk++, s += g->sbs, w += wtap) {
            const int64_t cnt = blk == a->nblk - 1 ? a->lastcnt : 8;
            const float *ptr[IB_CONV_PMAX];
#pragma GCC unroll 8
            for (int p = 0; p < P; p++)
                ptr[p] = s + p * 8;
            ib_avx2_conv_tap(acc, ptr, w, cnt, J, P, FULL);
        }
    } else if (inside) {
        /* Every tap of every pixel in rows [kya, kyb) is in the image: one row pointer walks
         * the taps and each pixel adds its offset in the address (opaque, so that the compiler
         * does not turn it into P pointers to step: that costs P adds per tap).
         * A plain source has the kx taps of a row side by side, as a blocked one has its 8
         * channels: up to 8 of them are one unrolled run of FMAs. */
        const int64_t run = PLAIN && KW <= 8 ? KW : 1; /* kx taps per step of the kx loop */
        const float *s = a->src;
        const int64_t NB = KIND == IB_CONV_STEM ? IB_AVX2_CONV_STEM_C : a->nblk;
#pragma GCC unroll 4
        for (int64_t blk = 0; blk < NB; blk++, s += g->sbs, w += KH * KW * wtap) {
            const int64_t cnt = PLAIN ? run : blk == a->nblk - 1 ? a->lastcnt : 8;
            const float *wr = w + (kya - ky0) * KW * wtap; /* w starts at row ky0 */
#pragma GCC unroll 4
            for (int64_t ky = kya; ky < kyb; ky++) {
                const float *row = s + ky * iw * ps;
                for (int64_t kx = 0; kx < KW; kx += run, row += run * ps, wr += run * wtap) {
                    const float *ptr[IB_CONV_PMAX];
#pragma GCC unroll 8
                    for (int p = 0; p < P; p++)
                        ptr[p] = row + ib_avx2_conv_opaque(po[p]);
                    ib_avx2_conv_tap(acc, ptr, wr, cnt, J, P, FULL);
                }
            }
        }
    } else {
        /* Border: taps over the union of the pixels' valid ranges, each with the mask of the
         * pixels for which it lies in the image. (Running the taps every pixel of a border
         * tile has, a rectangle, through the loop above and only the others here measured
         * slower, not faster: 1x7 and 7x1 padded 3 at 17x17 91% -> 88-90% of peak, 3x3 at 17x17
         * and 35x35 1-3 points lower, the unpadded controls 1-2 points lower too. Measured
         * again beside the clipped rows above, on the Xeon: the 35x35 5x5 1.049 -> 1.048 x
         * oneDNN jit:avx2, the 3x3s and 1x7s 1-5% slower. The clipped rows alone took that 5x5
         * from 1.111. Where the 5x5's remaining gap lies, on the Xeon: padded only in w it runs
         * at 90.7% of peak against oneDNN's 95.6%, padded only in h at 97.4% against 96.5%; the
         * 35x35 3x3 is even either way. Every tap of one input block before the next block
         * (an 8-step chain per single-pixel mask, not 8 x nblk, for the out-of-order window to
         * overlap) measured against the build without (4 alternations): the 5x5 0.994, a 17x17 1x7
         * and an 8x8 1x3 1.08, the 8x8 3x3 1.05: the dispatch per tap and block. Not kept.) */
        int64_t kylo = ky1, kyhi = ky0, kxlo = KW, kxhi = 0;
#pragma GCC unroll 8
        for (int p = 0; p < P; p++) {
            /* the chunk's kernel rows, every kernel column */
            const int64_t ylo = ib_conv_taps_lo(iy0[p], ky0);
            const int64_t yhi = ib_conv_taps_hi(iy0[p], ky1, ih);
            const int64_t xlo = ib_conv_taps_lo(ix0[p], 0);
            const int64_t xhi = ib_conv_taps_hi(ix0[p], KW, iw);
            kylo = ylo < kylo ? ylo : kylo;
            kyhi = yhi > kyhi ? yhi : kyhi;
            kxlo = xlo < kxlo ? xlo : kxlo;
            kxhi = xhi > kxhi ? xhi : kxhi;
        }
        /* Each tap's mask once, then its run over the chunk's blocks. */
        const ib_avx2_conv_blocks b = {
            .n = a->nblk,
            .sbs = g->sbs,
            .wbs = KH * KW * wtap,
            .full = PLAIN ? 1 : 8,
            .lastcnt = PLAIN ? 1 : a->lastcnt,
        };
        const float *w0 = w - ky0 * KW * wtap; /* w starts at row ky0 */
        for (int64_t ky = kylo; ky < kyhi; ky++) {
            unsigned rows = 0;
#pragma GCC unroll 8
            for (int p = 0; p < P; p++)
                rows |= (unsigned)((uint64_t)(iy0[p] + ky) < (uint64_t)ih) << p;
            for (int64_t kx = kxlo; kx < kxhi; kx++) {
                unsigned mask = rows;
                const float *ptr[IB_CONV_PMAX];
#pragma GCC unroll 8
                for (int p = 0; p < P; p++) {
                    mask &= ~((unsigned)((uint64_t)(ix0[p] + kx) >= (uint64_t)iw) << p);
                    /* only dereferenced when the pixel is in the mask */
                    ptr[p] = a->src + (mask >> p & 1 ? po[p] + (ky * iw + kx) * ps : 0);
                }
                const float *wt = w0 + (ky * KW + kx) * wtap;
                if (mask == FULL)
                    ib_avx2_conv_tap_blocks(acc, ptr, wt, &b, J, P, FULL);
                else
                    ib_avx2_conv_tap_masked(acc, ptr, wt, &b, mask, J, P);
            }
        }
    }

    /* The epilogue, one branch per tile rather than per accumulator: the bias is already in
     * (above), ReLU is all there is. */
    if (a->last && g->relu) {
        const __m256 zero = _mm256_setzero_ps();
#pragma GCC unroll 4
        for (int j = 0; j < J; j++)
#pragma GCC unroll 8
            for (int p = 0; p < P; p++) /* max(0, v): NaN passes, as in the reference */
                acc[j][p] = _mm256_max_ps(zero, acc[j][p]);
    }
#pragma GCC unroll 4
    for (int j = 0; j < J; j++)
#pragma GCC unroll 8
        for (int p = 0; p < P; p++)
            _mm256_storeu_ps(dst + j * g->dbs + p * 8, acc[j][p]);
}

/* All full tiles of [q0, q1) for one chunk; the shorter last tile goes to its own variant. */
IB_AVX2_INLINE void ib_avx2_conv_range(const ib_avx2_conv_geom *restrict g,
                                       const ib_avx2_conv_tile_args *restrict a, const int J,
                                       const int KIND)
{
    const int P = ib_avx2_conv_tile_p(J);
    int64_t q = a->q0, oy = q / g->ow, ox = q - oy * g->ow;
    /* Spread the prefetch of the next chunk's weights (from L3 or memory into L2) over
     * the tiles of this one. */
    const char *pf = (const char *)a->wpf, *pf_end = (const char *)a->wpf_end;
    const int64_t ntiles = (a->q1 - a->q0) / P;
    const int64_t pf_lines = pf < pf_end ? (pf_end - pf + 63) / 64 : 0;
    const int64_t pf_step = ntiles > 0 ? (pf_lines + ntiles - 1) / ntiles : 0;
    for (; q + P <= a->q1; q += P) {
        for (int64_t k = 0; k < pf_step && pf < pf_end; k++, pf += 64)
            _mm_prefetch(pf, _MM_HINT_T1);
        ib_avx2_conv_tile(g, a, q, oy, ox, J, P, KIND);
        ox += P;
        while (ox >= g->ow) {
            ox -= g->ow;
            oy++;
        }
    }
    if (q < a->q1)
        ib_avx2_conv_tails[KIND][J][a->q1 - q](g, a, q, oy, ox);
}

#endif
