/* incbench peak: FMA peak per ISA and STREAM-triad bandwidth, on one and on all threads. */
#include <omp.h>
#include <stdio.h>

#include "cli/commands.h"
#include "core/isa.h"
#include "harness/peak.h"
#include "harness/peak_probes.h"
#include "harness/run_common.h"
#include "report/results.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench peak [--threads N] [--out DIR]\n\n"
               "Measures the fp32 FMA peak of each ISA usable here (scalar multiply-add; AVX2+FMA\n"
               "and AVX-512 on x86-64, NEON on AArch64) and the STREAM-triad memory bandwidth, on\n"
               "one thread and on all threads (--threads, default every CPU). bench, factor and\n"
               "net measure the same probes in their own run and report percent of the peak of\n"
               "the ISA each implementation uses, at the thread count it ran with.\n\n");
    ib_run_opts_help(f, IB_CMD_BIT(peak));
}

static const ib_cmd_spec spec = IB_CMD_SPEC(peak, 0, 0, usage);

int ib_cmd_peak(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "peak");
    int rc = ib_run_opts_parse(&o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
    const int all = ib_run_opts_threads(&o);
    const ib_cpu *cpu = ib_cpu_get();
    FILE *csv = o.out ? ib_results_open(o.out, "peak.csv") : NULL;
    if (o.out && !csv)
        return 2;
    if (csv)
        fprintf(csv, "probe,threads,value,unit\n");
    printf("CPU: %s, %d logical CPUs, ISA cap %s\n", cpu->model, cpu->cores, ib_isa_name(cpu->cap));
    printf("%-22s %14s %14s\n", "probe", "1 thread", "threads");
    /* the probes of the ISAs this build compiles */
    const int nisa = ib_isa_count();
    for (int i = 0; i < nisa; i++) {
        const ib_isa isa = ib_isa_at(i)->isa;
        const char *why = NULL;
        if (!ib_isa_usable(isa, &why)) {
            printf("%-22s %s\n", ib_isa_name(isa), why ? why : "not usable here");
            continue;
        }
        ib_progress(&o, i + 1, nisa + 1, "FMA peak, %s", ib_isa_name(isa));
        double p1 = ib_peak_fma(isa, 1), pn = ib_peak_fma(isa, all);
        char nm[40];
        snprintf(nm, sizeof nm, "%s", ib_peak_fma_probe_name(isa));
        printf("%-22s %9.1f GF/s %9.1f GF/s (%d)\n", nm, p1 * 1e-9, pn * 1e-9, all);
        if (csv)
            fprintf(csv, "%s,1,%.6e,FLOP/s\n%s,%d,%.6e,FLOP/s\n", nm, p1, nm, all, pn);
    }
    ib_progress(&o, nisa + 1, nisa + 1, "STREAM triad");
    double b1 = ib_peak_triad(1), bn = ib_peak_triad(all);
    printf("%-22s %9.1f GB/s %9.1f GB/s (%d)\n", "stream-triad", b1 * 1e-9, bn * 1e-9, all);
    printf("(harness/peak.h's single-thread probe, %s: %.1f GF/s)\n", ib_peak_probe_name(),
           ib_peak_flops_1t() * 1e-9);
    if (csv) {
        fprintf(csv, "stream-triad,1,%.6e,B/s\nstream-triad,%d,%.6e,B/s\n", b1, all, bn);
        fclose(csv);
    }
    return 0;
}
