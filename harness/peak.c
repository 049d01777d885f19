/* Single-thread FMA peak of the best ISA usable here (under the INCBENCH_ISA cap), for
 * incbench peak's summary line; harness/peak_probes.c measures and caches every probe. */
#include "harness/peak.h"

#include <stddef.h>

#include "harness/peak_probes.h"

static ib_isa peak_isa(void)
{
    const ib_cpu *cpu = ib_cpu_get();
    return ib_isa_usable(cpu->cap, NULL) ? cpu->cap : IB_ISA_SCALAR;
}

double ib_peak_flops_1t(void)
{
    return ib_peak_fma(peak_isa(), 1);
}

const char *ib_peak_probe_name(void)
{
    return ib_peak_fma_probe_name(peak_isa());
}
