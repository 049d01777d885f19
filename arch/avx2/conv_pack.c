/* AVX2 direct convolution: packing the folded weights (OIhw8i8o, interleaved per oc group) and
 * bias. */
#include <string.h>

#include "arch/avx2/conv.h"
#include "core/conv_fold.h"

#include "core/cpu.h"

/* Packed block: the plan, the folded weights (core/conv_fold.h), then the folded bias
 * padded to ocb*8 floats (zeros for the padding channels, so padded outputs come out as 0). */
size_t ib_avx2_conv_packed_bytes(const ib_desc *d)
{
    const ib_avx2_conv_caches any = {0};
    ib_avx2_conv_plan p;
    ib_avx2_conv_plan_of(&d->conv, &any, &p);
    return IB_AVX2_CONV_HEAD + (size_t)(p.wfloats + p.ocb * 8) * sizeof(float);
}

static ib_avx2_conv_caches detected_caches(void)
{
    const ib_cpu *cpu = ib_cpu_get();
    return (ib_avx2_conv_caches){.l1d = cpu->l1d, .l2 = cpu->l2, .l3 = cpu->l3};
}

int ib_avx2_conv_describe(const ib_desc *d, char *buf, size_t n)
{
    const ib_avx2_conv_caches k = detected_caches();
    ib_avx2_conv_plan p;
    ib_avx2_conv_plan_of(&d->conv, &k, &p);
    return ib_avx2_conv_plan_str(&p, buf, n);
}

/* Group g (blocks b0 .. b0+jg-1) holds, for each input block, tap and input channel i, the
 * jg vectors of 8 output channels side by side: [blk][kh][kw][i][j][8]. The micro-kernel
 * then walks its weights strictly forward. */
void ib_avx2_conv_pack_for(const ib_desc *d, const ib_args *nchw, void *packed,
                           const ib_avx2_conv_caches *k)
{
    _Static_assert(sizeof(ib_avx2_conv_plan) <= IB_AVX2_CONV_HEAD, "plan larger than its head");
    const ib_conv_desc *c = &d->conv;
    ib_avx2_conv_plan p;
    ib_avx2_conv_plan_of(c, k, &p);
    memcpy(packed, &p, sizeof p);
    float *w = (float *)((char *)packed + IB_AVX2_CONV_HEAD);

    for (int64_t g = 0; g < p.groups; g++) {
        const int64_t b0 = ib_avx2_conv_gstart(&p, g), jg = ib_avx2_conv_gsize(&p, g);
        float *wg = w + b0 * p.icb * p.wblk;
        for (int64_t blk = 0; blk < p.icb; blk++)
            for (int64_t t = 0; t < p.taps; t++)
                for (int64_t i = 0; i < p.cb; i++)
                    for (int64_t j = 0; j < jg; j++)
                        for (int64_t l = 0; l < 8; l++) {
                            const int64_t oc = (b0 + j) * 8 + l, ic = blk * p.cb + i;
                            float v = 0.0f;
                            if (oc < c->oc && ic < c->ic)
                                v = ib_conv_folded_weight(c, nchw, oc, ic, t);
                            *wg++ = v;
                        }
    }

    float *bias = w + p.wfloats;
    memset(bias, 0, (size_t)(p.ocb * 8) * sizeof(float));
    for (int64_t oc = 0; oc < c->oc; oc++)
        bias[oc] = ib_conv_folded_bias(c, nchw, oc);
}

void ib_avx2_conv_pack(const ib_desc *d, const ib_args *nchw, void *packed)
{
    const ib_avx2_conv_caches k = detected_caches();
    ib_avx2_conv_pack_for(d, nchw, packed, &k);
}
