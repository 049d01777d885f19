/* ib_ref_run: the reference for any layer type, by descriptor op. */
#include "reference/reference.h"

void ib_ref_run(const ib_desc *d, const ib_args *a)
{
    switch (d->op) {
    case IB_OP_CONV:
        ib_ref_conv(&d->conv, a);
        break;
    case IB_OP_BN:
        ib_ref_bn(&d->bn, a);
        break;
    case IB_OP_RELU:
        ib_ref_relu(&d->relu, a);
        break;
    case IB_OP_MAXPOOL:
        ib_ref_maxpool(&d->pool, a);
        break;
    case IB_OP_AVGPOOL:
        ib_ref_avgpool(&d->pool, a);
        break;
    case IB_OP_CONCAT:
        ib_ref_concat(&d->concat, a);
        break;
    case IB_OP_GAP:
        ib_ref_gap(&d->gap, a);
        break;
    case IB_OP_FC:
        ib_ref_fc(&d->fc, a);
        break;
    case IB_OP_SOFTMAX:
        ib_ref_softmax(&d->softmax, a);
        break;
    case IB_OP_LSLOSS:
        ib_ref_lsloss(&d->lsloss, a);
        break;
    case IB_OP_COUNT:
        break; /* not an op; a validated descriptor never has it */
    }
}
