/* Measured single-thread fp32 FMA peak, the denominator of the driver's percent-of-peak. */
#ifndef IB_BENCH_PEAK_H
#define IB_BENCH_PEAK_H

/* FLOP/s of one thread running independent FMA chains (AVX2+FMA when the hardware has it,
 * else a scalar multiply-add loop). Measured on the first call (tens of milliseconds), then
 * cached. */
double ib_peak_flops_1t(void);

/* Which probe produced it: "avx2-fma" or "scalar". */
const char *ib_peak_probe_name(void);

#endif
