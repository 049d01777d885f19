/* incbench regress: runs the benchmarks with repetitions in random order on one pinned core and
 * compares them with the baseline recorded for this CPU (bench/baselines/<cpu key>.json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/cli.h"
#include "bench/commands.h"
#include "bench/regress.h"
#include "bench/regress_io.h"

enum { MAX_PASS = 64 };

typedef struct options {
    const char *baseline, *dir;
    int record, force, pin;
    int64_t reps, cpu;
    double threshold, alpha, min_time;
    const char *threads;
    int npass;                /* options handed to 'incbench bench' */
    char *pass[MAX_PASS];
} options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: incbench regress [--baseline FILE] [--record] [--force] [--threshold PCT]\n"
            "                        [--alpha A] [--reps N] [--min-time S] [--cpu N] [--no-pin]\n"
            "                        [--threads N] [incbench bench options]\n\n"
            "Runs the benchmarks of 'incbench bench' with N repetitions interleaved in random\n"
            "order, pinned to one core, and compares them with the baseline of this CPU:\n"
            "bench/baselines/<cpu key>.json, a Google Benchmark JSON file (compare.py reads it).\n"
            "Per benchmark: median change, two-sided Mann-Whitney U test and a verdict. A\n"
            "benchmark is SLOWER only when p < alpha, the slowdown exceeds the threshold, and it\n"
            "exceeds the run-to-run noise (the larger MAD / median of the two sides).\n\n"
            "  --baseline FILE  compare with (or record to) FILE instead\n"
            "  --record         record this run as the baseline when there is none\n"
            "  --force          with --record: replace an existing (or corrupt) baseline\n"
            "  --threshold PCT  smallest slowdown that counts, percent (default 5)\n"
            "  --alpha A        significance level (default 0.05)\n"
            "  --reps N         repetitions per benchmark, at least %d (default 12)\n"
            "  --min-time S     seconds per repetition (default 0.05)\n"
            "  --cpu N          pin to CPU N (default: the highest-numbered allowed CPU)\n"
            "  --no-pin         do not pin\n"
            "  --threads N      OpenMP threads (default 1; above 1: no pinning, real time)\n"
            "  --layer, --impl, --batch, --benchmark_filter=REGEX: as for 'incbench bench'\n\n"
            "Exit status: 0 no regression, 1 regression, 2 error (no baseline, corrupt or\n"
            "foreign baseline, a benchmark missing or not comparable, bad usage).\n",
            IB_RG_MIN_REPS);
}

static int parse(int argc, char **argv, options *o)
{
    const char *v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double pct;
        if (ib_cli_is_help(a)) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--baseline")) {
            if (!(o->baseline = ib_cli_value("regress", argc, argv, &i)))
                return 2;
        } else if (!strcmp(a, "--record")) {
            o->record = 1;
        } else if (!strcmp(a, "--force")) {
            o->force = 1;
        } else if (!strcmp(a, "--no-pin")) {
            o->pin = 0;
        } else if (!strcmp(a, "--threshold")) {
            if (!(v = ib_cli_value("regress", argc, argv, &i)) ||
                !ib_cli_double("regress", a, v, 0, 1000, &pct))
                return 2;
            o->threshold = pct / 100;
        } else if (!strcmp(a, "--alpha")) {
            if (!(v = ib_cli_value("regress", argc, argv, &i)) ||
                !ib_cli_double("regress", a, v, 1e-9, 0.5, &o->alpha))
                return 2;
        } else if (!strcmp(a, "--reps")) {
            if (!(v = ib_cli_value("regress", argc, argv, &i)) ||
                !ib_cli_int("regress", a, v, IB_RG_MIN_REPS, 10000, &o->reps))
                return 2;
        } else if (!strcmp(a, "--min-time")) {
            if (!(v = ib_cli_value("regress", argc, argv, &i)) ||
                !ib_cli_double("regress", a, v, 1e-4, 100, &o->min_time))
                return 2;
        } else if (!strcmp(a, "--cpu")) {
            if (!(v = ib_cli_value("regress", argc, argv, &i)) ||
                !ib_cli_int("regress", a, v, 0, 4095, &o->cpu))
                return 2;
        } else if (!strcmp(a, "--threads") || !strcmp(a, "--layer") || !strcmp(a, "--impl") ||
                   !strcmp(a, "--batch")) {
            if (!(v = ib_cli_value("regress", argc, argv, &i)))
                return 2;
            if (!strcmp(a, "--threads")) {
                int64_t t;
                if (!ib_cli_int("regress", a, v, 1, 1024, &t))
                    return 2;
                o->threads = v;
                continue;
            }
            if (o->npass + 2 > MAX_PASS)
                return ib_cli_unknown("regress", a);
            o->pass[o->npass++] = argv[i - 1];
            o->pass[o->npass++] = argv[i];
        } else if (!strncmp(a, "--benchmark_filter=", 19)) {
            if (o->npass + 1 > MAX_PASS)
                return ib_cli_unknown("regress", a);
            o->pass[o->npass++] = argv[i];
        } else {
            return ib_cli_unknown("regress", a);
        }
    }
    if (o->force && !o->record) {
        fprintf(stderr, "incbench regress: --force only goes with --record (it replaces a "
                        "baseline)\n");
        return 2;
    }
    return -1;
}

/* Runs 'incbench bench' with the regression flags; its JSON goes to out_path. */
static int run_benchmarks(const options *o, const char *out_path)
{
    char bufs[IB_RG_GB_ARGS][1100];
    char *argv[MAX_PASS + IB_RG_GB_ARGS + 8];
    int argc = 0;
    argv[argc++] = "bench";
    argv[argc++] = "--threads";
    argv[argc++] = (char *)o->threads;
    for (int i = 0; i < o->npass; i++)
        argv[argc++] = o->pass[i];
    argc += ib_rg_gb_flags((int)o->reps, o->min_time, out_path, bufs, argv + argc);
    argv[argc] = NULL;
    fflush(stdout);
    return ib_cmd_bench(argc, argv);
}

/* Warns when the machine was busy during either measurement (Google Benchmark records the
 * load average): a slowdown of the whole machine looks like a slowdown of every benchmark. */
static void warn_if_busy(const ib_json *doc, const char *which)
{
    const ib_json *ctx = ib_json_get(doc, "context"), *load = ib_json_get(ctx, "load_avg");
    const double cpus = ib_json_get_num(ctx, "num_cpus", 0);
    if (load && load->type == IB_JSON_ARRAY && load->count > 0 &&
        load->items[0]->type == IB_JSON_NUMBER && cpus > 0 &&
        load->items[0]->number > 0.75 * cpus)
        printf("warning: the machine was busy when %s was measured (load %.1f on %.0f CPUs): "
               "timings shift with the load; compare on an idle machine\n",
               which, load->items[0]->number, cpus);
}

/* Loads this run's report, stamps it and, when a baseline is given, compares. */
static int compare_and_record(const options *o, const ib_cpu *cpu, const char *path,
                              ib_json *base, const char *out_path, int use_real_time)
{
    ib_json *cur = NULL;
    ib_err e = {{0}};
    int rc = 0;
    if (ib_json_read_file(out_path, &cur, &e) != IB_OK ||
        ib_rg_stamp(cur, cpu, use_real_time, &e) != IB_OK) {
        fprintf(stderr, "incbench regress: this run's report: %s\n", e.msg);
        ib_json_free(cur);
        return 2;
    }
    if (base && ib_rg_check_config(base, cur, &e) != IB_OK) {
        fprintf(stderr, "incbench regress: %s\n", e.msg);
        rc = 2;
    } else if (base) {
        ib_rg_opts ro = {o->threshold, o->alpha, use_real_time, o->npass > 0};
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
            printf("\nbaseline %s (%s)\n", path, bc ? bc : "compiler unknown");
            if (bc && cc && strcmp(bc, cc) != 0)
                printf("note: the baseline was built with %s, this binary with %s\n", bc, cc);
            ib_rg_print(stdout, &r, &ro);
            rc = ib_rg_exit_status(&r);
            warn_if_busy(base, "the baseline");
            warn_if_busy(cur, "this run");
            if (r.count[IB_RG_SLOWER] > 1 && r.count[IB_RG_SLOWER] == r.n)
                printf("note: every benchmark is slower: suspect the machine (load, clock) or "
                       "a change that touches everything (compiler, flags)\n");
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
            printf("incbench regress: recorded the baseline %s\n", path);
            rc = 0;
        }
    }
    fflush(stdout);
    ib_json_free(cur);
    return rc;
}

int ib_cmd_regress(int argc, char **argv)
{
    options o = {.pin = 1,
                 .reps = 12,
                 .cpu = -1,
                 .threshold = IB_RG_DEFAULT_THRESHOLD,
                 .alpha = IB_RG_DEFAULT_ALPHA,
                 .min_time = 0.05,
                 .threads = "1",
                 .dir = "bench/baselines"};
    int rc = parse(argc, argv, &o);
    if (rc >= 0)
        return rc;

    const ib_cpu *cpu = ib_cpu_get();
    char key[128], path[1024];
    ib_rg_cpu_key(cpu, key, sizeof key);
    if (o.baseline)
        snprintf(path, sizeof path, "%s", o.baseline);
    else
        ib_rg_baseline_path(o.dir, key, path, sizeof path);
    printf("incbench regress: CPU %s (%s, %s, %d logical CPUs), key %s\n", cpu->model,
           cpu->vendor, ib_isa_name(cpu->best), cpu->cores, key);

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

    const int threads = atoi(o.threads);
    if (o.pin && threads == 1) {
        const char *why = "";
        int c = ib_rg_pin((int)o.cpu, &why);
        if (c < 0)
            fprintf(stderr, "incbench regress: not pinned: %s\n", why);
        else
            fprintf(stderr, "incbench regress: pinned to CPU %d\n", c);
    }

    char out_path[] = "/tmp/incbench-regress-XXXXXX";
    int fd = mkstemp(out_path);
    if (fd < 0) {
        perror("incbench regress: temporary file");
        ib_json_free(base);
        return 2;
    }
    close(fd);
    rc = run_benchmarks(&o, out_path);
    if (rc != 0) {
        fprintf(stderr, "incbench regress: the benchmarks did not all run (a failed "
                        "verification or a benchmark error, see above): no verdict\n");
        rc = 2;
    } else {
        rc = compare_and_record(&o, cpu, path, base, out_path, threads > 1);
    }
    unlink(out_path);
    ib_json_free(base);
    return rc;
}
