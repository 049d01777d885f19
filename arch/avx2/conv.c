/* AVX2 direct convolution: registration (one design, two source layouts). */
#include "arch/avx2/conv.h"

/* One design, one packing and exec: the kinds differ in the source layout and the tile body
 * (conv.h's ib_avx2_conv_kind); each name carries layout, main tile and ISA. */
#define CONV_NATIVE(NAME, SRC)                                                                     \
    {                                                                                              \
        .kernel = "conv_" NAME "_" IB_AVX2_CONV_TILE_NAME "__avx2", .src_layout = SRC,             \
        .dst_layout = IB_LAYOUT_NCHW8C, .packed_bytes = ib_avx2_conv_packed_bytes,                 \
        .pack = ib_avx2_conv_pack, .exec = ib_avx2_conv_exec, .describe = ib_avx2_conv_describe,   \
    }
/* Blocked nChw8c in and out; packed OIhw8i8o weights interleaved per oc group. */
static const ib_native conv_nchw8c = CONV_NATIVE("nchw8c", IB_LAYOUT_NCHW8C);
/* 1x1, stride 1, no padding: the matrix multiply over contiguous pixels. */
static const ib_native conv_nchw8c_1x1 = CONV_NATIVE("nchw8c_1x1", IB_LAYOUT_NCHW8C);
/* Fewer than 8 input channels (the stem): plain NCHW in, nChw8c out. */
static const ib_native conv_nchw_nchw8c = CONV_NATIVE("nchw_to_nchw8c", IB_LAYOUT_NCHW);

/* Every validated convolution: any kernel, stride, padding and channel count. */
static int conv_supports(const ib_desc *d, const char **why)
{
    if (d->op != IB_OP_CONV) {
        if (why)
            *why = "not a convolution";
        return 0;
    }
    return 1;
}

static const ib_native *conv_native(const ib_desc *d)
{
    if (ib_avx2_conv_plain(&d->conv))
        return &conv_nchw_nchw8c;
    return ib_avx2_conv_pointwise(&d->conv) ? &conv_nchw8c_1x1 : &conv_nchw8c;
}

const ib_impl ib_avx2_conv_impl = {
    .name = "avx2",
    .op = IB_OP_CONV,
    .isa = IB_ISA_AVX2,
    .supports = conv_supports,
    .native = conv_native,
};
