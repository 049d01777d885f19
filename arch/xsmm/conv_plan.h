/* libxsmm convolution: the plan (layout, batch-reduce passes, dispatched kernels) that
 * supports, pack and exec share; it is stored at the head of the packed block. */
#ifndef IB_XSMM_CONV_PLAN_H
#define IB_XSMM_CONV_PLAN_H

#include <libxsmm.h>
#include <stdint.h>

#include "core/desc.h"

/* Passes per output row at most (taps grouped by the output columns they reach: 1 for an
 * unpadded row, kw at most) and batch entries per kernel call (offset arrays on the stack). */
enum { XC_MAXPASS = 16, XC_CHUNK = 512, XC_FLAT_PB = 256 };

/* One pass over an output row: the kernel columns s in [s0, s1) (step 1, all reaching the
 * same output columns x0 .. x0+len-1) for every input channel (block) and kernel row. */
typedef struct xc_pass {
    int64_t x0, len, s0, s1;
    libxsmm_smmfunction_reducebatch_offs k[2]; /* beta 0, beta 1 */
} xc_pass;

typedef struct xc_plan {
    int V;        /* channel block of dst (and of src, except for few input channels) */
    int flat;     /* 1x1, stride 1, no padding, blocked: the image as one pixel row */
    int cover;    /* pass 0 reaches every output column (so it starts from beta 0) */
    int64_t ncin; /* input channel blocks */
    int64_t ocb, taps;
    int64_t kdim; /* GEMM K per batch entry: the input channel block, V or 4 */
    int64_t ablk; /* floats of weights per (output block, channel, tap): V*kdim */
    int64_t wfloats;
    int64_t bc, bp; /* src floats between two batch channels, between two pixels */
    int64_t src_img, dst_img, dst_blk;
    int npass;
    xc_pass pass[XC_MAXPASS];
    /* flat: npb pixel blocks of pb (the last one shorter: tail) */
    int64_t pb, npb, tail;
    libxsmm_smmfunction_reducebatch_strd fk[2]; /* pb, tail */
} xc_plan;

#endif
