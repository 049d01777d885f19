/* AVX2 direct convolution: the blocking plan shared by pack and exec (derived from the desc). */
#ifndef IB_AVX2_CONV_PLAN_H
#define IB_AVX2_CONV_PLAN_H

#include <stdint.h>

#include "kernels/cpu.h"
#include "kernels/desc.h"

/* Output channel blocks per group: the micro-kernel's J. Tiles are J blocks x P pixels,
 * P chosen so that J*P accumulators + min(J,P) + 1 operands fit 16 ymm registers. */
enum { IB_CONV_JMAX = 4, IB_CONV_PMAX = 4 };

/* Pixels per tile for J output blocks: 4x3, else 4 (3x4 uses all 16 registers; the narrower
 * tiles only occur for 16 or fewer output channels, or 5 blocks split 3+2). */
static inline int ib_avx2_conv_tile_p(int64_t j)
{
    return j >= 4 ? 3 : 4;
}

/* Bytes of packed weights per ic chunk, kept in L1 while a pixel range passes over them:
 * half the L1 data cache (16 KiB when unknown), the other half for inputs and outputs. */
static inline int64_t ib_avx2_conv_l1_wbytes(void)
{
    const int64_t l1 = ib_cpu_get()->l1d;
    return l1 < 32768 ? 16384 : l1 > 65536 ? 32768 : l1 / 2;
}

typedef struct ib_avx2_conv_plan {
    int plain;      /* src is plain NCHW (few input channels): each channel is a block */
    int64_t icb;    /* input channel blocks (ic when plain) */
    int64_t cb;     /* channels per input block: 8, or 1 when plain */
    int64_t ctail;  /* channels that exist in the last input block */
    int64_t ocb;    /* output channel blocks */
    int64_t groups; /* oc groups: the first gextra have gbase+1 blocks, the rest gbase */
    int64_t gbase, gextra;
    int64_t taps;    /* kh*kw */
    int64_t wblk;    /* floats of packed weights per (output block, input block) */
    int64_t wfloats; /* all packed weights */
    int64_t kchunk;  /* input blocks per chunk (weights of one chunk stay in L1) */
    int64_t q;       /* output pixels per image and channel: oh*ow */
} ib_avx2_conv_plan;

/* Small input channel counts read the plain NCHW source directly (the 3-channel stem). */
static inline int ib_avx2_conv_plain(const ib_conv_desc *c)
{
    return c->ic < 8;
}

static inline void ib_avx2_conv_plan_of(const ib_conv_desc *c, ib_avx2_conv_plan *p)
{
    p->plain = ib_avx2_conv_plain(c);
    p->icb = p->plain ? c->ic : (c->ic + 7) / 8;
    p->cb = p->plain ? 1 : 8;
    p->ctail = p->plain ? 1 : c->ic - (p->icb - 1) * 8;
    p->ocb = (c->oc + 7) / 8;
    /* Balanced groups of at most 4 blocks: 10 blocks -> 4,3,3 rather than 4,4,2. */
    p->groups = (p->ocb + IB_CONV_JMAX - 1) / IB_CONV_JMAX;
    p->gbase = p->ocb / p->groups;
    p->gextra = p->ocb % p->groups;
    p->taps = c->kh * c->kw;
    p->wblk = p->taps * p->cb * 8;
    p->wfloats = p->ocb * p->icb * p->wblk;
    const int64_t jmax = p->gbase + (p->gextra > 0);
    int64_t k = ib_avx2_conv_l1_wbytes() / (jmax * p->wblk * (int64_t)sizeof(float));
    if (k < 1)
        k = 1;
    if (k > p->icb)
        k = p->icb;
    const int64_t chunks = (p->icb + k - 1) / k;
    p->kchunk = (p->icb + chunks - 1) / chunks; /* even chunks */
    p->q = c->oh * c->ow;
}

/* First output block of group g and its size. */
static inline int64_t ib_avx2_conv_gstart(const ib_avx2_conv_plan *p, int64_t g)
{
    return g * p->gbase + (g < p->gextra ? g : p->gextra);
}
static inline int64_t ib_avx2_conv_gsize(const ib_avx2_conv_plan *p, int64_t g)
{
    return p->gbase + (g < p->gextra);
}

#endif
