/* NEON convolution: weight packing and the implementation that picks a kernel per problem. */
#include "arch/neon/conv.h"
#include "core/conv_fold.h"

static int64_t round16(int64_t x)
{
    return (x + 15) / 16 * 16;
}

void ib_neon_conv_pack_plan(const ib_conv_desc *c, int64_t L, ib_neon_conv_pack *p)
{
    p->L = L;
    p->icg = L == IB_NEON_V ? ib_neon_blocks(c->ic) : c->ic;
    p->ocb = ib_neon_blocks(c->oc);
    p->ngroups = (p->ocb + IB_NEON_CONV_B - 1) / IB_NEON_CONV_B;
    p->wsize = p->ocb * IB_NEON_V * p->icg * L * c->kh * c->kw;
    int64_t at = round16(p->wsize);
    p->bias = -1;
    if (ib_conv_folded(c).has_bias) {
        p->bias = at;
        at += round16(p->ocb * IB_NEON_V);
    }
    p->total = at;
}

void ib_neon_conv_pack_weights(const ib_conv_desc *c, int64_t L, const ib_args *a, float *out)
{
    ib_neon_conv_pack p;
    ib_neon_conv_pack_plan(c, L, &p);
    const int64_t gs = ib_neon_conv_group_stride(c, &p);
    for (int64_t g = 0; g < p.ngroups; g++) {
        const int64_t nb = ib_neon_min(IB_NEON_CONV_B, p.ocb - g * IB_NEON_CONV_B);
        float *o = out + g * gs;
        for (int64_t icg = 0; icg < p.icg; icg++)
            for (int64_t ky = 0; ky < c->kh; ky++)
                for (int64_t kx = 0; kx < c->kw; kx++)
                    for (int64_t i = 0; i < L; i++)
                        for (int64_t b = 0; b < nb; b++)
                            for (int64_t v = 0; v < IB_NEON_V; v++) {
                                const int64_t oc = (g * IB_NEON_CONV_B + b) * IB_NEON_V + v;
                                const int64_t ic = icg * L + i;
                                *o++ = oc < c->oc && ic < c->ic
                                           ? ib_conv_folded_weight(c, a, oc, ic, ky * c->kw + kx)
                                           : 0.0f;
                            }
    }
    for (int64_t oc = 0; p.bias >= 0 && oc < p.ocb * IB_NEON_V; oc++)
        out[p.bias + oc] = oc < c->oc ? ib_conv_folded_bias(c, a, oc) : 0.0f;
}

/* NCHW input for inputs narrower than one block: the RGB stem reads the network's input
 * as it is, and no multiply is wasted on padding channels. */
static int64_t lanes_of(const ib_desc *d)
{
    return d->conv.ic < IB_NEON_V ? 1 : IB_NEON_V;
}

static size_t conv_packed_bytes(const ib_desc *d)
{
    ib_neon_conv_pack p;
    ib_neon_conv_pack_plan(&d->conv, lanes_of(d), &p);
    return (size_t)p.total * sizeof(float);
}

static void conv_pack(const ib_desc *d, const ib_args *nchw, void *packed)
{
    ib_neon_conv_pack_weights(&d->conv, lanes_of(d), nchw, packed);
}

/* A 1x1 stride-1 convolution without padding maps output pixel k to input pixel k: the
 * image is then one long row, so that tiles run across row ends. */
static ib_conv_desc flattened(const ib_conv_desc *c)
{
    ib_conv_desc f = *c;
    if (c->kh == 1 && c->kw == 1 && c->sh == 1 && c->sw == 1 && c->pt == 0 && c->pb == 0 &&
        c->pl == 0 && c->pr == 0) {
        f.iw = f.ow = c->ih * c->iw;
        f.ih = f.oh = 1;
    }
    return f;
}

enum { CHUNK = 48 }; /* output columns per work item: a multiple of every pmax */

/* The driver shared by both input layouts: work items are (image, oc group, output row,
 * column chunk); within a row the columns whose taps are all inside the input run in full
 * tiles of pmax pixels, the others one by one with their taps clipped. */
static void conv_run(const ib_desc *d, const float *packed, const float *src, float *dst,
                     const ib_neon_conv_kernel *k)
{
    const ib_conv_desc f = flattened(&d->conv), *c = &f;
    ib_neon_conv_pack p;
    ib_neon_conv_pack_plan(c, k->L, &p);
    const int64_t V = IB_NEON_V, gs = ib_neon_conv_group_stride(c, &p);
    const int64_t in_kw = k->L == V ? V : 1;
    const int64_t in_icg = c->ih * c->iw * in_kw, in_img = p.icg * in_icg;
    const int64_t out_blk = c->oh * c->ow * V, out_img = p.ocb * out_blk;
    const int64_t nchunk = (c->ow + CHUNK - 1) / CHUNK;
    const int64_t items = c->n * p.ngroups * c->oh * nchunk;
    const ib_neon_cols cols = ib_neon_conv_cols(c);

#pragma omp parallel for schedule(static)
    for (int64_t it = 0; it < items; it++) {
        const int64_t chunk = it % nchunk, oy = it / nchunk % c->oh;
        const int64_t g = it / nchunk / c->oh % p.ngroups, n = it / nchunk / c->oh / p.ngroups;
        const int64_t nb = ib_neon_min(IB_NEON_CONV_B, p.ocb - g * IB_NEON_CONV_B);
        const int64_t w_kw = k->L * V * nb;
        int64_t iy0, ky0, ky1;
        ib_neon_taps(oy, c->sh, c->pt, c->kh, c->ih, &iy0, &ky0, &ky1);
        ib_neon_tile_args t = {
            .nicg = p.icg,
            .nkh = ky1 - ky0,
            .in_icg = in_icg,
            .in_row = c->iw * in_kw,
            .in_pix = c->sw * in_kw,
            .in_kw = in_kw,
            .w_icg = c->kh * c->kw * w_kw,
            .w_kh = c->kw * w_kw,
            .out_blk = out_blk,
            .epi = ib_neon_conv_epi(c, packed, &p, g),
        };
        const int64_t end = ib_neon_min(c->ow, (chunk + 1) * CHUNK);
        for (int64_t ox = chunk * CHUNK; ox < end;) {
            int64_t ix0, kx0 = 0, kx1 = c->kw, np = 1;
            if (ox >= cols.lo && ox < cols.hi) {
                ix0 = ox * c->sw - c->pl;
                np = ib_neon_min(k->pmax, ib_neon_min(end, cols.hi) - ox);
            } else {
                ib_neon_taps(ox, c->sw, c->pl, c->kw, c->iw, &ix0, &kx0, &kx1);
            }
            t.nkw = kx1 - kx0;
            /* Only a tap that exists is ever addressed. */
            t.in = t.nkh > 0 && t.nkw > 0
                       ? src + n * in_img + ((iy0 + ky0) * c->iw + ix0 + kx0) * in_kw
                       : src;
            t.w = packed + g * gs + (t.nkh > 0 && t.nkw > 0 ? (ky0 * c->kw + kx0) * w_kw : 0);
            t.out = dst + n * out_img + g * IB_NEON_CONV_B * out_blk + (oy * c->ow + ox) * V;
            k->fn[(nb - 1) * k->pmax + (np - 1)](&t);
            ox += np;
        }
    }
}

static void conv_nchw4c_exec(const ib_desc *d, const void *packed, const float *const *src,
                             float *const *dst)
{
    conv_run(d, packed, src[0], dst[0], &ib_neon_conv_kernel_nchw4c);
}

static void conv_nchw_exec(const ib_desc *d, const void *packed, const float *const *src,
                           float *const *dst)
{
    conv_run(d, packed, src[0], dst[0], &ib_neon_conv_kernel_nchw);
}

static const ib_native conv_nchw4c_native = {
    .kernel = "conv_nchw4c_4x6__neon",
    .src_layout = IB_LAYOUT_NCHW4C,
    .dst_layout = IB_LAYOUT_NCHW4C,
    .packed_bytes = conv_packed_bytes,
    .pack = conv_pack,
    .exec = conv_nchw4c_exec,
};

static const ib_native conv_nchw_native = {
    .kernel = "conv_nchw_4x4__neon",
    .src_layout = IB_LAYOUT_NCHW,
    .dst_layout = IB_LAYOUT_NCHW4C,
    .packed_bytes = conv_packed_bytes,
    .pack = conv_pack,
    .exec = conv_nchw_exec,
};

static const ib_native *conv_choose(const ib_desc *d)
{
    return lanes_of(d) == 1 ? &conv_nchw_native : &conv_nchw4c_native;
}

const ib_impl ib_neon_conv_impl = {
    .name = "neon",
    .op = IB_OP_CONV,
    .isa = IB_ISA_NEON,
    .supports = ib_supports_all, /* every kernel size, stride, padding, channel count */
    .native = conv_choose,
};
