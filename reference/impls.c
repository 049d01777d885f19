/* The scalar reference as an implementation ("ref") of every layer type: NCHW native kernels. */
#include "core/impl.h"
#include "core/native.h"
#include "reference/reference.h"

/* One exec for every op: the data inputs come from src in order, the parameters from the
 * plain-packed block, and ib_ref_run does the work. */
static void ref_exec(const ib_desc *d, const void *packed, const float *const *src,
                     float *const *dst)
{
    ib_arg_shapes s;
    ib_args a = {0};
    int k = 0;

    ib_arg_shapes_of(d, &s);
    for (int i = 0; i < s.nin; i++)
        a.in[i] = s.in_is_data[i] ? src[k++] : ib_plain_param(d, packed, i);
    if (s.nlabels > 0)
        a.labels = ib_plain_labels(d, packed);
    for (int j = 0; j < s.nout; j++)
        a.out[j] = dst[j];
    ib_ref_run(d, &a);
}

/* Per op: a native kernel named "ref_<tag>" and the impl ib_ref_<tag>_impl listed in impls.inc;
 * the reference runs every validated descriptor. */
#define IB_REF_IMPL(tag, OP)                                                                       \
    static const ib_native ref_##tag##_native = {                                                  \
        .kernel = "ref_" #tag,                                                                     \
        .src_layout = IB_LAYOUT_NCHW,                                                              \
        .dst_layout = IB_LAYOUT_NCHW,                                                              \
        .packed_bytes = ib_plain_packed_bytes,                                                     \
        .pack = ib_plain_pack,                                                                     \
        .exec = ref_exec,                                                                          \
    };                                                                                             \
    IB_NATIVE_ALWAYS(ref_##tag##_choose, ref_##tag##_native)                                       \
    IB_IMPL_NATIVE(ib_ref_##tag##_impl, "ref", OP, IB_ISA_SCALAR, ib_supports_all,                 \
                   ref_##tag##_choose, .kind = IB_KIND_REFERENCE);

#define IB_OP_ENTRY(ID, name) IB_REF_IMPL(name, IB_OP_##ID)
#include "ops/ops.inc"
#undef IB_OP_ENTRY
