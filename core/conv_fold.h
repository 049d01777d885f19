/* Batch-norm folded into a convolution, as inference stacks deploy it: one helper for every pack.
 */
#ifndef IB_CONV_FOLD_H
#define IB_CONV_FOLD_H

#include <stdint.h>

#include "core/desc.h"

/* A descriptor's epilogue acc (+ bias) -> * scale + shift -> relu equals, in exact arithmetic,
 * a convolution with weights w * scale[oc] and bias bias * scale[oc] + shift[oc], then relu.
 * Packing into that form once (untimed) leaves the timed call conv + bias (+ ReLU), the path
 * oneDNN, TensorRT and TFLite run. In fp32 it rounds differently from the reference in general;
 * with scales that are powers of two (the verifier's fills) every step is exact, so results
 * still equal the reference bit for bit. */

/* The folded convolution's descriptor: a bias when it had one or a batch-norm, no scale. */
ib_conv_desc ib_conv_folded(const ib_conv_desc *c);

/* Weight (oc, ic, tap) of the folded convolution, tap = ky * kw + kx, from the NCHW arguments
 * (in[1] weights, in[3] scale): w * scale[oc], or w when there is no batch-norm. */
float ib_conv_folded_weight(const ib_conv_desc *c, const ib_args *a, int64_t oc, int64_t ic,
                            int64_t tap);

/* Bias of output channel oc of the folded convolution: bias * scale + shift, the shift alone
 * without a bias, the bias alone without a batch-norm, 0 without either. */
float ib_conv_folded_bias(const ib_conv_desc *c, const ib_args *a, int64_t oc);

/* The whole folded convolution in its NCHW form, for peers that read user arrays: w gets
 * oc*ic*kh*kw floats (OIHW), bias oc floats (may be NULL when the folded form has none). */
void ib_conv_fold(const ib_conv_desc *c, const ib_args *a, float *w, float *bias);

#endif
