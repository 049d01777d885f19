/* incbench all: the main job (make bench): peak, verify, factor with a sweep, net and the
 * HTML report, into a new results folder; a readable summary on the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/isa.h"
#include "harness/peak_probes.h"
#include "harness/run_common.h"
#include "harness/run_info.h"
#include "report/report.h"
#include "report/results.h"
#include "studies/factor.h"
#include "studies/net.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: incbench all [--quick] [--out DIR] [options]\n\n"
               "The main job ('make bench'): measures the FMA peak and memory bandwidth, verifies\n"
               "every (layer, implementation) that runs here, prints the factorization report\n"
               "(pairs 1-7 and a sweep of pairs 1-3), runs the whole Inception-v3 forward pass\n"
               "per implementation, and writes everything (CSV per report, Google Benchmark\n"
               "JSON, report.html) into a new folder results/<date>-<cpu>/ (never an earlier\n"
               "run's: -2, -3 ... suffixes). --out DIR uses DIR/<date>-<cpu> instead.\n\n");
    ib_run_opts_help(f, IB_CMD_BIT(all));
}

static const ib_cmd_spec spec = IB_CMD_SPEC(all, IB_SPEC_OUT_BASE, 0, usage);

/* Returns 2 when peak.csv cannot be written, else 0. */
static int peak_csv(const char *dir, int threads, FILE *out)
{
    FILE *csv = ib_results_open(dir, "peak.csv");
    if (!csv)
        return 2;
    fprintf(csv, "probe,threads,value,unit\n");
    fprintf(out, "Peak:");
    for (int i = 0; i < ib_isa_count(); i++) { /* every ISA of this build that runs here */
        const ib_isa isa = ib_isa_at(i)->isa;
        if (!ib_isa_usable(isa, NULL))
            continue;
        const double p1 = ib_peak_fma(isa, 1);
        if (!(p1 > 0))
            continue;
        const char *probe = ib_peak_fma_probe_name(isa);
        fprintf(out, " %s %.1f GF/s (1t)", probe, p1 * 1e-9);
        fprintf(csv, "%s,1,%.6e,FLOP/s\n", probe, p1);
        if (threads > 1) {
            const double pn = ib_peak_fma(isa, threads);
            fprintf(out, " %.1f (%dt)", pn * 1e-9, threads);
            fprintf(csv, "%s,%d,%.6e,FLOP/s\n", probe, threads, pn);
        }
        fputc(';', out);
    }
    const double b1 = ib_peak_triad(1);
    fprintf(out, " triad %.1f GB/s (1t)", b1 * 1e-9);
    fprintf(csv, "stream-triad,1,%.6e,B/s\n", b1);
    if (threads > 1) {
        const double bn = ib_peak_triad(threads);
        fprintf(out, " %.1f (%dt)", bn * 1e-9, threads);
        fprintf(csv, "stream-triad,%d,%.6e,B/s\n", threads, bn);
    }
    fputc('\n', out);
    fclose(csv);
    return 0;
}

int ib_cmd_all(int argc, char **argv)
{
    ib_run_opts o;
    ib_run_opts_init(&o, "all");
    int rc = ib_run_opts_parse(&o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
    char dir[768], stem[160];
    ib_err e;
    ib_results_default_stem(stem, sizeof stem);
    if (ib_results_mkdir(o.out ? o.out : "results", stem, dir, sizeof dir, &e) != IB_OK) {
        fprintf(stderr, "incbench all: %s\n", e.msg);
        return 2;
    }
    o.out = dir;
    const double t0 = ib_now();
    if (o.threads == 0 && !getenv("OMP_NUM_THREADS")) /* no question of it is about threads */
        o.threads = 1;
    const int threads = ib_run_opts_threads(&o);
    const ib_cpu *cpu = ib_cpu_get();
    printf("incbench: %s, %d logical CPUs, ISA cap %s, %d thread%s; results in %s\n\n", cpu->model,
           cpu->cores, ib_isa_name(cpu->cap), threads, threads > 1 ? "s" : "", dir);
    if (!o.quiet)
        fprintf(stderr, "[all] measuring peaks\n");
    if (peak_csv(dir, threads, stdout) || ib_run_info_write(dir, threads))
        return 2;

    ib_verify_summary vs;
    o.cmd = "verify";
    int r = ib_verify_job(&o, NULL, 0, &vs);
    if (r == 2)
        return 2;
    printf("Verify: %d passed, %d FAILED, %d skipped (verify.csv)\n\n", vs.passed, vs.failed,
           vs.skipped);
    rc = vs.failed ? 1 : 0;

    o.cmd = "factor";
    o.sweep = 1;
    r = ib_factor_job(&o, stdout);
    if (r == 2)
        return 2;
    rc = r > rc ? r : rc;
    printf("\n");
    o.cmd = "net";
    r = ib_net_job(&o, stdout, 5);
    if (r == 2)
        return 2;
    rc = r > rc ? r : rc;
    if (ib_report_write(dir, 0, &e) != IB_OK) {
        fprintf(stderr, "incbench all: %s\n", e.msg);
        return 2;
    }
    printf("\nDone in %.0f s: %s/report.html (CSV, Google Benchmark JSON beside it)%s\n",
           ib_now() - t0, dir, rc ? "; SOME CHECKS FAILED (exit status 1)" : "");
    return rc;
}
