/* Peak probes: FMA peak per ISA (scalar, AVX2, AVX-512, NEON) at a given thread count, and
 * STREAM-triad memory bandwidth at a given thread count. */
#ifndef IB_BENCH_PEAK_PROBES_H
#define IB_BENCH_PEAK_PROBES_H

#include "core/cpu.h"

/* FLOP/s of independent FMA chains of isa's width on threads threads (1 or more); 0 when the
 * ISA is not usable here. Measured on first use, then cached per (isa, threads). */
double ib_peak_fma(ib_isa isa, int threads);

/* The name of isa's FMA probe as reports print it: "fma-avx512", "fma-neon", ... */
const char *ib_peak_fma_probe_name(ib_isa isa);

/* Bytes/s of the STREAM triad a[i] = b[i] + s*c[i] over arrays far larger than the caches
 * (24 bytes per element counted, as STREAM does); cached per thread count. 0 on failure. */
double ib_peak_triad(int threads);

/* The same triad over a working set of about bytes (3 arrays), so that a memory-bound kernel
 * can be compared with it at its own size, in cache or not; measured on each call. */
double ib_peak_triad_bytes(double bytes, int threads);

#endif
