/* What incbench writes as Google Benchmark JSON and what it concludes from it: pct_peak of a
 * padded AVX-512 conv layer below 102% on executed work, FLOPS_nominal beside FLOPS, the
 * threads/omp_threads/cpu_time fields of bench (through the shim) and of the factor/net
 * writer (report/results.c), the shim's warning above 102%, and compare's intervals and
 * "not significant" verdicts. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cpu.h"
#include "core/inception_v3.h"
#include "core/registry.h"
#include "harness/gbench.h"
#include "report/json.h"
#include "report/results.h"
#include "tests/check.h"

static char g_exe[1100], g_dir[] = "/tmp/ib_benchjsonXXXXXX";

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

/* Runs incbench ARGS with stdout into out (a path under g_dir) and stderr into err; returns
 * the exit status (-1 when it could not run). */
static int run(const char *args, const char *out, const char *err)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s >%s/%s 2>%s/%s", g_exe, args, g_dir, out, g_dir, err);
    int st = system(cmd);
    return st == -1 ? -1 : WEXITSTATUS(st);
}

static ib_json *read_json(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    ib_json *doc = NULL;
    ib_err e = {{0}};
    if (ib_json_read_file(path, &doc, &e) != IB_OK) {
        ib_check(0, "%s: %s", name, e.msg);
        return NULL;
    }
    return doc;
}

/* 1 when the file g_dir/name contains text. */
static int file_has(const char *name, const char *text)
{
    char path[256], line[4096];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "r");
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, text) != NULL;
    if (f)
        fclose(f);
    return found;
}

/* The first line of g_dir/name holding every one of a and b (b may be NULL). */
static int line_has(const char *name, const char *a, const char *b)
{
    char path[256], line[4096];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "r");
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
        found = strstr(line, a) && (!b || strstr(line, b));
    if (f)
        fclose(f);
    return found;
}

static const ib_json *benchmarks(const ib_json *doc)
{
    const ib_json *l = doc ? ib_json_get(doc, "benchmarks") : NULL;
    return l && l->type == IB_JSON_ARRAY ? l : NULL;
}

/* Executed over nominal work of the named conv layer of the table. */
static double nonpad_share(const char *layer)
{
    ib_net net;
    ib_err e = {{0}};
    double share = NAN;
    if (ib_inception_v3_build(1, &net, &e) != IB_OK)
        return share;
    for (int i = 0; i < net.count; i++)
        if (!strcmp(net.layers[i].name, layer)) {
            ib_work w;
            ib_desc_work(&net.layers[i].desc, &w);
            share = (double)w.macs_nonpad / (double)w.macs;
        }
    ib_net_free(&net);
    return share;
}

/* incbench bench on a padded AVX-512 layer (1x7, pad 3, 17x17: 10% of the nominal taps are
 * padding), one thread: FLOPS and pct_peak count executed work for every implementation. The
 * checks read the counters against each other and against the peak the run printed, never a
 * time against a bound: a probe run while the machine was busy must not fail them. */
static void avx512_pct_peak(void)
{
    const char *why = NULL;
    if (!ib_isa_usable(IB_ISA_AVX512, &why)) {
        printf("skipped: pct_peak of AVX-512 conv: this CPU has no usable AVX-512 (%s)\n", why);
        return;
    }
    const char *layer = "Mixed_6b.branch7x7_2";
    const ib_impl *im[16];
    int has_onednn = 0, n = ib_registry_find(IB_OP_CONV, 0, im, 16);
    for (int i = 0; i < n; i++)
        has_onednn |= !strcmp(im[i]->name, "onednn") && ib_impl_usable(im[i], NULL);
    char args[512];
    snprintf(args, sizeof args,
             "bench --threads 1 --layer %s --impl avx512,avx2%s --benchmark_filter=^conv/ "
             "--benchmark_min_time=0.05 --benchmark_format=json",
             layer, has_onednn ? ",onednn" : "");
    int st = run(args, "avx512.json", "avx512.err");
    ib_check(st == 0, "incbench %s: exit %d", args, st);
    ib_json *doc = read_json("avx512.json");
    const ib_json *l = benchmarks(doc);
    ib_check(l && l->count == 2 + has_onednn, "avx512 run: %d benchmarks, want %d",
             l ? l->count : -1, 2 + has_onednn);
    const double share = nonpad_share(layer);
    const ib_json *ctx = doc ? ib_json_get(doc, "context") : NULL;
    int above = 0;
    for (int i = 0; l && i < l->count; i++) {
        const ib_json *b = l->items[i];
        const char *name = ib_json_get_str(b, "name");
        const double pct = ib_json_get_num(b, "pct_peak", NAN);
        const double fl = ib_json_get_num(b, "FLOPS", NAN);
        const double nom = ib_json_get_num(b, "FLOPS_nominal", NAN);
        printf("%s: pct_peak %.1f%%\n", name ? name : "?", pct);
        /* pct_peak = FLOPS (executed) / the peak of the ISA the implementation is held to
         * (the registry's rule), as printed in the context; both counters use the same clock,
         * so they agree to the context's 4 digits. */
        const char *fam = name ? strrchr(name, '/') : NULL;
        const ib_impl *im = fam ? ib_registry_lookup(IB_OP_CONV, fam + 1) : NULL;
        const ib_isa pisa = im ? ib_impl_peak_isa(im) : IB_ISA_SCALAR;
        char key[64];
        snprintf(key, sizeof key, "incbench_peak_fma_%s", ib_isa_name(pisa));
        const char *pk = ctx ? ib_json_get_str(ctx, key) : NULL;
        const double peak = pk ? atof(pk) : NAN;
        ib_check(pct > 0 && fabs(pct - 100 * fl / peak) < 2e-3 * pct,
                 "%s: pct_peak %g = 100 x FLOPS %g / the context's peak %g", name, pct, fl, peak);
        above += pct > 102;
        ib_check(fabs(fl / nom - share) < 1e-6 * share,
                 "%s: FLOPS / FLOPS_nominal = %.6f, want executed / nominal MACs %.6f", name,
                 fl / nom, share);
        ib_check(ib_json_get_num(b, "threads", NAN) == 1 &&
                     ib_json_get_num(b, "omp_threads", NAN) == 1,
                 "%s: threads 1 and omp_threads 1", name);
    }
    ib_check(share < 0.95, "%s: the padding is %.0f%% of the nominal work, want > 5%%", layer,
             100 * (1 - share));
    ib_check(!file_has("avx512.err", "WARNING") == !above,
             "avx512 run: a pct_peak warning on stderr exactly when a pct_peak is above 102%% "
             "(%d are)",
             above);
    ib_check(file_has("avx512.err", "fma-avx512"), "avx512 run: the AVX-512 peak printed");
    ib_json_free(doc);
}

/* Two OpenMP threads in one benchmark thread: Google Benchmark's fields for a
 * MeasureProcessCPUTime()->UseRealTime() benchmark, and the kernel's threads beside them. */
static void threaded_fields(void)
{
    const char *args = "bench --threads 2 --layer Conv2d_2a_3x3 --impl avx2 "
                       "--benchmark_filter=^conv/ --benchmark_min_time=0.01 "
                       "--benchmark_repetitions=2 --benchmark_format=json";
    if (!ib_isa_usable(IB_ISA_AVX2, NULL)) {
        printf("skipped: threaded JSON fields: no AVX2 here\n");
        return;
    }
    int st = run(args, "threads.json", "threads.err");
    ib_check(st == 0, "incbench %s: exit %d", args, st);
    ib_json *doc = read_json("threads.json");
    const ib_json *l = benchmarks(doc);
    const ib_json *ctx = doc ? ib_json_get(doc, "context") : NULL;
    const char *th = ctx ? ib_json_get_str(ctx, "incbench_threads") : NULL;
    ib_check(th && !strcmp(th, "2"), "context incbench_threads '%s', want '2'", th ? th : "");
    int iterations = 0;
    for (int i = 0; l && i < l->count; i++) {
        const ib_json *b = l->items[i];
        const char *name = ib_json_get_str(b, "run_name");
        const char *type = ib_json_get_str(b, "run_type");
        ib_check(name && ends_with(name, "/process_time/real_time"),
                 "threaded run_name '%s' ends in /process_time/real_time", name ? name : "");
        ib_check(ib_json_get_num(b, "threads", NAN) == 1,
                 "%s: threads %g, want 1 (one benchmark thread)", name,
                 ib_json_get_num(b, "threads", NAN));
        /* Google Benchmark's stddev and cv aggregates take every counter's spread (0) */
        const char *agg = ib_json_get_str(b, "aggregate_name");
        if (!agg || !strcmp(agg, "mean") || !strcmp(agg, "median"))
            ib_check(ib_json_get_num(b, "omp_threads", NAN) == 2, "%s %s: omp_threads %g, want 2",
                     name, agg ? agg : "", ib_json_get_num(b, "omp_threads", NAN));
        ib_check(ib_json_get_num(b, "cpu_time", 0) > 0 && ib_json_get_num(b, "real_time", 0) > 0,
                 "%s: cpu_time and real_time positive", name);
        iterations += type && !strcmp(type, "iteration");
    }
    ib_check(iterations == 2, "threaded run: %d repetitions, want 2", iterations);
    ib_json_free(doc);
}

/* report/results.c (factor and net): the same fields, cpu_time the process's CPU time as
 * measured, not a copy of the wall time. */
static void results_fields(void)
{
    ib_timing t = {.reps = 3, .iters = 10, .med = 2e-3, .min = 1e-3, .max = 3e-3};
    const double wall[3] = {1e-3, 3e-3, 2e-3}, cpu[3] = {4e-3, 12e-3, 8e-3};
    for (int r = 0; r < 3; r++) {
        t.samples[r] = wall[r];
        t.cpu_samples[r] = cpu[r];
    }
    ib_gbjson j;
    ib_check(ib_gbjson_begin(&j, g_dir, "results.json", 4, 1) == 0, "ib_gbjson_begin");
    ib_gbjson_add(&j, "factor/test/avx2", &t, 1e9, 1e13, "k");
    ib_gbjson_end(&j);
    ib_json *doc = read_json("results.json");
    const ib_json *l = benchmarks(doc);
    ib_check(l && l->count == 6, "results.c: %d entries, want 3 repetitions + 3 aggregates",
             l ? l->count : -1);
    for (int i = 0; l && i < l->count; i++) {
        const ib_json *b = l->items[i];
        const char *name = ib_json_get_str(b, "name");
        const char *agg = ib_json_get_str(b, "aggregate_name");
        ib_check(ib_json_get_num(b, "threads", NAN) == 1 &&
                     ib_json_get_num(b, "omp_threads", NAN) == 4,
                 "results.c %s: threads 1, omp_threads 4", name);
        ib_check(name && strstr(name, "factor/test/avx2/process_time/real_time"),
                 "results.c name '%s'", name ? name : "");
        double want_real = i < 3 ? wall[i] : 0, want_cpu = i < 3 ? cpu[i] : 0;
        if (agg && !strcmp(agg, "median"))
            want_real = 2e-3, want_cpu = 8e-3;
        else if (agg && !strcmp(agg, "min"))
            want_real = 1e-3, want_cpu = 4e-3;
        else if (agg && !strcmp(agg, "max"))
            want_real = 3e-3, want_cpu = 12e-3;
        const double rt = ib_json_get_num(b, "real_time", NAN);
        const double ct = ib_json_get_num(b, "cpu_time", NAN);
        ib_check(fabs(rt - want_real * 1e9) < 1 && fabs(ct - want_cpu * 1e9) < 1,
                 "results.c %s: real_time %g cpu_time %g, want %g and %g ns", name, rt, ct,
                 want_real * 1e9, want_cpu * 1e9);
    }
    ib_json_free(doc);

    /* one thread timed on CPU time: no suffix, and rates divide by the CPU time */
    ib_check(ib_gbjson_begin(&j, g_dir, "results1.json", 1, 0) == 0, "ib_gbjson_begin, CPU time");
    ib_gbjson_add(&j, "factor/test/avx2", &t, 1e9, 1e13, "k");
    ib_gbjson_end(&j);
    doc = read_json("results1.json");
    l = benchmarks(doc);
    const ib_json *b0 = l && l->count > 0 ? l->items[0] : NULL;
    const char *n0 = b0 ? ib_json_get_str(b0, "name") : NULL;
    ib_check(n0 && !strcmp(n0, "factor/test/avx2") &&
                 fabs(ib_json_get_num(b0, "FLOPS", NAN) - 1e9 / cpu[0]) < 1,
             "results.c on CPU time: name '%s', FLOPS %g, want 'factor/test/avx2' and %g",
             n0 ? n0 : "", b0 ? ib_json_get_num(b0, "FLOPS", NAN) : NAN, 1e9 / cpu[0]);
    ib_json_free(doc);
}

/* The shim warns (and counts) a pct_peak above 102%, once per benchmark. */
static int idle(void *ctx, int64_t iters)
{
    volatile int64_t sink = 0;
    for (int64_t i = 0; i < iters; i++)
        sink += (int64_t)(intptr_t)ctx;
    return 0;
}

static void shim_warning(void)
{
    char a0[] = "test_bench_json", a1[] = "--benchmark_min_time=0.001";
    char a2[] = "--benchmark_repetitions=2", a3[64];
    snprintf(a3, sizeof a3, "--benchmark_out=%s/shim.json", g_dir);
    char *argv[] = {a0, a1, a2, a3, NULL};
    int argc = 4;
    ib_gb_init(&argc, argv);
    /* 1e9 FLOP per call of an empty body against a peak of 1 FLOP/s: far above 102% */
    ib_gb_bench over = {.name = "test/over/peak",
                        .fn = idle,
                        .flops_per_iter = 1e9,
                        .peak_flops = 1,
                        .peak_probe = "fma-test",
                        .omp_threads = 1};
    ib_gb_bench fine = {.name = "test/within/peak",
                        .fn = idle,
                        .flops_per_iter = 1,
                        .peak_flops = 1e18,
                        .peak_probe = "fma-test",
                        .omp_threads = 1};
    ib_check(ib_gb_register(&over) == 0 && ib_gb_register(&fine) == 0, "shim registers");
    ib_gb_run();
    ib_check(ib_gb_peak_warnings() == 1,
             "shim: %d pct_peak warnings, want 1 (one benchmark, "
             "two repetitions)",
             ib_gb_peak_warnings());
    ib_gb_shutdown();
}

/* A JSON of 9 interleaved repetitions per benchmark, times in ns: layer A's avx2 takes twice
 * onednn's time; layer B's two are drawn from the same values. nimpl 3 adds xsmm, as avx2. A
 * and B scale avx2's times (B's: a burst of load on all of its repetitions in one run). Every
 * implementation does the same work, which takes 90 us at the FMA peak on A and 80 us on B:
 * pct_peak is that over the time. */
static void write_run_json_at(const char *name, int nimpl, double a, double b, int threads)
{
    static const char *const impls[3] = {"onednn", "avx2", "xsmm"};
    char path[256];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        ib_check(0, "cannot write %s", path);
        return;
    }
    const double base[9] = {100, 102, 98, 105, 101, 99, 110, 103, 97};
    const double same[9] = {101, 99, 104, 97, 103, 100, 98, 106, 102};
    fprintf(f,
            "{\"context\": {\"num_cpus\": 2, \"load_avg\": [0.5, 0.4, 0.3], "
            "\"incbench_threads\": \"%d\"},\n \"benchmarks\": [\n",
            threads);
    const char *layers[2] = {"Mixed_5b.branch1x1", "Mixed_5b.branch5x5_1"};
    int first = 1;
    for (int r = 0; r < 9; r++)
        for (int l = 0; l < 2; l++)
            for (int k = 0; k < nimpl; k++) {
                const double t = k == 0   ? base[r]
                                 : l == 0 ? 2 * a * base[(r + 4) % 9]
                                          : b * same[r];
                const double wall = t / (threads == 1 ? 1 : 1.9); /* 1.9x faster at more */
                fprintf(f,
                        "%s  {\"name\": \"conv/%s/%s\", \"run_name\": \"conv/%s/%s\", "
                        "\"run_type\": \"iteration\", \"repetitions\": 9, "
                        "\"repetition_index\": %d, \"threads\": 1, \"iterations\": 10, "
                        "\"real_time\": %g, \"cpu_time\": %g, \"time_unit\": \"ns\", "
                        "\"pct_peak\": %g}",
                        first ? "" : ",\n", layers[l], impls[k], layers[l], impls[k], r,
                        1000 * wall, 1000 * t, 100 * (l == 0 ? 90 : 80) / t);
                first = 0;
            }
    fprintf(f, "\n]}\n");
    fclose(f);
}

static void write_run_json(const char *name, int nimpl, double a, double b)
{
    write_run_json_at(name, nimpl, a, b, 1);
}

static void write_compare_json(const char *name, int nimpl)
{
    write_run_json(name, nimpl, 1, 1);
}

static void compare_verdicts(void)
{
    write_compare_json("cmp.json", 2);
    char args[300];
    snprintf(args, sizeof args, "compare %s/cmp.json", g_dir);
    int st = run(args, "cmp.out", "cmp.err");
    ib_check(st == 0, "incbench compare: exit %d", st);
    ib_check(line_has("cmp.out", "avx2 / onednn", NULL),
             "compare without --impl: the one implementation beside onednn");
    ib_check(line_has("cmp.out", "1 thread, load average 0.50", NULL),
             "compare's first line states threads and load");
    ib_check(line_has("cmp.out", "Mixed_5b.branch1x1", "slower"), "a 2x slower layer: slower");
    ib_check(line_has("cmp.out", "Mixed_5b.branch5x5_1", "~ not significant"),
             "the same times: '~ not significant'");
    ib_check(line_has("cmp.out", "0 faster, 1 slower, 1 not significant", NULL),
             "wins and losses counted among significant layers only");
    ib_check(line_has("cmp.out", "geometric mean", "95% ["), "the geometric mean's interval");
    ib_check(line_has("cmp.out", "network sum", "95% ["), "the network sum's interval");
    /* at the peak: 90 and 80 us against onednn's median 101 us, sqrt(0.891 x 0.792) */
    ib_check(line_has("cmp.out", "at 100% of its peak would reach a geometric mean of 0.840",
                      "network sum of"),
             "compare: the ratio a kernel at 100%% of its peak would reach");
    ib_check(line_has("cmp.out", "onednn 84.2%", NULL), "compare: the base's median %%peak");

    /* without --impl, the one implementation beside the base; with several, name one */
    write_compare_json("cmp3.json", 3);
    snprintf(args, sizeof args, "compare %s/cmp3.json", g_dir);
    st = run(args, "cmp3.out", "cmp3.err");
    ib_check(st == 2 && line_has("cmp3.err", "several conv implementations beside onednn",
                                 "(avx2, xsmm): name one with --impl"),
             "compare: several implementations and no --impl refused, naming them (exit %d)", st);
    snprintf(args, sizeof args, "compare %s/cmp3.json --impl xsmm", g_dir);
    st = run(args, "cmp3.out", "cmp3.err");
    ib_check(st == 0 && line_has("cmp3.out", "xsmm / onednn", NULL),
             "compare --impl xsmm picks it (exit %d)", st);
}

/* Six runs as rounds: a burst of load on layer B's avx2 repetitions in run 0 makes that run
 * alone call B slower; over the runs it is not significant, and A, twice as slow in every
 * run, stays slower. */
static void compare_rounds(void)
{
    static const double a[6] = {1.0, 1.02, 0.98, 1.01, 0.99, 1.03};
    static const double b[6] = {1.30, 0.98, 1.01, 0.99, 1.02, 0.97};
    char args[1200] = "compare", name[32];
    for (int r = 0; r < 6; r++) {
        snprintf(name, sizeof name, "run%d.json", r);
        write_run_json(name, 2, a[r], b[r]);
        snprintf(args + strlen(args), sizeof args - strlen(args), " %s/%s", g_dir, name);
    }
    char one[300];
    snprintf(one, sizeof one, "compare %s/run0.json", g_dir);
    int st = run(one, "run0.out", "run0.err");
    ib_check(st == 0 && line_has("run0.out", "Mixed_5b.branch5x5_1", "slower"),
             "one run with a burst on B calls B slower (exit %d)", st);
    st = run(args, "runs.out", "runs.err");
    ib_check(st == 0 && line_has("runs.out", "over 6 runs as rounds", NULL),
             "compare of 6 runs reads them as rounds (exit %d)", st);
    ib_check(line_has("runs.out", "Mixed_5b.branch5x5_1", "~ not significant"),
             "6 runs: the burst of one run is not a difference");
    ib_check(line_has("runs.out", "Mixed_5b.branch1x1", "slower"),
             "6 runs: 2x slower in every run is slower");
    ib_check(line_has("runs.out", "geometric mean", "95% ["),
             "6 runs: the geometric mean's interval");
    ib_check(line_has("runs.out", "network sum", "95% ["), "6 runs: the network sum's interval");
    snprintf(args, sizeof args, "compare %s/run0.json %s/run1.json %s/run2.json", g_dir, g_dir,
             g_dir);
    st = run(args, "runs3.out", "runs3.err");
    ib_check(st == 0 && line_has("runs3.out", "Mixed_5b.branch1x1", "no interval") &&
                 line_has("runs3.out", "network sum", "no interval"),
             "3 runs: too few rounds for an interval, said (exit %d)", st);
}

/* Runs at 1 and 2 threads, alternating as make bench-scaling runs them: every layer 1.9x faster
 * on the wall clock at 2 (its CPU time unchanged, so a speed-up read from cpu_time would be 1). */
static void compare_scaling(void)
{
    char args[1200] = "compare", name[32];
    for (int r = 0; r < 12; r++) {
        snprintf(name, sizeof name, "sc%d.json", r);
        write_run_json_at(name, 2, 1, 1, 1 + r % 2);
        snprintf(args + strlen(args), sizeof args - strlen(args), " %s/%s", g_dir, name);
    }
    int st = run(args, "sc.out", "sc.err");
    ib_check(st == 2 && line_has("sc.err", "several thread counts", "--impl"),
             "compare of runs at 1 and 2 threads without --impl: refused (exit %d)", st);
    strcat(args, " --impl avx2");
    st = run(args, "sc.out", "sc.err");
    ib_check(st == 0 && line_has("sc.out", "avx2@2 / avx2@1", "real_time"),
             "--impl avx2: avx2 at 2 threads against 1, on the wall clock (exit %d)", st);
    ib_check(line_has("sc.out", "over 6 runs as rounds", NULL),
             "the runs of each thread count are the rounds");
    ib_check(line_has("sc.out", "speed-up of avx2@2 over avx2@1", "median 1.90 over 2 layers"),
             "the speed-up, 1.9");
    ib_check(line_has("sc.out", "Mixed_5b.branch1x1", "0.526"), "the layer's ratio, 1 / 1.9");
    snprintf(args, sizeof args, "compare %s/sc0.json %s/sc1.json --impl avx2@2 --base onednn@2",
             g_dir, g_dir);
    st = run(args, "sc2.out", "sc2.err");
    ib_check(st == 0 && line_has("sc2.out", "avx2@2 / onednn@2", NULL) &&
                 !line_has("sc2.out", "speed-up", NULL),
             "IMPL@N against another implementation: no speed-up line (exit %d)", st);
}

int main(void)
{
    char self[1024];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || !mkdtemp(g_dir)) {
        ib_check(0, "readlink /proc/self/exe or mkdtemp");
        return ib_check_done();
    }
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = 0;
    snprintf(g_exe, sizeof g_exe, "%s/../incbench", self);
    if (access(g_exe, X_OK) != 0) {
        ib_check(0, "the incbench binary beside the tests: %s", g_exe);
        return ib_check_done();
    }
    results_fields();
    shim_warning();
    compare_verdicts();
    compare_rounds();
    compare_scaling();
    threaded_fields();
    avx512_pct_peak();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    if (system(cmd) != 0)
        ib_check(0, "cleanup %s", g_dir);
    printf("test_bench_json: ");
    return ib_check_done();
}
