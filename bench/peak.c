/* Single-thread FMA peak for the driver's percent-of-peak: the AVX2 probe where AVX2+FMA is
 * usable, else the portable one; bench/peak_probes.c measures and caches both. */
#include "bench/peak.h"

#include <stddef.h>

#include "bench/peak_probes.h"

static ib_isa peak_isa(void)
{
    return ib_isa_usable(IB_ISA_AVX2, NULL) ? IB_ISA_AVX2 : IB_ISA_SCALAR;
}

double ib_peak_flops_1t(void)
{
    return ib_peak_fma(peak_isa(), 1);
}

const char *ib_peak_probe_name(void)
{
    return peak_isa() == IB_ISA_AVX2 ? "avx2-fma" : "scalar";
}
