/* Measured single-thread fp32 FMA peak of the best ISA usable here. */
#ifndef IB_BENCH_PEAK_H
#define IB_BENCH_PEAK_H

/* FLOP/s of one thread running independent FMA chains of the best ISA under the
 * INCBENCH_ISA cap (a scalar multiply-add loop where no vector ISA is usable). Measured on
 * the first call (tens of milliseconds), then cached. */
double ib_peak_flops_1t(void);

/* Which probe produced it: "fma-avx512", "fma-avx2", "fma-neon" or "fma-scalar". */
const char *ib_peak_probe_name(void);

#endif
