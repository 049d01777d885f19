/* The peak probes: every FMA probe usable here (the NEON one too, under qemu) and the STREAM
 * triad give a positive finite rate, at one and at two threads; unusable ISAs give 0. Only
 * plausibility: emulation and a shared machine say nothing about the values. */
#include <math.h>
#include <stdio.h>

#include "core/cpu.h"
#include "harness/peak_probes.h"
#include "tests/check.h"

int main(void)
{
    int probed = 0;
    for (int i = 0; i < IB_ISA_COUNT; i++) {
        const ib_isa isa = (ib_isa)i;
        const char *why = NULL;
        const int usable = isa == IB_ISA_SCALAR || ib_isa_usable(isa, &why);
        for (int threads = 1; threads <= 2; threads++) {
            const double p = ib_peak_fma(isa, threads);
            if (usable)
                ib_check(p > 0 && isfinite(p), "%s at %d thread(s): %g FLOP/s, want > 0",
                         ib_peak_fma_probe_name(isa), threads, p);
            else
                ib_check(p == 0, "%s is not usable here (%s) but measured %g",
                         ib_peak_fma_probe_name(isa), why ? why : "?", p);
        }
        if (usable) {
            printf("%s: %.1f GFLOP/s (1 thread)\n", ib_peak_fma_probe_name(isa),
                   ib_peak_fma(isa, 1) * 1e-9);
            probed++;
        }
    }
#if defined(__aarch64__)
    ib_check(ib_isa_usable(IB_ISA_NEON, NULL) && ib_peak_fma(IB_ISA_NEON, 1) > 0,
             "AArch64: the NEON probe runs");
#endif
    ib_check(probed >= 2, "%d probes usable here, want scalar and a vector ISA", probed);
    /* a working set of 3 MiB: quick, and in or near cache */
    const double t = ib_peak_triad_bytes(3.0 * 1024 * 1024, 1);
    ib_check(t > 0 && isfinite(t), "STREAM triad over 3 MiB: %g B/s, want > 0", t);
    ib_check(ib_peak_fma(IB_ISA_COUNT, 1) == 0 && ib_peak_fma(IB_ISA_SCALAR, 0) == 0,
             "an unknown ISA or 0 threads measure nothing");
    printf("test_peak: ");
    return ib_check_done();
}
