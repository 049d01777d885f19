/* Layer descriptors: one plain-data struct per layer type, validated by one function each. */
#ifndef IB_DESC_H
#define IB_DESC_H

#include <stdint.h>

#include "core/status.h"

/* The layer types, listed once in ops/ops.inc; everything the core knows about each is in
 * its traits (ops/op_traits.h). */
typedef enum ib_op {
#define IB_OP_ENTRY(ID, name) IB_OP_##ID,
#include "ops/ops.inc"
#undef IB_OP_ENTRY
    IB_OP_COUNT
} ib_op;

/* Convolution, NCHW semantics (cross-correlation, as in every framework).
 * Epilogue order: acc (+ bias[oc]) -> * scale[oc] + shift[oc] (folded batch-norm) -> max(.,0).
 * The reference applies it as written; implementations fold scale and shift into weights and
 * bias when they pack (core/conv_fold.h), as inference stacks do. */
typedef struct ib_conv_desc {
    int64_t n, ic, ih, iw, oc, kh, kw, sh, sw;
    int64_t pt, pb, pl, pr; /* zero padding: top, bottom, left, right */
    int has_bias;
    int has_scale_shift; /* folded batch-norm */
    int relu;
    int64_t oh, ow; /* derived by ib_conv_validate */
} ib_conv_desc;

/* Max and average pooling. Max ignores padded taps (they act as -inf) and propagates NaN.
 * Average: count_include_pad=1 divides by kh*kw, 0 by the taps that lie inside the input. */
typedef struct ib_pool_desc {
    int64_t n, c, ih, iw, kh, kw, sh, sw;
    int64_t pt, pb, pl, pr;
    int count_include_pad; /* avgpool only */
    int64_t oh, ow;        /* derived */
} ib_pool_desc;

/* y = (x - mean[c]) / sqrt(var[c] + eps) * gamma[c] + beta[c] */
typedef struct ib_bn_desc {
    int64_t n, c, h, w;
    float eps; /* torchvision's Inception-v3 uses 0.001 */
} ib_bn_desc;

typedef struct ib_eltwise_desc {
    int64_t n, c, h, w;
} ib_eltwise_desc; /* relu, gap (output n x c x 1 x 1) */

enum { IB_CONCAT_MAX = 8 };
typedef struct ib_concat_input {
    int64_t c, h, w;
} ib_concat_input;
typedef struct ib_concat_desc {
    int64_t n;
    int ninputs;
    ib_concat_input in[IB_CONCAT_MAX];
    int64_t oc, oh, ow; /* derived: sum of channels; the common height and width */
} ib_concat_desc;

/* dst[n][oc] = sum_ic src[n][ic] * w[oc][ic] (+ bias[oc]) */
typedef struct ib_fc_desc {
    int64_t n, ic, oc;
    int has_bias;
} ib_fc_desc;

/* softmax over c for each of n rows */
typedef struct ib_softmax_desc {
    int64_t n, c;
} ib_softmax_desc;

/* Label-smoothing cross-entropy over n rows of c logits, target q = (1-eps)*onehot + eps/c.
 * loss = mean over rows of -sum_c q log softmax(x); grad = (softmax(x) - q) / n. */
typedef struct ib_lsloss_desc {
    int64_t n, c;
    float eps; /* default 0.1 (IB_LSLOSS_DEFAULT_EPS) */
} ib_lsloss_desc;
#define IB_LSLOSS_DEFAULT_EPS 0.1f

typedef struct ib_desc {
    ib_op op;
    union {
        ib_conv_desc conv;
        ib_pool_desc pool; /* maxpool and avgpool */
        ib_bn_desc bn;
        ib_eltwise_desc relu;
        ib_concat_desc concat;
        ib_eltwise_desc gap;
        ib_fc_desc fc;
        ib_softmax_desc softmax;
        ib_lsloss_desc lsloss;
    };
} ib_desc;

const char *ib_op_name(ib_op op);                 /* "conv", "bn", "relu", "maxpool", ... */
int ib_op_from_name(const char *name, ib_op *op); /* 1 found, 0 unknown */

/* Validation: refuses zero/negative sizes, zero stride, negative padding, a kernel larger
 * than the padded input, overflowing sizes, ...; fills the derived fields. The message
 * names the bad field. A kernel may assume a validated descriptor. */
ib_status ib_conv_validate(ib_conv_desc *d, ib_err *e);
ib_status ib_pool_validate(ib_pool_desc *d, ib_err *e);
ib_status ib_bn_validate(ib_bn_desc *d, ib_err *e);
ib_status ib_relu_validate(ib_eltwise_desc *d, ib_err *e);
ib_status ib_concat_validate(ib_concat_desc *d, ib_err *e);
ib_status ib_gap_validate(ib_eltwise_desc *d, ib_err *e);
ib_status ib_fc_validate(ib_fc_desc *d, ib_err *e);
ib_status ib_softmax_validate(ib_softmax_desc *d, ib_err *e);
ib_status ib_lsloss_validate(ib_lsloss_desc *d, ib_err *e);
ib_status ib_desc_validate(ib_desc *d, ib_err *e); /* through the op's traits */

/* Arguments, all NCHW fp32 unless said otherwise. Per op:
 *   conv:    in[0] src (n,ic,ih,iw)  in[1] weights (oc,ic,kh,kw)  in[2] bias (oc) or NULL
 *            in[3] scale (oc), in[4] shift (oc) or NULL           out[0] dst (n,oc,oh,ow)
 *   bn:      in[0] src  in[1] gamma  in[2] beta  in[3] mean  in[4] var    out[0] dst
 *   relu, maxpool, avgpool, gap: in[0] src                            out[0] dst
 *   concat:  in[0 .. ninputs-1]                                        out[0] dst
 *   fc:      in[0] src (n,ic)  in[1] weights (oc,ic)  in[2] bias or NULL  out[0] dst (n,oc)
 *   softmax: in[0] src (n,c)                                           out[0] dst (n,c)
 *   lsloss:  in[0] logits (n,c), labels (n, int32 in 0..c-1)   out[0] loss (1)  out[1] grad (n,c)
 */
enum { IB_MAX_IN = 8, IB_MAX_OUT = 2 };
typedef struct ib_args {
    const float *in[IB_MAX_IN];
    const int32_t *labels;
    float *out[IB_MAX_OUT];
} ib_args;

/* Shapes of the arguments of a validated descriptor, as n,c,h,w (a vector is c with n=h=w=1;
 * an absent optional argument has all four 0). "data" marks activations, which an
 * implementation may keep in its own layout; the others are parameters (packed untimed). */
typedef struct ib_dims {
    int64_t n, c, h, w;
} ib_dims;
typedef struct ib_arg_shapes {
    int nin, nout;
    ib_dims in[IB_MAX_IN];
    int in_is_data[IB_MAX_IN];
    ib_dims out[IB_MAX_OUT];
    int64_t nlabels;  /* lsloss: n, else 0 */
    int64_t nclasses; /* labels lie in 0 .. nclasses-1 */
} ib_arg_shapes;
void ib_arg_shapes_of(const ib_desc *d, ib_arg_shapes *s);
int64_t ib_dims_count(ib_dims d); /* n*c*h*w (validated, so no overflow) */

/* Work per run of a validated descriptor. */
typedef struct ib_work {
    int64_t macs;        /* nominal multiply-adds (conv, fc) */
    int64_t macs_nonpad; /* those whose input tap is not in the zero padding */
    int64_t
        flops; /* 2*macs for conv/fc (the epilogue is not counted); elementwise ops count theirs */
    int64_t flops_exec; /* executed: 2*macs_nonpad for conv/fc (padding taps left out), else flops;
                           the base of every GFLOP/s and %peak the driver prints */
    int64_t bytes_read, bytes_written; /* compulsory traffic of inputs, parameters and outputs */
    int64_t params; /* learnable parameters: weights, bias, folded bn scale+shift, gamma+beta */
} ib_work;
void ib_desc_work(const ib_desc *d, ib_work *w);

/* One-line benchdnn-like text of a descriptor, e.g.
 * "mb1ic192ih35iw35oc64oh35ow35kh1kw1sh1sw1pt0pb0pl0pr0". Returns buf. */
const char *ib_desc_str(const ib_desc *d, char *buf, int len);

#endif
