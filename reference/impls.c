/* The scalar reference as an implementation ("ref") of every layer type: NCHW native kernels. */
#include "kernels/impl.h"
#include "kernels/native.h"
#include "reference/reference.h"

static int ref_supports(const ib_desc *d, const char **why)
{
    (void)d;
    (void)why;
    return 1; /* the reference runs every validated descriptor */
}

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

/* Per op: a native kernel named "ref_<tag>" and the impl ib_ref_<tag>_impl listed in impls.inc. */
#define IB_REF_IMPL(tag, OP)                                                                       \
    static const ib_native ref_##tag##_native = {                                                  \
        .kernel = "ref_" #tag,                                                                     \
        .src_layout = IB_LAYOUT_NCHW,                                                              \
        .dst_layout = IB_LAYOUT_NCHW,                                                              \
        .packed_bytes = ib_plain_packed_bytes,                                                     \
        .pack = ib_plain_pack,                                                                     \
        .exec = ref_exec,                                                                          \
    };                                                                                             \
    static const ib_native *ref_##tag##_choose(const ib_desc *d)                                   \
    {                                                                                              \
        (void)d;                                                                                   \
        return &ref_##tag##_native;                                                                \
    }                                                                                              \
    const ib_impl ib_ref_##tag##_impl = {                                                          \
        .name = "ref",                                                                             \
        .op = OP,                                                                                  \
        .isa = IB_ISA_SCALAR,                                                                      \
        .kind = IB_KIND_REFERENCE,                                                                 \
        .supports = ref_supports,                                                                  \
        .native = ref_##tag##_choose,                                                              \
    };

#define IB_OP_ENTRY(ID, name) IB_REF_IMPL(name, IB_OP_##ID)
#include "ops/ops.inc"
#undef IB_OP_ENTRY
