/* The scalar reference: NCHW fp32, plain loops written for clarity. It is the oracle. */
#ifndef IB_REFERENCE_H
#define IB_REFERENCE_H

#include "core/desc.h"

/* Each takes a validated descriptor and the arguments laid out as in core/desc.h. */
void ib_ref_conv(const ib_conv_desc *d, const ib_args *a);
void ib_ref_bn(const ib_bn_desc *d, const ib_args *a);
void ib_ref_relu(const ib_eltwise_desc *d, const ib_args *a);
void ib_ref_maxpool(const ib_pool_desc *d, const ib_args *a);
void ib_ref_avgpool(const ib_pool_desc *d, const ib_args *a);
void ib_ref_concat(const ib_concat_desc *d, const ib_args *a);
void ib_ref_gap(const ib_eltwise_desc *d, const ib_args *a);
void ib_ref_fc(const ib_fc_desc *d, const ib_args *a);
void ib_ref_softmax(const ib_softmax_desc *d, const ib_args *a);
void ib_ref_lsloss(const ib_lsloss_desc *d, const ib_args *a);

/* Any layer type, through its traits (ops/ops.c). */
void ib_ref_run(const ib_desc *d, const ib_args *a);

#endif
