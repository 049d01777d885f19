/* libxsmm family: what its files share (target choice, vector block, per-channel epilogue). */
#ifndef IB_XSMM_H
#define IB_XSMM_H

#include <stdint.h>

#include "core/impl.h"

/* Channel block of the activations (nChw16c) for both of libxsmm's x86 targets: the GEMM's M.
 * On AVX-512 one zmm holds it and libxsmm blocks up to 30 output pixels (N) in registers. On
 * AVX2 libxsmm 1.17 blocks at most 3 columns (N), so M = 8 would leave 3 accumulators and
 * M = 16 gives 6 (measured: nChw8c was 2.2x slower than nChw16c under LIBXSMM_TARGET=hsw). */
enum { IB_XSMM_V = 16 };

/* Before the first dispatch: caps libxsmm's code generation at AVX2 when INCBENCH_ISA=avx2
 * (one variable caps every family, as it caps oneDNN). Idempotent, thread-safe. */
void ib_xsmm_init(void);
/* libxsmm's name for the code it generates: "hsw", "skx", "cpx", ... */
const char *ib_xsmm_target(void);

/* y[p][v] (p < npix, v < V, channel c0+v) = relu(y + bias), each part only when asked (a NULL
 * bias is skipped): the folded convolution's epilogue, a batch-norm being in weights and bias. */
void ib_xsmm_epilogue(float *y, int64_t npix, int V, const float *bias, int relu);

/* Aligned size for a header at the start of a packed block. */
static inline size_t ib_xsmm_round64(size_t b)
{
    return (b + 63) / 64 * 64;
}

#endif
