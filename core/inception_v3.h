/* The Inception-v3 layer table: torchvision's inception_v3 in eval mode, 299x299, batch n. */
#ifndef IB_INCEPTION_V3_H
#define IB_INCEPTION_V3_H

#include "core/desc.h"

typedef struct ib_layer {
    char name[64];          /* torchvision module path, e.g. "Mixed_6b.branch7x7_2" */
    int aux;                /* part of the auxiliary classifier (AuxLogits) */
    int identity;           /* dropout in eval mode: output = input; desc unused */
    ib_desc desc;           /* validated */
    int nsrc;               /* producers of this layer's inputs, in order */
    int src[IB_CONCAT_MAX]; /* indices into the table; -1 = the network input */
} ib_layer;

typedef struct ib_net {
    int count;
    ib_layer *layers; /* forward order */
    int64_t batch;
} ib_net;

/* Builds the table for batch n (every conv is conv(bias=False) -> BN(eps=0.001) -> ReLU,
 * represented as one conv with a folded scale/shift and ReLU). */
ib_status ib_inception_v3_build(int64_t batch, ib_net *net, ib_err *e);
void ib_net_free(ib_net *net);

/* Inception-v3's BasicConv2d as one descriptor: conv(bias=False) on an n x ic x ih x iw input,
 * BatchNorm folded into a scale/shift, then ReLU; the table and the factorization forms build
 * their convolutions with it. */
ib_desc ib_basic_conv(int64_t n, int64_t ic, int64_t ih, int64_t iw, int64_t oc, int64_t kh,
                      int64_t kw, int64_t stride, int64_t pt, int64_t pb, int64_t pl, int64_t pr);

/* Totals over the table, with or without the auxiliary classifier. */
typedef struct ib_net_totals {
    int64_t macs, params, convs;
} ib_net_totals;
void ib_net_totals_of(const ib_net *net, int with_aux, ib_net_totals *t);

/* torchvision's published figures (Inception_V3_Weights.IMAGENET1K_V1). */
#define IB_TORCHVISION_PARAMS_WITH_AUX 27161264LL
#define IB_TORCHVISION_PARAMS_NO_AUX 23834568LL

#endif
