/* incbench regress: runs the benchmarks with repetitions in random order on one pinned core, in
 * separate processes, and compares them with the baseline recorded for this CPU
 * (regress/baselines/<cpu key>.json); refuses a run too small to detect anything. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "harness/stats.h"
#include "regress/regress.h"
#include "regress/regress_io.h"
#include "regress/regress_power.h"
#include "regress/regress_procs.h"
#include "report/results.h"

/* "incbench bench --threads N", each option given (a name and a value), the filters, NULL */
enum { MAX_BENCH_ARGS = 4 + 2 * IB_MAX_GIVEN + IB_MAX_ARGS + 1 };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: incbench regress [--baseline FILE] [--record] [--force] [--threshold PCT]\n"
            "                        [--alpha A] [--reps N] [--procs P] [--min-time S] [--cpu N]\n"
            "                        [--no-pin] [--threads N] [incbench bench options]\n\n"
            "Runs the benchmarks of 'incbench bench' with N repetitions interleaved in random\n"
            "order, pinned to one core, in P separate processes, and compares them with the\n"
            "baseline of this CPU: regress/baselines/<cpu key>.json, a Google Benchmark JSON file\n"
            "(compare.py reads it) holding at least 3 processes. Per benchmark: median change,\n"
            "two-sided Mann-Whitney U test, noise, the minimum detectable slowdown and a verdict.\n"
            "A benchmark is SLOWER only when p is below Holm's bound over the benchmarks of the\n"
            "run, the slowdown exceeds the threshold, and it exceeds the noise (MAD / median of\n"
            "each side and the spread between processes). A run whose repetitions cannot reach\n"
            "p < alpha / (number of benchmarks) is refused before it is timed. --reps is at\n"
            "least %d (default %d); --threads defaults to 1 (above 1: no pinning, real time);\n"
            "--out DIR writes this run's merged report, DIR/regress.json. The options of\n"
            "'incbench bench' (--layer, --impl, --shape, --batch, --benchmark_filter=REGEX)\n"
            "select as there.\n\n",
            IB_RG_MIN_REPS, IB_RG_DEFAULT_REPS);
    ib_run_opts_help(f, IB_CMD_BIT(regress));
    fprintf(f, "\nExit status: 0 no regression, 1 regression, 2 error (no baseline, corrupt or\n"
               "foreign baseline, a benchmark missing or not comparable, a run that could not\n"
               "detect anything, bad usage).\n");
}

static const ib_cmd_spec spec =
    IB_CMD_SPEC(regress, IB_SPEC_GBENCH | IB_SPEC_GB_FILTER | IB_SPEC_NO_BEST, 0, usage);

static int parse(int argc, char **argv, ib_run_opts *o)
{
    ib_run_opts_init(o, "regress");
    o->rg_reps = IB_RG_DEFAULT_REPS;
    o->cpu = -1;
    o->threshold_pct = 100 * IB_RG_DEFAULT_THRESHOLD;
    o->alpha = IB_RG_DEFAULT_ALPHA;
    o->min_time = 0.05;
    o->threads = 1;
    const int rc = ib_run_opts_parse(o, &spec, argc, argv);
    if (rc >= 0)
        return rc;
    if (o->force && !o->record) {
        fprintf(stderr, "incbench regress: --force only goes with --record (it replaces a "
                        "baseline)\n");
        return 2;
    }
    if (o->record && o->procs == 0)
        o->procs = IB_RG_DEFAULT_BASE_PROCS;
    if (o->procs == 0)
        o->procs = IB_RG_DEFAULT_CHECK_PROCS;
    if (o->record && o->procs < IB_RG_MIN_BASE_PROCS) {
        fprintf(stderr,
                "incbench regress: --procs %lld: a baseline needs at least %d processes (one "
                "process never samples the variation from one process to the next)\n",
                (long long)o->procs, IB_RG_MIN_BASE_PROCS);
        return 2;
    }
    return -1;
}

/* The command line of a measuring process: 'incbench bench' with the selection this run
 * parsed (the options of bench's that were given, from the one options table; the results
 * folder stays with regress) and its thread count. */
static int bench_args(const ib_run_opts *o, char **argv, char *threads, int len)
{
    int argc = 0;
    argv[argc++] = "incbench";
    argv[argc++] = "bench";
    snprintf(threads, (size_t)len, "%lld", (long long)o->threads);
    argv[argc++] = "--threads";
    argv[argc++] = threads;
    if (!ib_run_opts_argv(o, IB_CMD_BIT(bench),
                          (1ull << IB_OPTION_OUT) | (1ull << IB_OPTION_THREADS), argv, &argc,
                          MAX_BENCH_ARGS - IB_MAX_ARGS - 1))
        return -1; /* cannot happen: MAX_BENCH_ARGS holds every option given */
    for (int i = 0; i < o->ngb; i++)
        argv[argc++] = (char *)o->gb_args[i];
    argv[argc] = NULL;
    return argc;
}

/* 1 when the run is restricted to part of the benchmarks (a baseline benchmark it did not run
 * is then left out rather than MISSING). */
static int is_subset(const ib_run_opts *o)
{
    return o->layer || o->impls || o->nshapes || o->ngb || o->batch != 1;
}

/* The largest repetition count of a benchmark in doc (0 when none). */
static int max_reps(const ib_json *doc)
{
    ib_rg_set s;
    ib_err e = {{0}};
    int n = 0;
    if (ib_rg_samples(doc, 0, &s, &e) != IB_OK)
        return 0;
    for (int i = 0; i < s.n; i++)
        n = s.b[i].n > n ? s.b[i].n : n;
    ib_rg_set_free(&s);
    return n;
}

/* Refuses, before any timing, a run that could detect nothing: m benchmarks selected, the
 * baseline's repetitions (or, when recording, the baseline this run makes and a default
 * check with the same --reps against it) and this run's. Returns 1 when refused. */
static int underpowered(const ib_run_opts *o, const ib_json *base)
{
    const int m = ib_bench_count(o);
    if (m < 0)
        return 1;
    if (m == 0) {
        fprintf(stderr, "incbench regress: nothing to run (check --layer, --impl and "
                        "--benchmark_filter)\n");
        return 1;
    }
    const int reps = (int)o->rg_reps, procs = (int)o->procs;
    const int base_procs = o->record || !base ? procs : ib_rg_procs_of(base);
    const int nb = o->record || !base ? procs * reps : max_reps(base);
    const int check_procs = o->record ? IB_RG_DEFAULT_CHECK_PROCS : procs;
    const int nc = check_procs * reps;
    char msg[600];
    if (!ib_rg_power_refusal(
            nb, nc, m, o->alpha,
            ib_rg_reps_needed(base_procs, check_procs, m, o->alpha, IB_RG_MIN_REPS), msg,
            sizeof msg)) {
        printf("incbench regress: %d benchmarks; %d and %d repetitions can reach p = %.2g, "
               "below alpha/m = %.2g\n",
               m, nb, nc, ib_mwu_min_p(nb, nc), o->alpha / m);
        return 0;
    }
    fprintf(stderr, "incbench regress: refused: %s%s\n", msg,
            o->record ? " (a check against the baseline this run would record)" : "");
    return 1;
}

/* Warns when the machine was busy during either measurement (Google Benchmark records the
 * load average): a slowdown of the whole machine looks like a slowdown of every benchmark. */
static void warn_if_busy(const ib_json *doc, const char *which)
{
    const ib_json *ctx = ib_json_get(doc, "context"), *load = ib_json_get(ctx, "load_avg");
    const double cpus = ib_json_get_num(ctx, "num_cpus", 0);
    if (load && load->type == IB_JSON_ARRAY && load->count > 0 &&
        load->items[0]->type == IB_JSON_NUMBER && cpus > 0 && load->items[0]->number > 0.75 * cpus)
        printf("warning: the machine was busy when %s was measured (load %.1f on %.0f CPUs): "
               "timings shift with the load; compare on an idle machine\n",
               which, load->items[0]->number, cpus);
}

/* --out: this run's merged report as DIR/regress.json; 1 when it cannot be written. */
static int save_run(const ib_run_opts *o, const ib_json *cur)
{
    ib_err e = {{0}};
    FILE *f = ib_results_open(o->out, "regress.json");
    if (!f)
        return 1;
    const ib_status st = ib_json_write(f, cur, &e);
    if (fclose(f) != 0 || st != IB_OK) {
        fprintf(stderr, "incbench regress: cannot write %s/regress.json\n", o->out);
        return 1;
    }
    return 0;
}

/* Stamps this run's report (consumed) and, when a baseline is given, compares. */
static int compare_and_record(const ib_run_opts *o, const ib_cpu *cpu, const char *path,
                              ib_json *base, ib_json *cur, int use_real_time)
{
    ib_err e = {{0}};
    int rc = 0;
    if (ib_rg_stamp(cur, cpu, use_real_time, &e) != IB_OK) {
        fprintf(stderr, "incbench regress: this run's report: %s\n", e.msg);
        ib_json_free(cur);
        return 2;
    }
    if (base && ib_rg_check_config(base, cur, &e) != IB_OK) {
        fprintf(stderr, "incbench regress: %s\n", e.msg);
        rc = 2;
    } else if (base) {
        ib_rg_opts ro = {o->threshold_pct / 100, o->alpha, use_real_time, is_subset(o)};
        ib_rg_set sb = {0}, sc = {0};
        ib_rg_report r = {0};
        if (ib_rg_samples(base, use_real_time, &sb, &e) != IB_OK ||
            ib_rg_samples(cur, use_real_time, &sc, &e) != IB_OK ||
            ib_rg_compare(&sb, &sc, &ro, &r, &e) != IB_OK) {
            fprintf(stderr, "incbench regress: %s\n", e.msg);
            rc = 2;
        } else {
            const char *bc = ib_json_get_str(ib_json_get(base, "context"), "incbench_compiler");
            const char *cc = ib_json_get_str(ib_json_get(cur, "context"), "incbench_compiler");
            printf("\nbaseline %s (%s; %d processes), this run %lld process%s x %lld "
                   "repetitions\n",
                   path, bc ? bc : "compiler unknown", ib_rg_procs_of(base), (long long)o->procs,
                   o->procs == 1 ? "" : "es", (long long)o->rg_reps);
            if (bc && cc && strcmp(bc, cc) != 0)
                printf("note: the baseline was built with %s, this binary with %s\n", bc, cc);
            ib_rg_print(stdout, &r, &ro);
            rc = ib_rg_exit_status(&r);
            warn_if_busy(base, "the baseline");
            warn_if_busy(cur, "this run");
        }
        ib_rg_report_free(&r);
        ib_rg_set_free(&sb);
        ib_rg_set_free(&sc);
    }
    if (o->record) {
        if (ib_rg_baseline_save(path, cur, o->force, &e) != IB_OK) {
            fprintf(stderr, "incbench regress: %s\n", e.msg);
            rc = 2;
        } else {
            printf("incbench regress: recorded the baseline %s (%lld processes x %lld "
                   "repetitions)\n",
                   path, (long long)o->procs, (long long)o->rg_reps);
            rc = 0;
        }
    }
    fflush(stdout);
    ib_json_free(cur);
    return rc;
}

int ib_cmd_regress(int argc, char **argv)
{
    ib_run_opts o;
    int rc = parse(argc, argv, &o);
    if (rc >= 0)
        return rc;

    const ib_cpu *cpu = ib_cpu_get();
    char key[128], path[1024];
    ib_rg_cpu_key(cpu, key, sizeof key);
    if (o.baseline)
        snprintf(path, sizeof path, "%s", o.baseline);
    else
        ib_rg_baseline_path("regress/baselines", key, path, sizeof path);
    printf("incbench regress: CPU %s (%s, %s, %d logical CPUs), key %s\n", cpu->model, cpu->vendor,
           ib_isa_name(cpu->best), cpu->cores, key);

    /* Every check that needs no measurement comes first: a refusal costs nothing. */
    ib_json *base = NULL;
    ib_err e = {{0}};
    if (!ib_rg_file_exists(path)) {
        if (!o.record) {
            fprintf(stderr,
                    "incbench regress: no baseline for this CPU (%s): %s does not exist.\n"
                    "Record one with 'incbench regress --record' (or 'make regress "
                    "REGRESS_FLAGS=--record') on a known-good build, then commit it.\n",
                    key, path);
            return 2;
        }
    } else if (o.record && !o.force) {
        fprintf(stderr, "incbench regress: %s exists: not replaced (add --force to replace it)\n",
                path);
        return 2;
    } else if (ib_rg_baseline_load(path, key, &base, &e) != IB_OK) {
        if (!o.force) {
            fprintf(stderr, "incbench regress: %s\n", e.msg);
            return 2;
        }
        fprintf(stderr, "incbench regress: replacing it: %s\n", e.msg);
    }

    char *bargv[MAX_BENCH_ARGS], threads_text[24];
    const int bargc = bench_args(&o, bargv, threads_text, sizeof threads_text);
    if (bargc < 0 || underpowered(&o, base)) {
        ib_json_free(base);
        return 2;
    }

    const int threads = (int)o.threads;
    if (!o.no_pin && threads == 1) {
        const char *why = "";
        int c = ib_rg_pin((int)o.cpu, &why);
        if (c < 0)
            fprintf(stderr, "incbench regress: not pinned: %s\n", why);
        else if (!o.quiet)
            fprintf(stderr, "incbench regress: pinned to CPU %d\n", c);
    }

    /* Each process re-executes this program, so each starts as a fresh run would; a launcher
     * that runs it through a bundled loader names itself in INCBENCH_EXEC (tools/bundle.sh),
     * since /proc/self/exe is then the loader. */
    const char *self = getenv("INCBENCH_EXEC");
    ib_json *cur = NULL;
    if (ib_rg_run_procs(self && *self ? self : "/proc/self/exe", bargv, bargc, (int)o.procs,
                        (int)o.rg_reps, o.min_time, &cur, &e) != IB_OK) {
        fprintf(stderr, "incbench regress: %s: no verdict\n", e.msg);
        rc = 2;
    } else if (o.out && save_run(&o, cur)) {
        ib_json_free(cur);
        rc = 2;
    } else {
        rc = compare_and_record(&o, cpu, path, base, cur, threads > 1);
    }
    ib_json_free(base);
    return rc;
}
